#!/usr/bin/env bash
# Installs the Mosquitto broker and its command-line clients from the distribution's
# packages. Idempotent: does nothing when `mosquitto` is already on PATH (or in
# /usr/sbin, where Debian puts it and where a non-login PATH may not look).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"

if have_cmd mosquitto || [ -x /usr/sbin/mosquitto ]; then
  echo "mosquitto already installed: $( (command -v mosquitto || echo /usr/sbin/mosquitto) )"
  exit 0
fi

apt_install "mosquitto and mosquitto-clients" mosquitto mosquitto-clients

# Debian's package enables and starts a system-wide broker on port 1883 where systemd
# runs; our scripts start their own instance, so stop that one if it came up.
if have_cmd systemctl && systemctl is-active --quiet mosquitto 2>/dev/null; then
  as_root systemctl stop mosquitto || true
fi

echo "installed: $(/usr/sbin/mosquitto -h 2>/dev/null | head -n 1 || true)"
