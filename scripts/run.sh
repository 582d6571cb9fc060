#!/usr/bin/env bash
# One command: install what is missing, build the app and the server, set up a demo site, and serve on
# http://127.0.0.1:8080 with an embedded SQLite database in ./data.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_native_build_deps
"$ROOT/scripts/build-app.sh"
say "Building the server (release)"
cargo build --release -p carepath-server
server="$ROOT/target/release/carepath-server"
export CAREPATH_DATA_DIR="${CAREPATH_DATA_DIR:-$ROOT/data}" CAREPATH_STATIC_DIR="$ROOT/dist"
"$server" demo
exec "$server" serve
