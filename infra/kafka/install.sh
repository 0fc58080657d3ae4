#!/usr/bin/env bash
# Installs an Apache Kafka broker for tests and local runs, without Docker and without a
# download site: Maven fetches the `org.apache.kafka:kafka_2.13` artifact and every jar it
# needs at run time (infra/kafka/pom.xml) into infra/.cache/kafka/libs. Maven keeps its
# own copy in ~/.m2, so a second install on the same machine downloads nothing.
#
# Idempotent: when the libs were copied from the current pom.xml and the broker's main
# classes load, it does nothing. Installs Java and Maven with apt-get if they are missing.
#
# Environment:
#   OC_KAFKA_LIBS_DIR   where the jars go (default infra/.cache/kafka/libs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$HERE/../lib/common.sh"
LIBS="${OC_KAFKA_LIBS_DIR:-$REPO/infra/.cache/kafka/libs}"
POM="$HERE/pom.xml"
STAMP="$LIBS/.installed-from"

# --- Java 17+ and Maven -----------------------------------------------------------
if ! have_cmd java || ! have_cmd mvn; then
  apt_install "a JDK 17+ and Maven 3.6+" openjdk-17-jre-headless maven
fi
# Kafka 3.9 runs on Java 11+, our settings assume 17 (the Java CI has); refuse older ones
# here rather than with a class-version error in the broker log.
java_major="$(java -version 2>&1 | sed -nE '1s/.*version "([0-9]+)(\.[0-9.]+)?.*/\1/p')"
require_at_least "$java_major" 17 "Java 17 or newer needed, found: $(java -version 2>&1 | head -n 1)"

# --- already installed? -------------------------------------------------------------
# The stamp holds the pom's checksum: editing the Kafka version re-fetches.
pom_sum="$(sha256sum "$POM" | cut -d' ' -f1)"
check_classes() {
  # Runs the real entry points (not just a look into the jars): both must load and link
  # with the jars present. kafka.Kafka with no arguments prints its usage and exits 1;
  # StorageTool prints one random cluster id.
  local usage uuid
  usage="$(java -cp "$1/*" kafka.Kafka 2>&1 || true)"
  uuid="$(java -cp "$1/*" kafka.tools.StorageTool random-uuid 2>/dev/null || true)"
  if ! grep -q 'USAGE: java \[options\] .*server.properties' <<<"$usage"; then
    echo "install.sh: kafka.Kafka does not start from $1:" >&2
    echo "$usage" | tail -n 20 >&2
    return 1
  fi
  if ! [[ "$uuid" =~ ^[A-Za-z0-9_-]{22}$ ]]; then
    echo "install.sh: kafka.tools.StorageTool does not run from $1 (printed '$uuid')" >&2
    return 1
  fi
}

kafka_jar() { find "$1" -maxdepth 1 -name 'kafka_2.13-*.jar' -printf '%f\n' | head -n 1; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$pom_sum" ] && [ -n "$(kafka_jar "$LIBS")" ]; then
  echo "kafka already installed: $LIBS ($(kafka_jar "$LIBS"))"
  exit 0
fi

# --- fetch ---------------------------------------------------------------------------
# Into a fresh directory that replaces the old one only when complete, so an interrupted
# install never leaves a half-filled libs/ that looks installed, and an old version's jars
# never stay on the class path next to the new ones.
mkdir -p "$(dirname "$LIBS")"
TMP="$LIBS.tmp"
rm -rf "$TMP"
echo "fetching Kafka jars with Maven (pom: $POM) ..."
# -B: no progress bars in CI logs; -q keeps only errors. includeScope=runtime brings
# compile+runtime dependencies (scala-library, jackson, netty, ...), not test or provided.
if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
  -Dstyle.color=never -DincludeScope=runtime -DoutputDirectory="$TMP"; then
  rm -rf "$TMP"
  die "Maven could not fetch the Kafka jars (see above)"
fi
check_classes "$TMP"
echo "$pom_sum" >"$TMP/.installed-from"
rm -rf "$LIBS"
mv "$TMP" "$LIBS"

echo "kafka installed: $LIBS ($(kafka_jar "$LIBS"), $(find "$LIBS" -maxdepth 1 -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1))"
