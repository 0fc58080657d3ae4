#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (driven by playwright-core, which downloads
# nothing) and a CJK font so the Chinese pages render as text, not boxes, in headless runs and
# screenshots. Idempotent: does nothing when /usr/bin/chromium and a CJK font are already there.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"

have_chromium() { [ -x /usr/bin/chromium ]; }
have_cjk_font() { have_cmd fc-list && fc-list :lang=zh family 2>/dev/null | grep -q .; }

if have_chromium && have_cjk_font; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

apt_install "chromium and a CJK font (e.g. Noto Sans CJK)" chromium fonts-noto-cjk fontconfig

echo "installed: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
