#!/usr/bin/env bash
# Scale-out benchmark (issue 15, item 2; docs/performance.md): BatchScoreJob on the standalone
# cluster of deploy/spark with 1 worker, then 2 workers, each worker 1 core and the same memory,
# on the same ROWS rows as one CSV file and as a Parquet directory; prints each job's own time
# (its summary line) and the ratio time(1 worker) / time(2 workers) per form (goal >= 1.8).
#
# The bundle is the golden `lr` (13 features; a 10 M-row CSV of it is ~0.5 GB). Data is generated
# once under BENCH_DIR. The cluster is started and stopped by this script (its ports: the
# start-cluster.sh defaults, or SPARK_MASTER_PORT etc. from the environment); the driver runs here
# in client mode.
#
# Usage: deploy/spark/scale-bench.sh [ROWS=10000000] [RUNS=1]
# Env: BUNDLE, WORKER_MEMORY (2g), EXECUTOR_MEMORY (1536m), DRIVER_MEMORY (2g), BENCH_DIR (/tmp/lockstep-scale-bench), JAR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROWS="${1:-10000000}"
RUNS="${2:-1}"
BUNDLE="${BUNDLE:-$ROOT/common/src/test/resources/golden/lr/bundle}"
WORKER_MEMORY="${WORKER_MEMORY:-2g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-1536m}"
DRIVER_MEMORY="${DRIVER_MEMORY:-2g}"
DIR="${BENCH_DIR:-/tmp/lockstep-scale-bench}"
JAR="${JAR:-$ROOT/jobs-batch/target/lockstep-jobs-batch.jar}"
[[ -f "$JAR" ]] || { echo "no $JAR: build it with mvn -B -DskipTests package" >&2; exit 1; }
mkdir -p "$DIR"
submit() { "$ROOT/deploy/bin/spark-submit" --driver-memory "$DRIVER_MEMORY" "$@" 2>>"$DIR/spark.log"; }

gen() {  # gen FORMAT FILES OUT
  [[ -e "$3" ]] || submit --master 'local[2]' --class io.lockstep.batch.bench.SparkColdJobs "$JAR" generate "$BUNDLE" "$3" - "$ROWS" "$2" "$1" >/dev/null
}
gen parquet 8 "$DIR/in-$ROWS.parquet"
gen csv 1 "$DIR/in-$ROWS.csv.d"
CSV="$(ls "$DIR/in-$ROWS.csv.d"/part-*.csv | head -1)"
echo "inputs: $CSV ($(du -h "$CSV" | cut -f1)), $DIR/in-$ROWS.parquet ($(du -sh "$DIR/in-$ROWS.parquet" | cut -f1))" >&2

cleanup() { "$HERE/stop-cluster.sh" >&2 || true; }
trap cleanup EXIT
declare -A T
for workers in 1 2; do
  MASTER="$(SPARK_WORKERS=$workers SPARK_WORKER_CORES=1 SPARK_WORKER_MEMORY="$WORKER_MEMORY" "$HERE/start-cluster.sh" | tail -1)"
  for r in $(seq 1 "$RUNS"); do
    for form in csv parquet; do
      input="$CSV"; [[ "$form" == parquet ]] && input="$DIR/in-$ROWS.parquet"
      line="$(submit --master "$MASTER" --executor-cores 1 --executor-memory "$EXECUTOR_MEMORY" --total-executor-cores "$workers" \
        "$JAR" --bundle "$BUNDLE" --input "$input" --output "$DIR/out-$form.parquet" | grep '^lockstep spark:')"
      T[$workers,$form]+="$(sed -E 's/.* in ([0-9.]+) s$/\1/' <<<"$line") "
      echo "  $workers worker(s), $form, run $r: $line" >&2
    done
  done
  "$HERE/stop-cluster.sh" >&2
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "scale-out, $ROWS rows, bundle $BUNDLE, workers of 1 core and $WORKER_MEMORY (executor $EXECUTOR_MEMORY), median of $RUNS; $(uptime | sed 's/.*load/load/')"
printf "%-8s %14s %14s %8s\n" input "s, 1 worker" "s, 2 workers" ratio
for form in csv parquet; do
  a="$(median "${T[1,$form]}")"; b="$(median "${T[2,$form]}")"
  printf "%-8s %14s %14s %8s\n" "$form" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}')"
done
echo "goal: ratio >= 1.8 for both"
