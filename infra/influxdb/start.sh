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
REPO="$(cd "$HERE/../.." && pwd)"
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

if [ ! -x "$BIN" ]; then
  echo "start.sh: $BIN not found; run infra/influxdb/install.sh first" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "start.sh: node not found; it runs the readiness check and onboarding (setup.mjs)" >&2
  exit 1
fi
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "start.sh: invalid port '$PORT'" >&2
  exit 1
fi
if [ "${#OC_INFLUX_PASSWORD}" -lt 8 ]; then
  echo "start.sh: OC_INFLUX_PASSWORD must have at least 8 characters (InfluxDB refuses shorter ones)" >&2
  exit 1
fi

mkdir -p "$STATE_DIR"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_settings() {
  echo "  export OC_INFLUX_URL=$URL"
  echo "  export OC_INFLUX_ORG=$OC_INFLUX_ORG"
  echo "  export OC_INFLUX_BUCKET=$OC_INFLUX_BUCKET"
  echo "  export OC_INFLUX_TOKEN=$OC_INFLUX_TOKEN"
  echo "  data: $DATA_DIR"
  echo "  log:  $LOGFILE"
}

# Only a live process that is our server counts: after a reboot or a SIGKILL the pid in
# the file may belong to something else by now.
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'influxd' || return 1
  echo "$pid"
}

if pid="$(running_pid)"; then
  if [ "${OC_INFLUX_FRESH:-0}" = "1" ]; then
    echo "start.sh: influxd is running (pid $pid); OC_INFLUX_FRESH=1 needs it stopped first (infra/influxdb/stop.sh)" >&2
    exit 1
  fi
  # Still check it answers and knows our token (cheap), so "running" means usable.
  node "$HERE/setup.mjs" "$URL" "$TIMEOUT_S" "$pid"
  echo "influxd already running on $URL (pid $pid)"
  print_settings
  exit 0
fi
rm -f "$PIDFILE"

# A server killed a moment ago may still be releasing its port: give it a few seconds
# before calling it taken.
port_wait_end=$((SECONDS + 10))
while port_open "$PORT"; do
  if [ "$SECONDS" -ge "$port_wait_end" ]; then
    echo "start.sh: port 127.0.0.1:$PORT is already in use by another process; set OC_INFLUX_PORT" >&2
    exit 1
  fi
  sleep 0.2
done

if [ "${OC_INFLUX_FRESH:-0}" = "1" ]; then
  rm -rf "$DATA_DIR"
fi
mkdir -p "$DATA_DIR"

# --- start ---------------------------------------------------------------------------
touch "$LOGFILE"
log_offset="$(($(stat -c %s "$LOGFILE") + 1))"
echo "--- $(date -Is) start (port $PORT)" >>"$LOGFILE"

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

fail() {
  echo "start.sh: $1; last log lines ($LOGFILE):" >&2
  tail -c "+$log_offset" "$LOGFILE" | tail -n 30 >&2 || true
  if kill -0 "$pid" 2>/dev/null; then
    # Do not leave a half-started server holding the port and the data directory.
    kill -TERM "$pid" 2>/dev/null || true
    stop_deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$stop_deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  exit 1
}

# --- wait until ready, onboard -------------------------------------------------------
if ! node "$HERE/setup.mjs" "$URL" "$TIMEOUT_S" "$pid"; then
  fail "influxd did not become ready"
fi

echo "influxd $("$BIN" version | awk '{ print $2 }') listening on $URL (pid $pid)"
print_settings
