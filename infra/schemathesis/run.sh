#!/usr/bin/env bash
# Fuzzes the running API from its own OpenAPI document with schemathesis: the whole platform
# on embedded defaults (`npm start`'s composition root, simulation on) on loopback ports,
# then one run anonymous and one signed in as each role (operator, manager, staff, and admin
# last, since its fuzzed edits change the configuration), with a
# fixed seed and a bounded number of examples per operation. Fails on any 5xx, any response
# that breaks its schema and any status the document does not list.
# Every operation of the document is fuzzed, HTML pages, binary photos and DELETEs included;
# only the live stream (/api/stream never ends) is left out, and the signed-in runs leave out
# /api/session (signing out would end the run's own session).
# Ends with "tests: N passed, N failed, 0 skipped" (one test per run) for .ci/run's summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO="$(pwd)"
ST="$REPO/infra/.cache/schemathesis-venv/bin/st"
[ -x "$ST" ] || bash infra/schemathesis/install.sh

HTTP_PORT="${OC_SCHEMATHESIS_HTTP_PORT:-18480}"
MQTT_PORT="${OC_SCHEMATHESIS_MQTT_PORT:-18483}"
SEED="${OC_SCHEMATHESIS_SEED:-13}"
EXAMPLES="${OC_SCHEMATHESIS_EXAMPLES:-50}"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/oc-schemathesis-XXXXXX")"
BASE="http://127.0.0.1:${HTTP_PORT}"
REPORTS="$REPO/infra/.cache/schemathesis-reports"
mkdir -p "$REPORTS"

npm run --silent build:web >/dev/null
OC_DATA_DIR="$DATA" OC_HTTP_PORT="$HTTP_PORT" OC_MQTT_PORT="$MQTT_PORT" OC_LOG_LEVEL=warn \
  node --import tsx services/main.ts >"$DATA/server.log" 2>&1 &
SERVER=$!
stop() {
  kill -INT "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT

for _ in $(seq 1 120); do
  curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/api/health" >/dev/null || { echo "API did not come up; server log:" >&2; tail -n 40 "$DATA/server.log" >&2; exit 1; }

signin() {
  curl -fsS -o /dev/null -c - -H 'content-type: application/json' -d "{\"login\":\"$1\",\"password\":\"$1-demo\"}" "$BASE/api/session" |
    awk '$6 == "oc_session" { print $7 }'
}

passed=0
failed=0
run() {
  local who="$1"
  shift
  echo "---- schemathesis as ${who} (seed ${SEED}, ${EXAMPLES} examples per operation) ----"
  # The live stream never ends; signing out would end the run's own session.
  if "$ST" run "$BASE/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 \
    --request-timeout 10 --no-color --generation-database none --exclude-path /api/stream \
    --report junit --report-junit-path "$REPORTS/${who}.xml" "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: schemathesis as ${who}"
  fi
}

run anonymous
for login in desk manager plumber admin; do
  cookie="$(signin "$login")"
  [ -n "$cookie" ] || { echo "sign-in of $login failed" >&2; exit 1; }
  run "$login" -H "Cookie: oc_session=${cookie}" --exclude-path /api/session
done

echo "tests: ${passed} passed, ${failed} failed, 0 skipped"
[ "$failed" -eq 0 ]
