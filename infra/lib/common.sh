# shellcheck shell=bash
# What the infra scripts (infra/<server>/*.sh) have in common: failing with a message,
# checking tools, installing Debian packages, and running a server by pid file on a
# loopback port. Sourced, never run:
#
#   HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
#   # shellcheck source-path=SCRIPTDIR source=../lib/common.sh
#   . "$HERE/../lib/common.sh"
#
# Sets REPO (the checkout's root) and SCRIPT (the running script's file name, which
# prefixes every error message, e.g. "start.sh: ..."). Defines functions only otherwise.

# shellcheck disable=SC2034 # read by the scripts that source this
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPT="$(basename "$0")"

# --- messages and checks -------------------------------------------------------------

die() {
  echo "$SCRIPT: $*" >&2
  exit 1
}

have_cmd() { command -v "$1" >/dev/null 2>&1; }

# require_cmd <command> <why it is needed, or how to get it>
require_cmd() {
  have_cmd "$1" || die "$1 not found; $2"
}

# require_at_least <number found, may be empty> <minimum> <message>: for version checks,
# where a version that could not be read counts as too old.
require_at_least() {
  if [ -z "$1" ] || [ "$1" -lt "$2" ]; then die "$3"; fi
}

require_valid_port() {
  if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
    die "invalid port '$1'"
  fi
}

# --- Debian packages -----------------------------------------------------------------

# Runs a command as root: directly when we are root (CI, containers), else with sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install <what to install, for the message where there is no apt-get> <package>...
# The caller decides what is missing; this installs it without recommends or questions.
apt_install() {
  local what="$1"
  shift
  have_cmd apt-get || die "apt-get not found; install $what with your package manager"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends "$@"
}

# --- processes by pid file -----------------------------------------------------------

# Alive means some thread still runs. kill -0 is not enough: a killed JVM's main thread
# turns zombie while its other threads are still exiting and holding the ports, and a fully
# exited process stays a zombie until whoever adopted it reaps it.
pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  for stat in /proc/"$1"/task/*/stat; do
    [ -r "$stat" ] || continue
    # Field 3 is the state; field 2 (the name, in parentheses) may contain spaces.
    [ "$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "$stat" 2>/dev/null)" = "Z" ] || return 0
  done
  return 1
}

# pid_runs <pid> <pattern>: the process's command line matches the extended regex. After a
# reboot or a SIGKILL the pid in a pid file may belong to another program by now.
pid_runs() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qE "$2"
}

# pidfile_pid <pid file> [pattern]: prints the pid in the file when that process is alive
# (and, given a pattern, runs a matching command line); fails otherwise.
pidfile_pid() {
  [ -f "$1" ] || return 1
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -z "${2:-}" ] || pid_runs "$pid" "$2" || return 1
  echo "$pid"
}

# terminate <pid> <seconds> [message]: SIGTERM, which lets a server shut down cleanly; SIGKILL
# (saying the message on stderr, if given) only if it is still alive after the given time.
# Returns once it is gone, so its ports and files are free.
terminate() {
  pid_alive "$1" || return 0
  kill -TERM "$1" 2>/dev/null || true
  local deadline=$((SECONDS + $2))
  while pid_alive "$1"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      if [ -n "${3:-}" ]; then echo "$SCRIPT: $3" >&2; fi
      kill -KILL "$1" 2>/dev/null || true
      while pid_alive "$1"; do sleep 0.05; done
      return 0
    fi
    sleep 0.05
  done
}

# stop_by_pidfile <name> <pid file> <seconds> [pattern]: stops the server a start.sh
# started (see terminate) and removes its pid file. A pid file naming no live process, or
# (given a pattern) a process that is not ours, only has its file removed. Prints one line
# saying what it did.
stop_by_pidfile() {
  local name="$1" pidfile="$2" timeout_s="$3" pattern="${4:-}" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -z "$pid" ] || ! pid_alive "$pid"; then
    echo "$name not running (no live pid in $pidfile)"
  elif [ -n "$pattern" ] && ! pid_runs "$pid" "$pattern"; then
    echo "$name not running (pid $pid in $pidfile is another program; left alone)"
  else
    terminate "$pid" "$timeout_s" "$name (pid $pid) still running after ${timeout_s}s; sending SIGKILL"
    echo "$name stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

# abort_start <pid> <pid file> <log file> <offset from log_start> <what went wrong>: ends a
# start that failed. Says why with this start's log lines, stops the half-started server
# so that it does not keep holding the ports and the data directory, removes its pid file
# and exits 1.
abort_start() {
  show_log_since "$3" "$4" "$5"
  terminate "$1" 10
  rm -f "$2"
  exit 1
}

# --- loopback ports ------------------------------------------------------------------

# Something accepts connections on 127.0.0.1:<port>.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# require_free_ports <seconds> <hint> <port>...: waits up to the given time for the ports to
# be free (a server killed a moment ago may still be releasing them), then fails naming
# the one still taken, with the hint (which setting moves it).
require_free_ports() {
  local deadline=$((SECONDS + $1)) hint="$2" port
  shift 2
  for port in "$@"; do
    while port_in_use "$port"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        die "port 127.0.0.1:$port is already in use by another process; $hint"
      fi
      sleep 0.2
    done
  done
}

# wait_for_port <port> <deadline, a value of $SECONDS> [pid]: returns 0 once the port
# accepts connections, 1 when the deadline passes first, 2 when the given process exits first.
wait_for_port() {
  until port_in_use "$1"; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 2; fi
    if [ "$SECONDS" -ge "$2" ]; then return 1; fi
    sleep 0.1
  done
}

# --- server logs ---------------------------------------------------------------------

# log_start <log file> <text>: appends a "--- <time> <text>" line and prints the byte
# offset where that line starts, for log_since, so that a check of this start's lines
# cannot match a previous run's.
log_start() {
  touch "$1"
  echo "$(($(stat -c %s "$1") + 1))"
  echo "--- $(date -Is) $2" >>"$1"
}

# show_log_since <log file> <offset from log_start> <what went wrong>: says it on stderr,
# followed by the last 30 lines of the log written since that offset.
show_log_since() {
  echo "$SCRIPT: $3; last log lines ($1):" >&2
  tail -c "+$2" "$1" | tail -n 30 >&2 || true
}
