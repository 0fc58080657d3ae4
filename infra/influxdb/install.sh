#!/usr/bin/env bash
# Builds a real InfluxDB 2.x server, `influxd`, from source for tests and local runs, on a
# machine without Docker and without a download site: Go fetches the server's module and
# its dependencies from the Go module proxy; cargo fetches the crates of Flux's Rust core
# (libflux) from crates.io. Result: infra/.cache/influxdb/bin/influxd.
#
# How (details and timings in infra/influxdb/README.md):
#   1. `go mod download` the pinned influxdb module and copy it to a scratch directory
#      (the module cache is read-only; `go build` needs the module as its main module so
#      that its go.mod, with its replace directives, is the one in force).
#   2. Build InfluxData's pkg-config wrapper at the version that go.mod pins.
#   3. `go build ./cmd/influxd` with that wrapper as PKG_CONFIG: when cgo asks it for "flux",
#      it runs `cargo build --release` on the Flux module's libflux (in the Go build cache)
#      and hands the static library to the linker. No `assets` build tag: the UI is not
#      embedded (nothing to download), the HTTP API is complete.
#
# Idempotent: when the binary exists, runs, and was built from the pinned version and tags
# (stamp file next to it), it does nothing. Caches are the user's usual ones (GOMODCACHE,
# GOCACHE, CARGO_HOME; set them to move them), so a rebuild on the same machine, even from
# a fresh clone, reuses the compiled packages and libflux and takes seconds.
#
# Needs Go 1.23+ and Rust 1.72+ (neither is in Debian 12 at those versions, so they are
# not installed here); installs a C compiler (cgo) and curl (smoke.sh) with apt-get if
# missing.
#
# Environment:
#   OC_INFLUX_BIN_DIR         where influxd goes (default infra/.cache/influxdb/bin)
#   OC_INFLUX_RUST_TOOLCHAIN  rustup toolchain for libflux (default: rustup's default one)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
BIN_DIR="${OC_INFLUX_BIN_DIR:-$REPO/infra/.cache/influxdb/bin}"
BIN="$BIN_DIR/influxd"
STAMP="$BIN_DIR/.installed-from"

# The pinned server. v2.7.12 is the newest 2.7.x the module proxy serves; its go.mod pins
# Flux v0.196.1 and pkg-config v0.2.14. The tags are those of upstream's Makefile minus
# `assets` (the UI).
INFLUX_MODULE="github.com/influxdata/influxdb/v2"
INFLUX_VERSION="v2.7.12"
BUILD_TAGS="sqlite_foreign_keys,sqlite_json"
# Change this text (or the version/tags) to force a rebuild everywhere.
STAMP_TEXT="$INFLUX_MODULE@$INFLUX_VERSION tags=$BUILD_TAGS recipe=1"

started=$SECONDS
elapsed() { local s=$((SECONDS - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
say() { echo "[influxdb install $(elapsed)] $*"; }

# A binary that runs and says it is the pinned version: `influxd version` prints
# "InfluxDB v2.7.12 (git: ...) build_date: ...".
binary_ok() {
  local out
  out="$("$1" version 2>&1 || true)"
  [[ "$out" == "InfluxDB $INFLUX_VERSION "* ]]
}

if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && binary_ok "$BIN"; then
  echo "influxdb already installed: $BIN ($("$BIN" version | head -n 1))"
  exit 0
fi

# --- tools ---------------------------------------------------------------------------
# Non-login shells (CI) may not have the usual install places of Go and rustup on PATH.
if ! have_cmd go && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
if ! have_cmd cargo && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
export PATH

require_cmd go "InfluxDB $INFLUX_VERSION needs Go 1.23 or newer (Debian's golang is older)"
go_minor="$(go env GOVERSION | sed -nE 's/^go1\.([0-9]+).*/\1/p')"
require_at_least "$go_minor" 23 "Go 1.23 or newer needed, found $(go env GOVERSION)"
require_cmd cargo "Flux's libflux needs Rust 1.72 or newer (install with rustup)"

# The Flux module pins Rust 1.72 in a rust-toolchain file, which rustup would honour and
# try to download. Naming the toolchain overrides that file: use the one this machine has.
if [ -n "${OC_INFLUX_RUST_TOOLCHAIN:-}" ]; then
  export RUSTUP_TOOLCHAIN="$OC_INFLUX_RUST_TOOLCHAIN"
elif [ -z "${RUSTUP_TOOLCHAIN:-}" ] && have_cmd rustup; then
  # From / so that no directory override applies; prints "<name> (default)".
  default_toolchain="$(cd / && rustup default 2>/dev/null | awk 'NR == 1 { print $1 }')"
  if [ -n "$default_toolchain" ]; then export RUSTUP_TOOLCHAIN="$default_toolchain"; fi
fi
if ! rustc_version="$(rustc --version 2>&1)"; then
  die "rustc does not run (toolchain '${RUSTUP_TOOLCHAIN:-}'): $rustc_version"
fi
rust_minor="$(sed -nE 's/^rustc 1\.([0-9]+).*/\1/p' <<<"$rustc_version")"
require_at_least "$rust_minor" 72 "Rust 1.72 or newer needed, found: $rustc_version"

# Debian packages: a C compiler for cgo (libflux's bindings, SQLite) and the final link,
# curl for smoke.sh and checks by hand.
missing=()
# (cgo calls $CC, default gcc; rustc links build scripts with `cc`.)
if ! have_cmd cc || ! have_cmd "${CC:-gcc}"; then
  missing+=(gcc libc6-dev)
fi
have_cmd curl || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  apt_install "${missing[*]}" "${missing[@]}"
fi

# --- build environment ---------------------------------------------------------------
# GOTOOLCHAIN=local: go.mod names go1.23.9 as its toolchain; never download one, build with
# the Go that is here (newer is fine). -buildvcs=false: the copied source sits inside this
# project's git checkout, and its commit is not influxd's. CGO_ENABLED=1: Go turns cgo off
# by itself when it finds no C compiler, which would fail later and less clearly.
export GOTOOLCHAIN=local GOFLAGS="-buildvcs=false" CGO_ENABLED=1
# libflux's own crates deny all warnings; this rustc is newer than the one they were
# written for and warns about more (see rustc-cap-lints.sh).
export RUSTC_WORKSPACE_WRAPPER="$HERE/rustc-cap-lints.sh"

say "building InfluxDB $INFLUX_VERSION ($INFLUX_MODULE) with $(go env GOVERSION) and $rustc_version (toolchain ${RUSTUP_TOOLCHAIN:-default})"
say "caches: GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}"

# --- 1. source -------------------------------------------------------------------------
# A private scratch directory: two installs at once (two checkouts) do not share one.
# -trimpath below keeps the Go cache's keys free of its name, so a rebuild still reuses
# every compiled package.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/oc-influxdb-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$BIN_DIR"
say "downloading $INFLUX_MODULE@$INFLUX_VERSION"
mod_json="$(cd "$WORK" && go mod download -json "$INFLUX_MODULE@$INFLUX_VERSION")"
mod_dir="$(sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p' <<<"$mod_json")"
if [ -z "$mod_dir" ] || [ ! -f "$mod_dir/go.mod" ]; then
  die "go mod download gave no module directory:"$'\n'"$mod_json"
fi
cp -R "$mod_dir" "$WORK/src"
chmod -R u+w "$WORK/src"
cd "$WORK/src"

# --- 2. pkg-config wrapper -------------------------------------------------------------
say "building InfluxData's pkg-config (version from go.mod: $(go list -m -f '{{.Version}}' github.com/influxdata/pkg-config))"
mkdir -p "$WORK/tools"
go build -o "$WORK/tools/pkg-config" github.com/influxdata/pkg-config
# cgo runs $PKG_CONFIG; the wrapper hands any other library to the system's pkg-config,
# which it finds on PATH after itself.
export PKG_CONFIG="$WORK/tools/pkg-config" PATH="$WORK/tools:$PATH"

# --- 3. influxd ------------------------------------------------------------------------
say "go build ./cmd/influxd (tags $BUILD_TAGS): downloads the Go modules, builds libflux with cargo, compiles and links; the first time this takes 5-10 min on 2 cores (seconds with warm caches) and prints little until done"
go build \
  -trimpath \
  -tags "$BUILD_TAGS" \
  -ldflags "-s -w -X main.version=$INFLUX_VERSION -X main.commit=gomod -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -o "$BIN.tmp" ./cmd/influxd
if ! binary_ok "$BIN.tmp"; then
  echo "install.sh: the built influxd does not report version $INFLUX_VERSION:" >&2
  "$BIN.tmp" version >&2 || true
  exit 1
fi
mv "$BIN.tmp" "$BIN"
echo "$STAMP_TEXT" >"$STAMP"

say "influxdb installed: $BIN ($("$BIN" version | head -n 1), $(du -h "$BIN" | cut -f1))"
