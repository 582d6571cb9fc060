#!/usr/bin/env bash
# Measures how the app reaches a phone (issue #13) and PRINTS markdown tables (it asserts no timing): the wasm
# bundles raw/gzip/brotli; per page, bytes over the wire by type and encoding on a cold first visit, and its
# throttled times (blank for, usable button); Lighthouse mobile performance/LCP/TBT; repeat visit offline to a
# usable button. The patient's pages (enroll, Today, diary, check-in, guides list, a guide) and the desk for
# information. Program: tools/measure-app.mjs.
#   CAREPATH_MEASURE_SKIP_BUILD=1   measure what is built (else builds the app and the release server first)
#   CAREPATH_SERVER_BIN, CAREPATH_DIST   another server binary / app build (default target/release, dist/)
#   CAREPATH_MEASURE_RUNS=5         runs per page offline (the median is printed)
#   CAREPATH_MEASURE_LIGHTHOUSE_RUNS=3   Lighthouse runs per page (the median of each figure is printed, TBT with its range)
#   CAREPATH_MEASURE_REPORTS=DIR    also keep Lighthouse's HTML reports there
# The tables go to stdout (e.g. `scripts/measure-app.sh > after.md`), progress to stderr.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_browser
ensure_node_tools

if [ "${CAREPATH_MEASURE_SKIP_BUILD:-}" != 1 ]; then
  ensure_native_build_deps
  "$ROOT/scripts/build-app.sh" >&2
  say "Building the server (release)" >&2
  cargo build --release -p carepath-server >&2
fi
export CAREPATH_SERVER_BIN="${CAREPATH_SERVER_BIN:-$ROOT/target/release/carepath-server}"
export CAREPATH_DIST="${CAREPATH_DIST:-$ROOT/dist}"
[ -x "$CAREPATH_SERVER_BIN" ] || { echo "measure-app: no server binary at $CAREPATH_SERVER_BIN (build it, or set CAREPATH_SERVER_BIN)" >&2; exit 1; }
[ -f "$CAREPATH_DIST/index.html" ] || { echo "measure-app: no app build in $CAREPATH_DIST (run scripts/build-app.sh, or set CAREPATH_DIST)" >&2; exit 1; }

# Everything the helper makes (data folder, browser profiles) lives in $work; the helper writes the pids of the
# server and browsers it starts to $work/pids, so that they are stopped however this script ends.
work=$(mktemp -d "${TMPDIR:-/tmp}/carepath-measure.XXXXXX")
helper=""
cleanup() {
  if [ -n "$helper" ] && kill -0 "$helper" 2>/dev/null; then
    kill "$helper" 2>/dev/null || true
    wait "$helper" 2>/dev/null || true
  fi
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/pids"
  fi
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Measuring (a few minutes; the tables follow on stdout)" >&2
TMPDIR="$work" CAREPATH_MEASURE_WORK="$work" node "$ROOT/tools/measure-app.mjs" &
helper=$!
if wait "$helper"; then
  helper=""
else
  status=$?
  helper=""
  echo "measure-app: some figures could not be measured (see above)" >&2
  exit "$status"
fi
