#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a venv under infra/.cache, once; later runs reuse it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
VENV="infra/.cache/schemathesis-venv"
# Pinned to a major version: its CLI flags and checks are what run.sh relies on.
SPEC='schemathesis>=4.32,<5'
if [ -x "$VENV/bin/st" ]; then
  echo "schemathesis $("$VENV/bin/st" --version | awk '{print $3}') already in $VENV"
  exit 0
fi
mkdir -p infra/.cache
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC"
echo "schemathesis $("$VENV/bin/st" --version | awk '{print $3}') installed in $VENV"
