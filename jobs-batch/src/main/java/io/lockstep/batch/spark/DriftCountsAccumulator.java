package io.lockstep.batch.spark;

import org.apache.spark.util.AccumulatorV2;

/**
 * Sums the drift bin counts of every task ({@link io.lockstep.profile.LiveBins#counts()}: columns ×
 * bins), so the driver computes the PSI table over the whole input, as level 1 does over its
 * single pass. Empty until the first task with a profile adds its counts.
 */
final class DriftCountsAccumulator extends AccumulatorV2<long[][], long[][]> {
  private long[][] counts = new long[0][];

  @Override
  public boolean isZero() {
    return counts.length == 0;
  }

  @Override
  public AccumulatorV2<long[][], long[][]> copy() {
    DriftCountsAccumulator c = new DriftCountsAccumulator();
    c.add(counts);
    return c;
  }

  @Override
  public void reset() {
    counts = new long[0][];
  }

  @Override
  public void add(long[][] v) {
    if (counts.length == 0) {
      counts = new long[v.length][];
      for (int i = 0; i < v.length; i++) {
        counts[i] = v[i].clone();
      }
      return;
    }
    for (int i = 0; i < v.length; i++) {
      for (int b = 0; b < v[i].length; b++) {
        counts[i][b] += v[i][b];
      }
    }
  }

  @Override
  public void merge(AccumulatorV2<long[][], long[][]> other) {
    add(other.value());
  }

  @Override
  public long[][] value() {
    return counts;
  }
}
