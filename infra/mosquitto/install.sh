#!/usr/bin/env bash
# Installs the Mosquitto broker and its command-line clients from the distribution's
# packages. Idempotent: does nothing when `mosquitto` is already on PATH (or in
# /usr/sbin, where Debian puts it and where a non-login PATH may not look).
set -euo pipefail

if command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then
  echo "mosquitto already installed: $( (command -v mosquitto || echo /usr/sbin/mosquitto) )"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install.sh: apt-get not found; install mosquitto and mosquitto-clients with your package manager" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends mosquitto mosquitto-clients

# Debian's package enables and starts a system-wide broker on port 1883 where systemd
# runs; our scripts start their own instance, so stop that one if it came up.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
  $SUDO systemctl stop mosquitto || true
fi

echo "installed: $(/usr/sbin/mosquitto -h 2>/dev/null | head -n 1 || true)"
