#!/usr/bin/env bash
# One command runs every test: domain unit and content tests, server integration tests (real server on a
# random port), the app's unit tests, and browser tests (real server, real Chromium at phone size). Installs what is missing.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_browser
ensure_native_build_deps
"$ROOT/scripts/build-app.sh"

say "Domain and server tests"
cargo test   # default members: domain and server
say "App unit tests (pure parts of the app, run natively)"
cargo test -p carepath-ui -p carepath-patient -p carepath-desk --lib

say "API contract (schemathesis against a running server)"
CAREPATH_SERVER_BIN="$ROOT/target/debug/carepath-server" "$ROOT/scripts/api-contract.sh"

say "Browser tests (Chromium, screenshots in tests/artifacts/)"
export CAREPATH_SERVER_BIN="$ROOT/target/debug/carepath-server" CAREPATH_DIST="$ROOT/dist"
[ -x "$CAREPATH_SERVER_BIN" ] || cargo build -p carepath-server
node --test --test-concurrency=1 tests/e2e/
