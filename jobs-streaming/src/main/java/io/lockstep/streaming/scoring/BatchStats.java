package io.lockstep.streaming.scoring;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * How full the micro-batches were: rows scored and scoring calls, as job accumulators (summed over
 * subtasks, readable from {@code JobExecutionResult} or a running job's {@code JobClient}), so the
 * mean batch size of a run is {@code rows / batches}.
 */
public final class BatchStats {
  public static final String ROWS = "lockstep.score.rows";
  public static final String BATCHES = "lockstep.score.batches";

  private final LongCounter rows = new LongCounter();
  private final LongCounter batches = new LongCounter();

  private BatchStats() {}

  static BatchStats register(RuntimeContext context) {
    BatchStats s = new BatchStats();
    context.addAccumulator(ROWS, s.rows);
    context.addAccumulator(BATCHES, s.batches);
    return s;
  }

  void add(int batchRows) {
    rows.add(batchRows);
    batches.add(1);
  }

  /** Mean rows per scoring call from a job's accumulator values, NaN without any call. */
  public static double meanBatch(java.util.Map<String, Object> accumulators) {
    Object r = accumulators.get(ROWS);
    Object b = accumulators.get(BATCHES);
    if (!(r instanceof Long rows) || !(b instanceof Long batches) || batches == 0) {
      return Double.NaN;
    }
    return (double) rows / batches;
  }
}
