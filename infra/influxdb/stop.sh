#!/usr/bin/env bash
# Stops the influxd that start.sh started: SIGTERM by pid file, on which influxd shuts down
# cleanly (stops taking requests, closes the storage engine and its write-ahead log and the
# metadata stores); SIGKILL only if it has not exited after a bounded wait. The data stays:
# the next start.sh (without OC_INFLUX_FRESH=1) finds every bucket and point. Safe to run
# when nothing is running.
#
# Environment:
#   OC_INFLUX_STATE_DIR         as for start.sh (default infra/.cache/influxdb)
#   OC_INFLUX_STOP_TIMEOUT_S    wait before SIGKILL (default 30)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${OC_INFLUX_STATE_DIR:-$REPO/infra/.cache/influxdb}"
PIDFILE="$STATE_DIR/influxd.pid"
TIMEOUT_S="${OC_INFLUX_STOP_TIMEOUT_S:-30}"

# Alive means not gone and not a zombie: an exited server stays a zombie until whoever
# adopted it reaps it, and kill -0 still succeeds on it.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  # Field 3 of /proc/<pid>/stat is the state; field 2 (the name, in parentheses) may
  # contain spaces.
  [ "$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" != "Z" ]
}

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! alive "$pid"; then
  echo "influxd not running (no live pid in $PIDFILE)"
  rm -f "$PIDFILE"
  exit 0
fi
# A stale pid file (after a reboot, say) may name an unrelated process by now.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'influxd'; then
  echo "influxd not running (pid $pid in $PIDFILE is another program; left alone)"
  rm -f "$PIDFILE"
  exit 0
fi

kill -TERM "$pid"
deadline=$((SECONDS + TIMEOUT_S))
while alive "$pid"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "stop.sh: influxd (pid $pid) still running after ${TIMEOUT_S}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    # Wait for the kernel to end it, so the port and the data files are free when we return.
    while alive "$pid"; do sleep 0.05; done
    break
  fi
  sleep 0.1
done
rm -f "$PIDFILE"
echo "influxd stopped (pid $pid)"
