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
# Then it measures this machine's ceiling for the same job, without a cluster: how many cores a
# "one-core" job really keeps busy (user + sys CPU seconds / wall seconds of a `local[1]` run on half
# the Parquet files: JIT compiler and GC threads, the driver), and the speed-up two such jobs get
# when run side by side (each on its own half) over one after the other. Scale-out on this machine
# cannot exceed that speed-up. CEILING=0 skips it; CEILING=only runs it alone.
#
# Usage: deploy/spark/scale-bench.sh [ROWS=10000000] [RUNS=1]
# Env: CEILING (1), BUNDLE, WORKER_MEMORY (2g), EXECUTOR_MEMORY (1536m), DRIVER_MEMORY (2g), BENCH_DIR (/tmp/lockstep-scale-bench), JAR.
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
for workers in $([[ "${CEILING:-1}" == only ]] || echo 1 2); do
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
[[ "${CEILING:-1}" == only ]] || {
echo "scale-out, $ROWS rows, bundle $BUNDLE, workers of 1 core and $WORKER_MEMORY (executor $EXECUTOR_MEMORY), median of $RUNS; $(uptime | sed 's/.*load/load/')"
printf "%-8s %14s %14s %8s\n" input "s, 1 worker" "s, 2 workers" ratio
for form in csv parquet; do
  a="$(median "${T[1,$form]}")"; b="$(median "${T[2,$form]}")"
  printf "%-8s %14s %14s %8s\n" "$form" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}')"
done
echo "goal: ratio >= 1.8 for both"
}

[[ "${CEILING:-1}" != 0 ]] || exit 0
# The machine's ceiling: two halves of the Parquet input (hard links, not copies), one local[1] job each.
for half in A B; do mkdir -p "$DIR/half$half-$ROWS.parquet"; done
i=0
for f in "$DIR/in-$ROWS.parquet"/part-*.parquet; do
  half=A; (( i % 2 )) && half=B
  ln -f "$f" "$DIR/half$half-$ROWS.parquet/"
  i=$((i + 1))
done
local1() {  # local1 HALF: prints the job's own seconds
  rm -rf "$DIR/out-half$1.parquet" "$DIR/out-half$1.parquet_deadletter"
  submit --master 'local[1]' "$JAR" --bundle "$BUNDLE" --input "$DIR/half$1-$ROWS.parquet" --output "$DIR/out-half$1.parquet" \
    | grep '^lockstep spark:' | sed -E 's/.* in ([0-9.]+) s$/\1/'
}
now() { date +%s.%N; }
/usr/bin/time -o "$DIR/cpu" -f '%U %S %e' "$ROOT/deploy/bin/spark-submit" --driver-memory "$DRIVER_MEMORY" --master 'local[1]' "$JAR" \
  --bundle "$BUNDLE" --input "$DIR/halfA-$ROWS.parquet" --output "$DIR/out-halfA.parquet" >/dev/null 2>>"$DIR/spark.log"
cpu="$(tail -1 "$DIR/cpu")"
rm -rf "$DIR/out-halfA.parquet" "$DIR/out-halfA.parquet_deadletter"
t1="$(now)"; a="$(local1 A)"; t2="$(now)"; b="$(local1 B)"; t3="$(now)"
local1 A >"$DIR/pA" & local1 B >"$DIR/pB" & wait; t4="$(now)"
awk -v c="$cpu" -v a="$a" -v b="$b" -v pa="$(cat "$DIR/pA")" -v pb="$(cat "$DIR/pB")" \
    -v s="$(awk -v x="$t1" -v y="$t3" 'BEGIN {print y - x}')" -v p="$(awk -v x="$t3" -v y="$t4" 'BEGIN {print y - x}')" 'BEGIN {
  split(c, t, " ");
  printf "ceiling on this machine (%s): a local[1] job on half the Parquet files keeps %.2f cores busy (user %.1f s + sys %.1f s over %.1f s wall)\n", "'"$(nproc) vCPUs"'", (t[1] + t[2]) / t[3], t[1], t[2], t[3];
  printf "  the two halves one after the other: jobs %.1f + %.1f s, wall %.1f s; side by side: jobs %s / %s s, wall %.1f s\n", a, b, s, pa, pb, p;
  printf "  scale-out ceiling (sequential wall / parallel wall): %.2f\n", s / p }'
rm -f "$DIR/pA" "$DIR/pB" "$DIR/cpu"
