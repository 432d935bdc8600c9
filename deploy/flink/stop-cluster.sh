#!/usr/bin/env bash
# Stops the Flink TaskManager and JobManager started by deploy/flink/start-cluster.sh (through their
# PID files only). A no-op when they are not running. Env: LOCKSTEP_RUN_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
mkdir -p "$FLINK_DIR"; lock "$FLINK_DIR/.lock"

stop_daemon "$FLINK_DIR/taskmanager.pid" "-Dlockstep.deploy=flink-taskmanager:$FLINK_DIR" "Flink TaskManager" 30
stop_daemon "$FLINK_DIR/jobmanager.pid" "-Dlockstep.deploy=flink-jobmanager:$FLINK_DIR" "Flink JobManager" 30
rm -f "$FLINK_DIR/rest-url"
