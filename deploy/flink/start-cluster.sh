#!/usr/bin/env bash
# Starts a Flink standalone session cluster, one JobManager and one TaskManager, on 127.0.0.1 from
# the Maven jars (flink-dist is not on Maven Central). The last line on stdout is the REST address,
# http://127.0.0.1:PORT. Idempotent: a running JobManager or TaskManager is left as it is.
#
# Env: LOCKSTEP_RUN_DIR (default <repo>/deploy/run), FLINK_REST_PORT (8081), FLINK_RPC_PORT (6123,
#      JobManager RPC), FLINK_TASK_SLOTS (2), FLINK_JM_PROCESS_SIZE (1200m), FLINK_TM_PROCESS_SIZE (1600m),
#      FLINK_START_TIMEOUT (120 s), FLINK_PROMETHEUS (on; off: no Prometheus reporter),
#      FLINK_PROMETHEUS_JM_PORT (9249), FLINK_PROMETHEUS_TM_PORT (9250): /metrics of each process for
#      Prometheus, on 127.0.0.1 (the reporter plugin jobs-streaming/target/lockstep-prometheus-plugin.jar,
#      built by `mvn -B -DskipTests package`, installed in the cluster's plugins/).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
FLINK_TASK_SLOTS="${FLINK_TASK_SLOTS:-2}"
FLINK_JM_PROCESS_SIZE="${FLINK_JM_PROCESS_SIZE:-1200m}"
FLINK_TM_PROCESS_SIZE="${FLINK_TM_PROCESS_SIZE:-1600m}"
FLINK_START_TIMEOUT="${FLINK_START_TIMEOUT:-120}"
check_port "$FLINK_REST_PORT" FLINK_REST_PORT
check_port "$FLINK_RPC_PORT" FLINK_RPC_PORT
[[ "$FLINK_TASK_SLOTS" =~ ^[1-9][0-9]*$ ]] || die "FLINK_TASK_SLOTS must be a positive integer"
FLINK_PROMETHEUS="${FLINK_PROMETHEUS:-on}"
FLINK_PROMETHEUS_JM_PORT="${FLINK_PROMETHEUS_JM_PORT:-9249}"
FLINK_PROMETHEUS_TM_PORT="${FLINK_PROMETHEUS_TM_PORT:-9250}"
case "$FLINK_PROMETHEUS" in
  on)
    check_port "$FLINK_PROMETHEUS_JM_PORT" FLINK_PROMETHEUS_JM_PORT
    check_port "$FLINK_PROMETHEUS_TM_PORT" FLINK_PROMETHEUS_TM_PORT
    [[ "$FLINK_PROMETHEUS_JM_PORT" != "$FLINK_PROMETHEUS_TM_PORT" ]] ||
      die "FLINK_PROMETHEUS_JM_PORT and FLINK_PROMETHEUS_TM_PORT must differ (both processes serve /metrics)"
    PROM_JM=(-D "metrics.reporter.prom.port=$FLINK_PROMETHEUS_JM_PORT")
    PROM_TM=(-D "metrics.reporter.prom.port=$FLINK_PROMETHEUS_TM_PORT")
    PROM_CONF_PORT="$FLINK_PROMETHEUS_JM_PORT" ;;
  off) PROM_JM=() PROM_TM=() PROM_CONF_PORT="" ;;
  *) die "FLINK_PROMETHEUS must be on or off, got '$FLINK_PROMETHEUS'" ;;
esac

JM_PID="$FLINK_DIR/jobmanager.pid"
TM_PID="$FLINK_DIR/taskmanager.pid"
JM_MARKER="-Dlockstep.deploy=flink-jobmanager:$FLINK_DIR"
TM_MARKER="-Dlockstep.deploy=flink-taskmanager:$FLINK_DIR"
mkdir -p "$FLINK_DIR"; lock "$FLINK_DIR/.lock"

jm_alive=false tm_alive=false
pid_alive "$JM_PID" "$JM_MARKER" && jm_alive=true
pid_alive "$TM_PID" "$TM_MARKER" && tm_alive=true

if [[ "$jm_alive" == true ]]; then
  REST_URL="$(cat "$FLINK_DIR/rest-url")"
  log "Flink JobManager already running (pid $(cat "$JM_PID")) at $REST_URL"
else
  REST_URL="http://127.0.0.1:$FLINK_REST_PORT"
  require_port_free "$FLINK_REST_PORT" FLINK_REST_PORT
  require_port_free "$FLINK_RPC_PORT" FLINK_RPC_PORT
  [[ -z "$PROM_CONF_PORT" ]] || require_port_free "$FLINK_PROMETHEUS_JM_PORT" FLINK_PROMETHEUS_JM_PORT
  flink_prepare_classpath
  [[ -z "$PROM_CONF_PORT" ]] || flink_install_prometheus_plugin
  if [[ "$tm_alive" == true ]]; then
    log "keeping the running TaskManager's configuration"
  else
    flink_write_conf "$FLINK_REST_PORT" "$FLINK_RPC_PORT" "$FLINK_TASK_SLOTS" "$FLINK_JM_PROCESS_SIZE" "$FLINK_TM_PROCESS_SIZE" \
      "$PROM_CONF_PORT"
  fi
  flink_resource_params GET_JM_RESOURCE_PARAMS
  LOG="$FLINK_LOGDIR/jobmanager.log"
  OUT="$FLINK_LOGDIR/jobmanager.out"
  watch_logs "$LOG" "$OUT"
  log "starting Flink JobManager, REST $REST_URL, RPC 127.0.0.1:$FLINK_RPC_PORT, log $LOG"
  (cd "$FLINK_DIR" && start_daemon "$JM_PID" "$OUT" "$JAVA" "$JM_MARKER" "${FLINK_JVM_PARAMS[@]}" "${FLINK_JAVA17_OPTS[@]}" \
    "-Dlog.file=$LOG" "-Dlog4j.configurationFile=file:$FLINK_DEPLOY_CONF/log4j.properties" \
    "@$FLINK_ARGFILE" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$FLINK_DEPLOY_CONF" "${FLINK_DYNAMIC_CONFIGS[@]}" "${PROM_JM[@]}")
  rest_up() { curl -sf --max-time 2 "$REST_URL/overview" >/dev/null; }
  wait_until "$FLINK_START_TIMEOUT" "$JM_PID" "$JM_MARKER" "Flink JobManager" rest_up
  echo "$REST_URL" >"$FLINK_DIR/rest-url"
fi

if [[ "$tm_alive" == true ]]; then
  log "Flink TaskManager already running (pid $(cat "$TM_PID"))"
else
  flink_prepare_classpath
  [[ -f "$FLINK_DEPLOY_CONF/config.yaml" ]] || die "missing $FLINK_DEPLOY_CONF/config.yaml"
  if [[ -n "$PROM_CONF_PORT" ]]; then
    require_port_free "$FLINK_PROMETHEUS_TM_PORT" FLINK_PROMETHEUS_TM_PORT
    flink_install_prometheus_plugin
  fi
  flink_resource_params GET_TM_RESOURCE_PARAMS
  LOG="$FLINK_LOGDIR/taskmanager.log"
  OUT="$FLINK_LOGDIR/taskmanager.out"
  watch_logs "$LOG" "$OUT"
  log "starting Flink TaskManager ($FLINK_TASK_SLOTS slots, $FLINK_TM_PROCESS_SIZE), log $LOG"
  (cd "$FLINK_DIR" && start_daemon "$TM_PID" "$OUT" "$JAVA" "$TM_MARKER" "${FLINK_JVM_PARAMS[@]}" "${FLINK_JAVA17_OPTS[@]}" \
    "-Dlog.file=$LOG" "-Dlog4j.configurationFile=file:$FLINK_DEPLOY_CONF/log4j.properties" \
    "@$FLINK_ARGFILE" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$FLINK_DEPLOY_CONF" "${FLINK_DYNAMIC_CONFIGS[@]}" "${PROM_TM[@]}")
  tm_registered() {
    curl -sf --max-time 2 "$REST_URL/overview" | grep -Eq '"taskmanagers":[1-9]'
  }
  wait_until "$FLINK_START_TIMEOUT" "$TM_PID" "$TM_MARKER" "Flink TaskManager" tm_registered
fi

[[ -z "$PROM_CONF_PORT" ]] || log "Prometheus: http://127.0.0.1:$FLINK_PROMETHEUS_JM_PORT/metrics (JobManager), \
http://127.0.0.1:$FLINK_PROMETHEUS_TM_PORT/metrics (TaskManager)"
log "Flink cluster running; submit with deploy/bin/flink run <jar> ...; stop with deploy/flink/stop-cluster.sh"
echo "$REST_URL"
