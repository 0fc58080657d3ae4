#!/usr/bin/env bash
# Stops the broker that start.sh started: SIGTERM by pid file, which makes Kafka shut
# down cleanly (flush, close the logs, write the clean-shutdown marker, so the next
# start needs no log recovery); SIGKILL only if it has not exited after a bounded wait.
# The data stays: the next start.sh (without OC_KAFKA_FRESH=1) finds every topic and record.
#
# Environment:
#   OC_KAFKA_STATE_DIR         as for start.sh (default infra/.cache/kafka)
#   OC_KAFKA_STOP_TIMEOUT_S    wait before SIGKILL (default 30)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${OC_KAFKA_STATE_DIR:-$REPO/infra/.cache/kafka}"
PIDFILE="$STATE_DIR/kafka.pid"
TIMEOUT_S="${OC_KAFKA_STOP_TIMEOUT_S:-30}"

# Alive means some thread still runs. kill -0 is not enough: a killed JVM's main thread
# turns zombie while its other threads are still exiting and holding the ports, and a fully
# exited process stays a zombie until whoever adopted it reaps it.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    [ -r "$stat" ] || continue
    # Field 3 is the state; field 2 (the name, in parentheses) may contain spaces.
    [ "$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "$stat" 2>/dev/null)" = "Z" ] || return 0
  done
  return 1
}

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! alive "$pid"; then
  echo "kafka not running (no live pid in $PIDFILE)"
  rm -f "$PIDFILE"
  exit 0
fi
# A stale pid file (after a reboot, say) may name an unrelated process by now.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
  echo "kafka not running (pid $pid in $PIDFILE is another program; left alone)"
  rm -f "$PIDFILE"
  exit 0
fi

kill -TERM "$pid"
deadline=$((SECONDS + TIMEOUT_S))
while alive "$pid"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "stop.sh: kafka (pid $pid) still running after ${TIMEOUT_S}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    # Wait for the kernel to reap it, so the ports are free when we return.
    while alive "$pid"; do sleep 0.05; done
    break
  fi
  sleep 0.1
done
rm -f "$PIDFILE"
echo "kafka stopped (pid $pid)"
