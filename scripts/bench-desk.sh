#!/usr/bin/env bash
# The pharmacist desk at scale (issue #12): seeds a SQLite database with 10,000 patients and 1,000,000 events
# (through the real migrations), starts the real server on it on 127.0.0.1, signs a pharmacist in, calls every desk
# route and prints p50 / p95 / max ms and response bytes per route. Figures only: it asserts no timings and is not
# part of the test suite. Everything stays on loopback and stops by itself.
#
#   scripts/bench-desk.sh            # seeds target/bench-desk/carepath.db once (a few minutes), reuses it after
#   scripts/bench-desk.sh --fresh    # seeds it anew
#
# Environment: BENCH_DB (a file named carepath.db), BENCH_PATIENTS (10000), BENCH_EVENTS (1000000), BENCH_N (200
# requests per route), BENCH_SECONDS (30: at most this long per route, after 5 requests). Also measures the
# worklists, the program figures and the CSV exports (issue #12 items 6, 7), after refreshing every patient's status once,
# and the patient list's filters.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--fresh" ]]; then
  export BENCH_FRESH=1
fi
export RUST_LOG="${RUST_LOG:-warn,sqlx=error,carepath_server::notify=error}"   # the server's own log, on stderr
exec cargo run --quiet --release -p carepath-server --example bench_desk
