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
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
STATE_DIR="${OC_KAFKA_STATE_DIR:-$REPO/infra/.cache/kafka}"
PIDFILE="$STATE_DIR/kafka.pid"
TIMEOUT_S="${OC_KAFKA_STOP_TIMEOUT_S:-30}"

# Only a process running kafka.Kafka is ours: a stale pid file (after a reboot, say) may
# name an unrelated process by now.
stop_by_pidfile kafka "$PIDFILE" "$TIMEOUT_S" 'kafka\.Kafka'
