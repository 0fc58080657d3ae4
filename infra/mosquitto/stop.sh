#!/usr/bin/env bash
# Stops the Mosquitto that start.sh started: SIGTERM by pid file (Mosquitto then saves
# its persistent sessions), SIGKILL only if it has not exited after a bounded wait.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
STATE_DIR="${OC_MOSQUITTO_STATE_DIR:-$REPO/infra/.cache/mosquitto}"
PIDFILE="$STATE_DIR/mosquitto.pid"
TIMEOUT_S="${OC_MOSQUITTO_STOP_TIMEOUT_S:-10}"

stop_by_pidfile mosquitto "$PIDFILE" "$TIMEOUT_S"
