package io.lockstep.batch.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Read, scored and dead-lettered counts, summed over tasks by accumulators. Each task adds its
 * totals once, when its partition ends. Spark applies accumulator updates of a retried task once
 * per successful attempt only for actions; in transformations a retried task can count twice, so
 * the job checks {@code scored + dead = read} and says so when it does not hold.
 */
public record ScoreCounters(LongAccumulator read, LongAccumulator scored, LongAccumulator dead, BatchStatsAccumulator batches,
                            DriftCountsAccumulator drift) implements Serializable {

  public static ScoreCounters register(SparkContext sc) {
    BatchStatsAccumulator batches = new BatchStatsAccumulator();
    sc.register(batches, "lockstep.batches");
    DriftCountsAccumulator drift = new DriftCountsAccumulator();
    sc.register(drift, "lockstep.drift");
    return new ScoreCounters(sc.longAccumulator("lockstep.read"), sc.longAccumulator("lockstep.scored"),
        sc.longAccumulator("lockstep.dead"), batches, drift);
  }

  void add(long read, long scored, long dead) {
    this.read.add(read);
    this.scored.add(scored);
    this.dead.add(dead);
  }

  public RunCounts value() {
    return new RunCounts(read.value(), scored.value(), dead.value());
  }

  /** Totals of a finished run. */
  public record RunCounts(long read, long scored, long dead) {
    public boolean balanced() {
      return scored + dead == read;
    }

    public String line() {
      return "read " + read + ", scored " + scored + ", dead-lettered " + dead;
    }
  }
}
