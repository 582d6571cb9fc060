#!/usr/bin/env bash
# The API contract (issue #15 item 10): schemathesis (pinned, tools/schemathesis-requirements.txt) against a real
# server started by tools/api_contract.py with a fresh data folder, signed in as a site admin (both sign-in steps)
# and as an enrolled phone. Extra arguments go to `schemathesis run`. CAREPATH_SERVER_BIN picks the binary.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_schemathesis
bin="${CAREPATH_SERVER_BIN:-$ROOT/target/debug/carepath-server}"
[ -x "$bin" ] || cargo build -p carepath-server
say "API contract: schemathesis $(target/schemathesis/bin/schemathesis --version | awk '{print $NF}') against /api/openapi.json"
# The checks that hold the server to its document: no 5xx, only documented statuses, content types, bodies and
# headers of the documented shape. (positive_data_acceptance / negative_data_rejection would need every rule the
# server checks written into the schemas; see ARCHITECTURE.md.)
python3 tools/api_contract.py "$bin" "$ROOT/target/schemathesis/bin/schemathesis" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --generation-with-security-parameters false --max-examples "${CAREPATH_CONTRACT_EXAMPLES:-20}" --workers 2 --seed 1 "$@"
