#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (driven by playwright-core, which downloads
# nothing) and a CJK font so the Chinese pages render as text, not boxes, in headless runs and
# screenshots. Idempotent: does nothing when /usr/bin/chromium and a CJK font are already there.
set -euo pipefail

have_chromium() { [ -x /usr/bin/chromium ]; }
have_cjk_font() { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .; }

if have_chromium && have_cjk_font; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install.sh: apt-get not found; install chromium and a CJK font (e.g. Noto Sans CJK) with your package manager" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk fontconfig

echo "installed: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
