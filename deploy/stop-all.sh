#!/usr/bin/env bash
# Stops whatever deploy/ started under LOCKSTEP_RUN_DIR: the Flink cluster, the Spark cluster and
# the Kafka broker (each through its own PID files; a no-op for those not running).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
"$HERE/flink/stop-cluster.sh" || rc=1
"$HERE/spark/stop-cluster.sh" || rc=1
"$HERE/kafka/stop-broker.sh" || rc=1
exit "$rc"
