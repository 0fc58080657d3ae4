#!/bin/sh
# Cargo's RUSTC_WORKSPACE_WRAPPER for the libflux build (infra/influxdb/install.sh).
#
# libflux's crates say `#![deny(warnings)]` (their "strict" feature, on by default). Each
# new rustc adds lints, so a compiler newer than the one Flux pinned turns new warnings into
# errors in otherwise valid code. Capping lints at "warn" keeps every warning visible and
# lets the build finish. Cargo runs this for workspace members only (flux, flux-core): the
# crates from the registry already get `--cap-lints allow` from cargo itself.
#
# Called as: rustc-cap-lints.sh <path to rustc> <rustc arguments...>
exec "$@" --cap-lints warn
