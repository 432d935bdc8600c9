#!/usr/bin/env bash
# Stops the Spark workers and master started by deploy/spark/start-cluster.sh (through their PID
# files only; the worker stops its executors). A no-op when they are not running. Env: LOCKSTEP_RUN_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
mkdir -p "$SPARK_DIR"; lock "$SPARK_DIR/.lock"

for pidfile in "$SPARK_DIR"/worker*.pid; do
  [[ -e "$pidfile" ]] || continue
  suffix="$(basename "$pidfile" .pid)"; suffix="${suffix#worker}"
  stop_daemon "$pidfile" "-Dlockstep.deploy=spark-worker$suffix:$SPARK_DIR" "Spark worker${suffix:+ ${suffix#-}}" 30
done
stop_daemon "$SPARK_DIR/master.pid" "-Dlockstep.deploy=spark-master:$SPARK_DIR" "Spark master" 30
rm -f "$SPARK_DIR/master-url"
