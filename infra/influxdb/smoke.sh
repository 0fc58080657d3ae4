#!/usr/bin/env bash
# End-to-end check of the server start.sh runs, with plain HTTP (curl) against the v2 API:
#
#   infra/influxdb/smoke.sh write    # 100 points (line protocol, POST /api/v2/write) under a
#                                    # new run id, read back with Flux (POST /api/v2/query)
#   infra/influxdb/stop.sh && infra/influxdb/start.sh
#   infra/influxdb/smoke.sh verify   # the same run's points are all still there
#
# `write` keeps the run id and the expected count and sum in $STATE_DIR/smoke-run. Exit 0
# when the counts and sums match, 1 (with what differed) when not.
#
# Environment: OC_INFLUX_PORT, OC_INFLUX_ORG, OC_INFLUX_BUCKET, OC_INFLUX_TOKEN,
# OC_INFLUX_STATE_DIR, as for start.sh and with its defaults.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
URL="http://127.0.0.1:${OC_INFLUX_PORT:-18086}"
ORG="${OC_INFLUX_ORG:-opencompound}"
BUCKET="${OC_INFLUX_BUCKET:-telemetry}"
TOKEN="${OC_INFLUX_TOKEN:-opencompound-dev-token}"
STATE_DIR="${OC_INFLUX_STATE_DIR:-$REPO/infra/.cache/influxdb}"
RUN_FILE="$STATE_DIR/smoke-run"
POINTS=100

mode="${1:-}"
if [ "$mode" != write ] && [ "$mode" != verify ]; then
  echo "usage: $0 write|verify" >&2
  exit 2
fi

# Count and sum of this run's points, by Flux. The CSV answer has a header row naming the
# columns; the value is taken by column name, not position.
read_back() {
  local flux csv
  flux="from(bucket: \"$BUCKET\")
    |> range(start: -30d, stop: 1d)
    |> filter(fn: (r) => r._measurement == \"oc_smoke\" and r.run == \"$1\" and r._field == \"value\")
    |> group()
    |> reduce(identity: {n: 0, total: 0}, fn: (r, accumulator) => ({n: accumulator.n + 1, total: accumulator.total + r._value}))"
  csv="$(curl -fsS -X POST "$URL/api/v2/query?org=$ORG" \
    -H "Authorization: Token $TOKEN" -H 'Content-Type: application/vnd.flux' -H 'Accept: application/csv' \
    --data-binary "$flux")"
  # An empty result (no rows at all) has no data line: report 0 0. (CSV lines end in CRLF.)
  awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NF > 1 && col["n"] { print $col["n"], $col["total"]; found = 1; exit }
    END { if (!found) print 0, 0 }
  ' <<<"$(tr -d '\r' <<<"$csv")"
}

if [ "$mode" = write ]; then
  run="smoke-$(date +%s)-$RANDOM"
  now="$(date +%s)"
  lines=""
  total=0
  # One point a second going back from now, integer values 1..100: sum 5050.
  for i in $(seq 1 "$POINTS"); do
    lines+="oc_smoke,run=$run,device=dev-$((i % 4)) value=${i}i $((now - POINTS + i))"$'\n'
    total=$((total + i))
  done
  code="$(curl -sS -o /dev/stderr -w '%{http_code}' -X POST \
    "$URL/api/v2/write?org=$ORG&bucket=$BUCKET&precision=s" \
    -H "Authorization: Token $TOKEN" -H 'Content-Type: text/plain; charset=utf-8' \
    --data-binary "$lines")"
  if [ "$code" != 204 ]; then
    echo "smoke: write answered HTTP $code" >&2
    exit 1
  fi
  echo "$run $POINTS $total" >"$RUN_FILE"
  echo "smoke: wrote $POINTS points (run $run, sum $total)"
else
  if [ ! -s "$RUN_FILE" ]; then
    echo "smoke: no $RUN_FILE; run '$0 write' first" >&2
    exit 1
  fi
  read -r run POINTS total <"$RUN_FILE"
fi

read -r got_n got_total <<<"$(read_back "$run")"
if [ "$got_n" != "$POINTS" ] || [ "$got_total" != "$total" ]; then
  echo "smoke: run $run: expected $POINTS points with sum $total, Flux read $got_n with sum $got_total" >&2
  exit 1
fi
echo "smoke: run $run: Flux read back $got_n points with sum $got_total, as written"
