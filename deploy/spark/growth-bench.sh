#!/usr/bin/env bash
# Growth benchmark (issue 15, item 3; docs/performance.md): time(10 N rows) / time(N rows) of the same
# job on the same schema and bundle, at level 1 (bin/lockstep score, one fresh JVM per run) and at
# level 2 (BatchScoreJob through deploy/bin/spark-submit), with level 1's peak RSS (VmHWM, from
# /usr/bin/time -v) for both sizes: memory must stay flat with input size.
#
# Input: one Parquet file of N and one of 10 N rows of the cold benchmark's schema and bundle
# (`id` + 30 doubles, 30 standardize features, logistic regression; see cold-bench.sh), generated once.
# Times are each job's own summary line (read to write, without JVM start), then the process wall time.
#
# Usage: deploy/spark/growth-bench.sh [N=1000000] [RUNS=1]
# Env: BUNDLE, MASTER (local[2]), DRIVER_MEMORY (4g), L1_JAVA_OPTS (-Xmx4g), BENCH_DIR (/tmp/lockstep-growth-bench), JAR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-1000000}"
RUNS="${2:-1}"
MASTER="${MASTER:-local[2]}"
DRIVER_MEMORY="${DRIVER_MEMORY:-4g}"
DIR="${BENCH_DIR:-/tmp/lockstep-growth-bench}"
JAR="${JAR:-$ROOT/jobs-batch/target/lockstep-jobs-batch.jar}"
[[ -f "$JAR" ]] || { echo "no $JAR: build it with mvn -B -DskipTests package" >&2; exit 1; }
mkdir -p "$DIR"
# shellcheck source=bench/wide-bundle.sh
source "$HERE/bench/wide-bundle.sh"
BUNDLE="${BUNDLE:-$(wide_bundle "$DIR")}"
submit() { "$ROOT/deploy/bin/spark-submit" --master "$MASTER" --driver-memory "$DRIVER_MEMORY" "$@" 2>>"$DIR/spark.log"; }

SIZES=("$N" "$((N * 10))")
declare -A FILE
for n in "${SIZES[@]}"; do
  [[ -d "$DIR/in-$n.parquet" ]] || submit --class io.lockstep.batch.bench.SparkColdJobs "$JAR" generate "$BUNDLE" "$DIR/in-$n.parquet" - "$n" 1 >/dev/null
  FILE[$n]="$(ls "$DIR/in-$n.parquet"/part-*.parquet | head -1)"
done

declare -A L1 L1W RSS L2 L2W
for n in "${SIZES[@]}"; do
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$DIR/out-l1.parquet"
    out="$(LOCKSTEP_JAVA_OPTS="${L1_JAVA_OPTS:--Xmx4g}" /usr/bin/time -v -o "$DIR/time-l1.txt" \
      "$ROOT/bin/lockstep" score --bundle "$BUNDLE" --input "${FILE[$n]}" --output "$DIR/out-l1.parquet")"
    L1[$n]+="$(grep '^lockstep score:' <<<"$out" | sed -E 's/.* in ([0-9.]+) s,.*/\1/') "
    L1W[$n]+="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$DIR/time-l1.txt") "
    RSS[$n]="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$DIR/time-l1.txt")"
    start=$(date +%s.%N)
    out="$(submit "$JAR" --bundle "$BUNDLE" --input "${FILE[$n]}" --output "$DIR/out-l2.parquet")"
    L2W[$n]+="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') "
    L2[$n]+="$(grep '^lockstep spark:' <<<"$out" | sed -E 's/.* in ([0-9.]+) s$/\1/') "
    echo "  rows $n run $r: L1 ${L1[$n]}s (wall ${L1W[$n]}, peak RSS ${RSS[$n]} MB), L2 ${L2[$n]}s (wall ${L2W[$n]})" >&2
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
big=$((N * 10))
echo "growth, bundle $BUNDLE, L2 $MASTER driver $DRIVER_MEMORY, median of $RUNS; $(uptime | sed 's/.*load/load/')"
printf "%-6s %10s %10s %8s %12s %12s\n" level "s@$N" "s@$big" ratio "wall ratio" "peak RSS MB"
for lv in L1 L2; do
  declare -n T="$lv" W="${lv}W"
  a="$(median "${T[$N]}")"; b="$(median "${T[$big]}")"; wa="$(median "${W[$N]}")"; wb="$(median "${W[$big]}")"
  rss=""; [[ "$lv" == L1 ]] && rss="${RSS[$N]} / ${RSS[$big]}"
  printf "%-6s %10s %10s %8s %12s %12s\n" "$lv" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}')" \
    "$(awk -v a="$wa" -v b="$wb" 'BEGIN {printf "%.2f", b / a}')" "$rss"
done
echo "goal: ratio <= 10.5 at both levels; L1 peak RSS flat"
