#!/usr/bin/env bash
# Starts a Spark standalone cluster, one master and SPARK_WORKERS workers (1), on 127.0.0.1 from the Maven jars
# (a SPARK_HOME is assembled under the run directory). The last line on stdout is the master URL,
# spark://127.0.0.1:PORT. Idempotent: a running master or worker is left as it is.
#
# Env: LOCKSTEP_RUN_DIR (default <repo>/deploy/run), SPARK_MASTER_PORT (7077),
#      SPARK_MASTER_WEBUI_PORT (18080), SPARK_WORKER_PORT (0 = any free port),
#      SPARK_WORKER_WEBUI_PORT (18081; worker i gets PORT + i - 1), SPARK_WORKER_CORES (2, each),
#      SPARK_WORKER_MEMORY (2g, each), SPARK_WORKERS (1: how many workers; more join a running cluster),
#      SPARK_DAEMON_MEMORY (512m, heap of master and worker), SPARK_START_TIMEOUT (120 s).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

SPARK_MASTER_PORT="${SPARK_MASTER_PORT:-7077}"
SPARK_MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-18080}"
SPARK_WORKER_PORT="${SPARK_WORKER_PORT:-0}"
SPARK_WORKER_WEBUI_PORT="${SPARK_WORKER_WEBUI_PORT:-18081}"
SPARK_WORKER_CORES="${SPARK_WORKER_CORES:-2}"
SPARK_WORKER_MEMORY="${SPARK_WORKER_MEMORY:-2g}"
SPARK_WORKERS="${SPARK_WORKERS:-1}"
SPARK_START_TIMEOUT="${SPARK_START_TIMEOUT:-120}"
export SPARK_DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}"
check_port "$SPARK_MASTER_PORT" SPARK_MASTER_PORT
check_port "$SPARK_MASTER_WEBUI_PORT" SPARK_MASTER_WEBUI_PORT
check_port "$SPARK_WORKER_WEBUI_PORT" SPARK_WORKER_WEBUI_PORT
[[ "$SPARK_WORKERS" =~ ^[1-9][0-9]?$ ]] || die "SPARK_WORKERS must be 1-99, not '$SPARK_WORKERS'"
[[ "$SPARK_WORKER_PORT" == 0 ]] || check_port "$SPARK_WORKER_PORT" SPARK_WORKER_PORT

LOGDIR="$SPARK_DIR/logs"
WORKDIR="$SPARK_DIR/work"
MASTER_PID="$SPARK_DIR/master.pid"
WORKER_PID="$SPARK_DIR/worker.pid"
MASTER_MARKER="-Dlockstep.deploy=spark-master:$SPARK_DIR"
WORKER_MARKER="-Dlockstep.deploy=spark-worker:$SPARK_DIR"
mkdir -p "$SPARK_DIR"; lock "$SPARK_DIR/.lock"
mkdir -p "$LOGDIR" "$WORKDIR"

if pid_alive "$MASTER_PID" "$MASTER_MARKER"; then
  MASTER_URL="$(cat "$SPARK_DIR/master-url")"
  log "Spark master already running (pid $(cat "$MASTER_PID")) at $MASTER_URL"
else
  MASTER_URL="spark://127.0.0.1:$SPARK_MASTER_PORT"
  require_port_free "$SPARK_MASTER_PORT" SPARK_MASTER_PORT
  require_port_free "$SPARK_MASTER_WEBUI_PORT" SPARK_MASTER_WEBUI_PORT
  spark_prepare_home
  OUT="$LOGDIR/master.out"
  offset="$(log_offset "$OUT")"
  watch_logs "$OUT"
  SPARK_DAEMON_JAVA_OPTS="$MASTER_MARKER ${SPARK_DAEMON_JAVA_OPTS:-}" \
    spark_build_command org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$SPARK_MASTER_PORT" --webui-port "$SPARK_MASTER_WEBUI_PORT"
  ((${#SPARK_CMD[@]} > 0)) || die "Spark's launcher failed to build the master command"
  log "starting Spark master at $MASTER_URL (web UI http://127.0.0.1:$SPARK_MASTER_WEBUI_PORT), log $OUT"
  (cd "$SPARK_DIR" && start_daemon "$MASTER_PID" "$OUT" "${SPARK_CMD[@]}")
  master_ready() { log_has_since "$OUT" "$offset" "I have been elected leader"; }
  wait_until "$SPARK_START_TIMEOUT" "$MASTER_PID" "$MASTER_MARKER" "Spark master" master_ready
  echo "$MASTER_URL" >"$SPARK_DIR/master-url"
fi

for ((i = 1; i <= SPARK_WORKERS; i++)); do
  # Worker 1 keeps the names of a one-worker cluster (worker.pid, worker.out, its marker).
  suffix=""; ((i == 1)) || suffix="-$i"
  WORKER_PID="$SPARK_DIR/worker$suffix.pid"
  WORKER_MARKER="-Dlockstep.deploy=spark-worker$suffix:$SPARK_DIR"
  WEBUI_PORT=$((SPARK_WORKER_WEBUI_PORT + i - 1))
  WPORT="$SPARK_WORKER_PORT"; ((i == 1)) || WPORT=0          # a fixed worker port is worker 1's
  if pid_alive "$WORKER_PID" "$WORKER_MARKER"; then
    log "Spark worker $i already running (pid $(cat "$WORKER_PID"))"
  else
    require_port_free "$WEBUI_PORT" SPARK_WORKER_WEBUI_PORT
    [[ "$WPORT" == 0 ]] || require_port_free "$WPORT" SPARK_WORKER_PORT
    spark_prepare_home
    mkdir -p "$WORKDIR$suffix"
    OUT="$LOGDIR/worker$suffix.out"
    offset="$(log_offset "$OUT")"
    watch_logs "$OUT"
    SPARK_DAEMON_JAVA_OPTS="$WORKER_MARKER ${SPARK_DAEMON_JAVA_OPTS:-}" \
      spark_build_command org.apache.spark.deploy.worker.Worker \
        --host 127.0.0.1 --port "$WPORT" --webui-port "$WEBUI_PORT" \
        --cores "$SPARK_WORKER_CORES" --memory "$SPARK_WORKER_MEMORY" --work-dir "$WORKDIR$suffix" "$MASTER_URL"
    ((${#SPARK_CMD[@]} > 0)) || die "Spark's launcher failed to build the worker command"
    log "starting Spark worker $i ($SPARK_WORKER_CORES cores, $SPARK_WORKER_MEMORY; web UI http://127.0.0.1:$WEBUI_PORT), log $OUT"
    (cd "$SPARK_DIR" && start_daemon "$WORKER_PID" "$OUT" "${SPARK_CMD[@]}")
    worker_ready() { log_has_since "$OUT" "$offset" "Successfully registered with master"; }
    wait_until "$SPARK_START_TIMEOUT" "$WORKER_PID" "$WORKER_MARKER" "Spark worker $i" worker_ready
  fi
done

log "Spark cluster running; submit with deploy/bin/spark-submit --master $MASTER_URL ...; stop with deploy/spark/stop-cluster.sh"
echo "$MASTER_URL"
