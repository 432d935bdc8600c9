# Shared helpers for the deploy/ scripts (bash 4+). Sourced, not run.
# Every server is started from Maven jars, runs with a PID file and logs under the run directory,
# binds 127.0.0.1 only, and is stopped only through its own PID file.

LOCKSTEP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCKSTEP_RUN_DIR="${LOCKSTEP_RUN_DIR:-$LOCKSTEP_ROOT/deploy/run}"
mkdir -p "$LOCKSTEP_RUN_DIR"
LOCKSTEP_RUN_DIR="$(cd "$LOCKSTEP_RUN_DIR" && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MVN="${MVN:-mvn}"

# lock FILE: holds an exclusive lock (fd 9) until the script exits, so that concurrent starts and
# stops of one server do not race. Without flock(1) it does nothing.
lock() {
  command -v flock >/dev/null || return 0
  exec 9>"$1"
  flock -w 600 9 || die "timed out waiting for the lock $1"
}

log() { echo "[$(basename "$0")] $*" >&2; }
die() { echo "[$(basename "$0")] ERROR: $*" >&2; exit 1; }

# resolve_classpath POM OUT: writes the runtime classpath of POM to OUT (':'-separated), through
# Maven, once; again only when POM or the root pom is newer than OUT.
resolve_classpath() {
  local pom="$1" out="$2"
  if [[ -s "$out" && "$out" -nt "$pom" && "$out" -nt "$LOCKSTEP_ROOT/pom.xml" ]]; then
    local jar missing=false
    while IFS= read -r jar; do
      [[ -z "$jar" || -f "$jar" ]] || { missing=true; break; }
    done < <(tr ':' '\n' <"$out")
    [[ "$missing" == false ]] && return 0
  fi
  log "resolving the classpath of ${pom#"$LOCKSTEP_ROOT"/} with Maven (cached in ${out})..."
  mkdir -p "$(dirname "$out")"
  local mvnlog="$out.mvn.log"
  # shellcheck disable=SC2086
  if ! "$MVN" ${LOCKSTEP_MVN_ARGS:-} -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$out.tmp" >"$mvnlog" 2>&1; then
    tail -n 30 "$mvnlog" >&2
    rm -f "$out.tmp"
    die "Maven could not resolve ${pom} (full log: $mvnlog)"
  fi
  mv -f "$out.tmp" "$out"
}

# write_cp_argfile CLASSPATH_FILE ARGFILE: a java @argfile holding "-cp <classpath>", so that the
# JVM command line stays short (docs/spec.md, Stack notes).
write_cp_argfile() {
  local cpfile="$1" argfile="$2"
  if [[ ! -s "$argfile" || "$cpfile" -nt "$argfile" ]]; then
    { printf -- '-cp\n"'; tr -d '\n' <"$cpfile"; printf '"\n'; } >"$argfile"
  fi
}

# pid_alive PIDFILE MARKER: true when PIDFILE names a live process whose command line holds MARKER
# (so that a recycled PID is never taken for our server).
pid_alive() {
  local pidfile="$1" marker="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
  else
    ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "$marker"
  fi
}

# start_daemon PIDFILE OUTFILE CMD...: runs CMD in its own session, detached, stdout+stderr to
# OUTFILE; the PID of CMD itself is written to PIDFILE.
start_daemon() {
  local pidfile="$1" outfile="$2"
  shift 2
  rm -f "$pidfile"
  local detach=(nohup)
  command -v setsid >/dev/null && detach=(setsid)
  "${detach[@]}" bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" >>"$outfile" 2>&1 </dev/null 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# stop_daemon PIDFILE MARKER NAME [GRACE_SECONDS]: TERM, wait, then KILL; removes PIDFILE.
# A no-op when the PID file is absent or its process is gone.
stop_daemon() {
  local pidfile="$1" marker="$2" name="$3" grace="${4:-30}" pid i
  if ! pid_alive "$pidfile" "$marker"; then
    if [[ -e "$pidfile" ]]; then
      log "$name is not running (removing stale PID file $pidfile)"
      rm -f "$pidfile"
    else
      log "$name is not running"
    fi
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still alive after ${grace}s: sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "$name stopped"
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_port_free PORT WHAT: refuse to start when another process already listens there.
require_port_free() {
  if port_open "$1"; then
    die "port 127.0.0.1:$1 ($2) is already in use by another process; set the port variable to another value"
  fi
}

# check_port VALUE NAME: a TCP port number, or die.
check_port() {
  [[ "$1" =~ ^[0-9]+$ ]] && ((10#$1 > 0 && 10#$1 < 65536)) || die "$2 must be a TCP port number, got '$1'"
}

# watch_logs FILE...: remembers where FILEs end now, so that a startup failure shows only what
# this start appended (sets WAIT_LOGS for wait_until).
declare -A WAIT_LOG_OFFSETS=()
watch_logs() {
  WAIT_LOGS=("$@")
  local f
  for f in "$@"; do
    WAIT_LOG_OFFSETS["$f"]="$(log_offset "$f")"
  done
}

# show_logs FILE...: the last lines each FILE got since watch_logs, on stderr.
show_logs() {
  local f off
  for f in "$@"; do
    off="${WAIT_LOG_OFFSETS["$f"]:-0}"
    [[ -f "$f" ]] && (($(log_offset "$f") > off)) || continue
    echo "----- last lines of $f -----" >&2
    tail -c "+$((off + 1))" "$f" | tail -n 30 >&2 || true
  done
}

# wait_until TIMEOUT_S PIDFILE MARKER WHAT CMD...: polls CMD every half second until it succeeds;
# dies showing the tails of the files in the array WAIT_LOGS if the process exits or TIMEOUT_S passes.
WAIT_LOGS=()
wait_until() {
  local timeout="$1" pidfile="$2" marker="$3" what="$4"
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! pid_alive "$pidfile" "$marker"; then
      show_logs "${WAIT_LOGS[@]}"
      rm -f "$pidfile"
      die "$what exited during startup (logs: ${WAIT_LOGS[*]})"
    fi
    if ((SECONDS >= deadline)); then
      show_logs "${WAIT_LOGS[@]}"
      die "$what did not come up within ${timeout}s (still running as pid $(cat "$pidfile"); logs: ${WAIT_LOGS[*]})"
    fi
    sleep 0.5
  done
}

# log_offset FILE: its current size in bytes (0 when absent), to read only what a new run appends.
log_offset() {
  if [[ -f "$1" ]]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

# log_has_since FILE OFFSET TEXT: true when FILE, after byte OFFSET, contains TEXT.
log_has_since() {
  [[ -f "$1" ]] && tail -c "+$(($2 + 1))" "$1" | grep -qF -- "$3"
}
