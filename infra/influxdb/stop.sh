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
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
STATE_DIR="${OC_INFLUX_STATE_DIR:-$REPO/infra/.cache/influxdb}"
PIDFILE="$STATE_DIR/influxd.pid"
TIMEOUT_S="${OC_INFLUX_STOP_TIMEOUT_S:-30}"

# Only a process running influxd is ours: a stale pid file (after a reboot, say) may name
# an unrelated process by now.
stop_by_pidfile influxd "$PIDFILE" "$TIMEOUT_S" 'influxd'
