#!/usr/bin/env bash
# Stops the Mosquitto that start.sh started: SIGTERM by pid file (Mosquitto then saves
# its persistent sessions), SIGKILL only if it has not exited after a bounded wait.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${OC_MOSQUITTO_STATE_DIR:-$REPO/infra/.cache/mosquitto}"
PIDFILE="$STATE_DIR/mosquitto.pid"
TIMEOUT_S="${OC_MOSQUITTO_STOP_TIMEOUT_S:-10}"

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  echo "mosquitto not running (no live pid in $PIDFILE)"
  rm -f "$PIDFILE"
  exit 0
fi

kill -TERM "$pid"
deadline=$((SECONDS + TIMEOUT_S))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "stop.sh: mosquitto (pid $pid) still running after ${TIMEOUT_S}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.05
done
rm -f "$PIDFILE"
echo "mosquitto stopped (pid $pid)"
