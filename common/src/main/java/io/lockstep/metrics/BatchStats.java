package io.lockstep.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * Sizes and durations of ONNX Runtime calls, mergeable across tasks (Spark sums one per partition):
 * count, rows, the largest batch, a power-of-two histogram of batch sizes, total and largest latency.
 */
public final class BatchStats implements Serializable {
  /** Upper bounds of the batch-size buckets (powers of two; the last bucket is open). */
  static final int[] BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

  private long batches;
  private long rows;
  private int maxBatch;
  private final long[] buckets = new long[BUCKETS.length + 1];
  private double latencySumMs;
  private double latencyMaxMs;

  public void add(int batchRows, long nanos) {
    batches++;
    rows += batchRows;
    maxBatch = Math.max(maxBatch, batchRows);
    int b = 0;
    while (b < BUCKETS.length && batchRows > BUCKETS[b]) {
      b++;
    }
    buckets[b]++;
    double ms = nanos / 1e6;
    latencySumMs += ms;
    latencyMaxMs = Math.max(latencyMaxMs, ms);
  }

  public void merge(BatchStats o) {
    batches += o.batches;
    rows += o.rows;
    maxBatch = Math.max(maxBatch, o.maxBatch);
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] += o.buckets[i];
    }
    latencySumMs += o.latencySumMs;
    latencyMaxMs = Math.max(latencyMaxMs, o.latencyMaxMs);
  }

  public BatchStats copy() {
    BatchStats c = new BatchStats();
    c.merge(this);
    return c;
  }

  public boolean isEmpty() {
    return batches == 0;
  }

  public long batches() {
    return batches;
  }

  /** {@code batch_size} and {@code scoring_latency_ms} (count, mean, max) of the metrics JSON. */
  void toJson(ObjectNode n) {
    ObjectNode b = n.putObject("batch_size");
    b.put("batches", batches);
    b.put("mean", batches == 0 ? 0 : (double) rows / batches);
    b.put("max", maxBatch);
    ObjectNode h = b.putObject("histogram");
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] > 0) {
        h.put(i < BUCKETS.length ? "le_" + BUCKETS[i] : "gt_" + BUCKETS[BUCKETS.length - 1], buckets[i]);
      }
    }
    ObjectNode l = n.putObject("scoring_latency_ms");
    l.put("count", batches);
    l.put("mean", batches == 0 ? 0 : latencySumMs / batches);
    l.put("max", latencyMaxMs);
  }
}
