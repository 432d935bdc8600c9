#!/usr/bin/env bash
# Cold spark-submit benchmark (docs/performance.md, Level 2): each job in a fresh JVM through
# deploy/bin/spark-submit, as a user runs it, on the same synthetic Parquet input:
#   lockstep  BatchScoreJob itself (its own summary line: bundle, planning, read, score, write)
#   io-floor  reads every column, writes prediction-shaped rows, no model  (SparkColdJobs)
#   batched   hand-written mapPartitions, one ORT call per 1,024 rows      (SparkColdJobs)
# at ROWS and at 5 x ROWS (for the marginal rate), RUNS rounds, each round in another order (round r
# starts with job r of the three, so a load that rises or falls over the run favours no job); prints
# the medians of each job's own time (first read to end of write), the ratios against the goals, the
# fixed cost / marginal rate, and each spark-submit process's wall clock and CPU seconds (JVM start to
# exit: what the user waits for, and the work done, which load inflates far less than time), with the
# load average. Then, unless WARM=0, the warm figures: SparkBench (one session, warm-up runs, best of
# RUNS) on the same bundle: Lockstep, the naive per-row UDF and the no-op read -> write.
#
# Usage: deploy/spark/cold-bench.sh [ROWS=1000000] [RUNS=3]
# Input: ROWS synthetic rows in FILES (8) snappy Parquet files of the bundle's schema. The bundle is issue 15's:
# `id` + 30 doubles, 30 standardize features, logistic regression (deploy/spark/bench/make_wide_bundle.py,
# packed by bin/lockstep bundle; needs /usr/bin/python3 with python3-onnx) unless BUNDLE names another.
# Env: BUNDLE, FILES (8), MASTER (local[2]), DRIVER_MEMORY (4g), BENCH_DIR (/tmp/lockstep-cold-bench),
#      JAR (jobs-batch/target/lockstep-jobs-batch.jar; build it with mvn -B -DskipTests package),
#      WARM (1: also run SparkBench warm on ROWS rows; 0: cold runs only).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROWS="${1:-1000000}"
RUNS="${2:-3}"
FILES="${FILES:-8}"
MASTER="${MASTER:-local[2]}"
DRIVER_MEMORY="${DRIVER_MEMORY:-4g}"
DIR="${BENCH_DIR:-/tmp/lockstep-cold-bench}"
JAR="${JAR:-$ROOT/jobs-batch/target/lockstep-jobs-batch.jar}"
[[ -f "$JAR" ]] || { echo "no $JAR: build it with mvn -B -DskipTests package" >&2; exit 1; }
mkdir -p "$DIR"
# shellcheck source=bench/wide-bundle.sh
source "$HERE/bench/wide-bundle.sh"
BUNDLE="${BUNDLE:-$(wide_bundle "$DIR")}"
SUBMIT=("$ROOT/deploy/bin/spark-submit" --master "$MASTER" --driver-memory "$DRIVER_MEMORY")
submit() { "${SUBMIT[@]}" "$@" 2>>"$DIR/spark.log"; }
WARM="${WARM:-1}"

SIZES=("$ROWS" "$((ROWS * 5))")
for n in "${SIZES[@]}"; do
  [[ -d "$DIR/in-$n.parquet" ]] || submit --class io.lockstep.batch.bench.SparkColdJobs "$JAR" generate "$BUNDLE" "$DIR/in-$n.parquet" - "$n" "$FILES" >/dev/null
done

# run_job JOB N: one cold spark-submit; appends its own seconds to T[JOB,N], its process wall clock and CPU to W / C.
declare -A T W C
run_job() {
  local job="$1" n="$2" line usage="$DIR/time.txt"
  if [[ "$job" == lockstep ]]; then
    line="$(/usr/bin/time -f '%e %U %S' -o "$usage" "${SUBMIT[@]}" "$JAR" --bundle "$BUNDLE" --input "$DIR/in-$n.parquet" --output "$DIR/out-lockstep.parquet" 2>>"$DIR/spark.log" | grep '^lockstep spark:')"
  else
    line="$(/usr/bin/time -f '%e %U %S' -o "$usage" "${SUBMIT[@]}" --class io.lockstep.batch.bench.SparkColdJobs "$JAR" "$job" "$BUNDLE" "$DIR/in-$n.parquet" "$DIR/out-$job.parquet" 2>>"$DIR/spark.log" \
      | grep "^$job:")"
  fi
  T[$job,$n]+="$(sed -E 's/.* in ([0-9.]+) s$/\1/' <<<"$line") "
  W[$job,$n]+="$(awk '{print $1}' "$usage") "
  C[$job,$n]+="$(awk '{printf "%.1f", $2 + $3}' "$usage") "
}

JOBS=(lockstep io-floor batched)
for n in "${SIZES[@]}"; do
  for r in $(seq 1 "$RUNS"); do
    for k in 0 1 2; do
      run_job "${JOBS[$(((r - 1 + k) % 3))]}" "$n"
    done
    echo "  rows $n after round $r ($(uptime | sed 's/.*load/load/')), seconds so far: lockstep ${T[lockstep,$n]}/ io-floor ${T[io-floor,$n]}/ batched ${T[batched,$n]}" >&2
  done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "cold spark-submit, $MASTER, driver $DRIVER_MEMORY, bundle $BUNDLE, medians of $RUNS runs, rounds in rotating order; $(uptime | sed 's/.*load/load/')"
printf "%-10s %12s %12s %12s %14s %14s %12s %12s\n" job "s@${ROWS}" "rows/s@${ROWS}" "s@$((ROWS * 5))" "fixed cost s" "marginal rows/s" "process s" "process CPU s"
declare -A RATE MARG
for job in "${JOBS[@]}"; do
  a="$(median "${T[$job,$ROWS]}")"; b="$(median "${T[$job,$((ROWS * 5))]}")"
  RATE[$job]="$(awk -v n="$ROWS" -v t="$a" 'BEGIN {printf "%.0f", n / t}')"
  MARG[$job]="$(awk -v n="$ROWS" -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", 4 * n / (b - a)}')"
  fixed="$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", a - (b - a) / 4}')"
  printf "%-10s %12s %12s %12s %14s %14s %12s %12s\n" "$job" "$a" "${RATE[$job]}" "$b" "$fixed" "${MARG[$job]}" \
    "$(median "${W[$job,$ROWS]}")" "$(median "${C[$job,$ROWS]}")"
done
echo "(process s / process CPU s: medians at $ROWS rows of the whole spark-submit, JVM start to exit, wall clock / user + system CPU)"
awk -v l="${RATE[lockstep]}" -v f="${RATE[io-floor]}" -v b="${RATE[batched]}" -v ml="${MARG[lockstep]}" -v mb="${MARG[batched]}" \
  'BEGIN {printf "lockstep / io-floor = %.2f (goal >= 0.75); lockstep / batched = %.2f (goal >= 1.0); marginal lockstep / batched = %.2f (goal >= 1.0)\n", l / f, l / b, ml / mb}'

if [[ "$WARM" != 0 ]]; then
  echo "warm (SparkBench: one session, a warm-up run of each, best of $RUNS; $(uptime | sed 's/.*load/load/')):"
  submit --class io.lockstep.batch.bench.SparkBench "$JAR" --rows "$ROWS" --runs "$RUNS" --bundle "$BUNDLE" \
    --windows-bundle none --dir "$DIR/warm" | grep -E '^\(|^ours /|^Spark '
  echo "$(uptime | sed 's/.*load/load/')"
fi
