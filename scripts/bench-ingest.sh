#!/usr/bin/env bash
# Sync ingest under load (issue #16): builds the release server, seeds a fresh SQLite database with 1,000 enrolled
# patients, starts the server on 127.0.0.1 and drives it with 100 concurrent devices (one check-in per sync, then
# batches of 20 events), beside the raw insert rate of SQLite measured in the same run on the same disk. Prints a
# table of events/s, p50 / p99 / max latency, errors and the server's CPU. Figures only: it asserts no timings and is
# not part of the test suite. Everything stays on loopback and stops by itself.
#
# Environment: BENCH_DEVICES (100), BENCH_PATIENTS (1000), BENCH_SECONDS (20 per phase), BENCH_DIR (target/bench-ingest,
# made anew each run).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p carepath-server --bin carepath-server --example bench_ingest
exec target/release/examples/bench_ingest
