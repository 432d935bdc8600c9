#!/usr/bin/env bash
# Stops the Spark worker and master started by deploy/spark/start-cluster.sh (through their PID
# files only; the worker stops its executors). A no-op when they are not running. Env: LOCKSTEP_RUN_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
mkdir -p "$SPARK_DIR"; lock "$SPARK_DIR/.lock"

stop_daemon "$SPARK_DIR/worker.pid" "-Dlockstep.deploy=spark-worker:$SPARK_DIR" "Spark worker" 30
stop_daemon "$SPARK_DIR/master.pid" "-Dlockstep.deploy=spark-master:$SPARK_DIR" "Spark master" 30
rm -f "$SPARK_DIR/master-url"
