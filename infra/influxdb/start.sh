#!/usr/bin/env bash
# Starts the InfluxDB 2.x server that infra/influxdb/install.sh built, on loopback, for
# tests and local runs, and sets it up once (user, org, bucket, fixed admin token) so that
# clients can use it at once. Writes data, pid and log under infra/.cache/influxdb/
# (gitignored).
#
#   infra/influxdb/start.sh
#
# A start keeps the data of the previous run (a restart finds every point written before);
# OC_INFLUX_FRESH=1 wipes it first. Returns once /health passes and the token can see the
# org and the bucket (infra/influxdb/setup.mjs), then prints the client settings.
#
# Environment:
#   OC_INFLUX_PORT             HTTP API on 127.0.0.1 (default 18086)
#   OC_INFLUX_STATE_DIR        data, pid, log (default infra/.cache/influxdb)
#   OC_INFLUX_BIN_DIR          where influxd is (default infra/.cache/influxdb/bin)
#   OC_INFLUX_ORG              organisation (default opencompound)
#   OC_INFLUX_BUCKET           bucket (default telemetry)
#   OC_INFLUX_TOKEN            admin ("operator") token set at onboarding (default opencompound-dev-token)
#   OC_INFLUX_USERNAME         admin user (default opencompound)
#   OC_INFLUX_PASSWORD         its password, 8+ characters (default opencompound-dev-password)
#   OC_INFLUX_FRESH=1          delete all data before starting (the server must be stopped)
#   OC_INFLUX_START_TIMEOUT_S  how long to wait for readiness (default 60)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
PORT="${OC_INFLUX_PORT:-18086}"
STATE_DIR="${OC_INFLUX_STATE_DIR:-$REPO/infra/.cache/influxdb}"
BIN="${OC_INFLUX_BIN_DIR:-$REPO/infra/.cache/influxdb/bin}/influxd"
TIMEOUT_S="${OC_INFLUX_START_TIMEOUT_S:-60}"
export OC_INFLUX_ORG="${OC_INFLUX_ORG:-opencompound}"
export OC_INFLUX_BUCKET="${OC_INFLUX_BUCKET:-telemetry}"
export OC_INFLUX_TOKEN="${OC_INFLUX_TOKEN:-opencompound-dev-token}"
export OC_INFLUX_USERNAME="${OC_INFLUX_USERNAME:-opencompound}"
export OC_INFLUX_PASSWORD="${OC_INFLUX_PASSWORD:-opencompound-dev-password}"

DATA_DIR="$STATE_DIR/data"
PIDFILE="$STATE_DIR/influxd.pid"
LOGFILE="$STATE_DIR/influxd.log"
URL="http://127.0.0.1:$PORT"

[ -x "$BIN" ] || die "$BIN not found; run infra/influxdb/install.sh first"
require_cmd node "it runs the readiness check and onboarding (setup.mjs)"
require_valid_port "$PORT"
require_at_least "${#OC_INFLUX_PASSWORD}" 8 "OC_INFLUX_PASSWORD must have at least 8 characters (InfluxDB refuses shorter ones)"

mkdir -p "$STATE_DIR"

print_settings() {
  echo "  export OC_INFLUX_URL=$URL"
  echo "  export OC_INFLUX_ORG=$OC_INFLUX_ORG"
  echo "  export OC_INFLUX_BUCKET=$OC_INFLUX_BUCKET"
  echo "  export OC_INFLUX_TOKEN=$OC_INFLUX_TOKEN"
  echo "  data: $DATA_DIR"
  echo "  log:  $LOGFILE"
}

# Only a live process that is our server counts.
if pid="$(pidfile_pid "$PIDFILE" 'influxd')"; then
  if [ "${OC_INFLUX_FRESH:-0}" = "1" ]; then
    die "influxd is running (pid $pid); OC_INFLUX_FRESH=1 needs it stopped first (infra/influxdb/stop.sh)"
  fi
  # Still check it answers and knows our token (cheap), so "running" means usable.
  node "$HERE/setup.mjs" "$URL" "$TIMEOUT_S" "$pid"
  echo "influxd already running on $URL (pid $pid)"
  print_settings
  exit 0
fi
rm -f "$PIDFILE"

# A server killed a moment ago may still be releasing its port.
require_free_ports 10 "set OC_INFLUX_PORT" "$PORT"

if [ "${OC_INFLUX_FRESH:-0}" = "1" ]; then
  rm -rf "$DATA_DIR"
fi
mkdir -p "$DATA_DIR"

# --- start ---------------------------------------------------------------------------
log_offset="$(log_start "$LOGFILE" "start (port $PORT)")"

# Every path is given, so nothing goes to ~/.influxdbv2 (influxd's default). The working
# directory is the state directory: influxd also reads a config.{toml,yaml,json} from
# there, and there is none. --reporting-disabled: no usage reports sent out.
# --hardening-enabled: Flux and templates may not fetch from private addresses or files
# (queries here never need to). No UI is built in (install.sh), so the UI is switched
# off rather than serving errors.
# setsid: the server gets its own session and outlives this script and the CI step that
# ran it, like a daemon; stop.sh ends it by pid.
(
  cd "$STATE_DIR"
  exec setsid "$BIN" \
    --http-bind-address "127.0.0.1:$PORT" \
    --bolt-path "$DATA_DIR/influxd.bolt" \
    --sqlite-path "$DATA_DIR/influxd.sqlite" \
    --engine-path "$DATA_DIR/engine" \
    --reporting-disabled \
    --hardening-enabled \
    --ui-disabled \
    --log-level info
) </dev/null >>"$LOGFILE" 2>&1 &
pid=$!
echo "$pid" >"$PIDFILE"

# --- wait until ready, onboard -------------------------------------------------------
if ! node "$HERE/setup.mjs" "$URL" "$TIMEOUT_S" "$pid"; then
  abort_start "$pid" "$PIDFILE" "$LOGFILE" "$log_offset" "influxd did not become ready"
fi

echo "influxd $("$BIN" version | awk '{ print $2 }') listening on $URL (pid $pid)"
print_settings
