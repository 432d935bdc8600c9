#!/usr/bin/env bash
# Stops the Kafka broker started by deploy/kafka/start-broker.sh (through its PID file only).
# A no-op when it is not running. Env: LOCKSTEP_RUN_DIR, KAFKA_DELETE_DATA=1 also deletes the topics' data.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$HERE/../lib/common.sh"

DIR="$LOCKSTEP_RUN_DIR/kafka"
mkdir -p "$DIR"; lock "$DIR/.lock"
stop_daemon "$DIR/kafka.pid" "-Dlockstep.deploy=kafka-broker:$DIR" "Kafka broker" 30
rm -f "$DIR/bootstrap"
if [[ "${KAFKA_DELETE_DATA:-0}" == 1 ]]; then
  log "deleting $DIR/data"
  rm -rf "$DIR/data"
fi
