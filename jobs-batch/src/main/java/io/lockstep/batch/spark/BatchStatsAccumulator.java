package io.lockstep.batch.spark;

import io.lockstep.metrics.BatchStats;
import org.apache.spark.util.AccumulatorV2;

/** Sums the ONNX Runtime calls of every task ({@code --metrics-json}: batch sizes and latency). */
final class BatchStatsAccumulator extends AccumulatorV2<BatchStats, BatchStats> {
  private BatchStats stats = new BatchStats();

  @Override
  public boolean isZero() {
    return stats.isEmpty();
  }

  @Override
  public AccumulatorV2<BatchStats, BatchStats> copy() {
    BatchStatsAccumulator c = new BatchStatsAccumulator();
    c.stats = stats.copy();
    return c;
  }

  @Override
  public void reset() {
    stats = new BatchStats();
  }

  @Override
  public void add(BatchStats v) {
    stats.merge(v);
  }

  @Override
  public void merge(AccumulatorV2<BatchStats, BatchStats> other) {
    stats.merge(other.value());
  }

  @Override
  public BatchStats value() {
    return stats;
  }
}
