package io.lockstep.streaming.scoring;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The job's metrics, in the operator's metric group under {@code lockstep}: {@code recordsIn},
 * {@code scored}, {@code deadLettered} counters and the {@code endToEndLatencyMs} histogram (from
 * the input's Kafka timestamp to the hand-over of its prediction to the sink). Each operator that
 * reads or rejects records registers its own, so {@code scored + deadLettered = recordsIn} summed
 * over the job's operators.
 */
public final class StreamMetrics {
  private final Counter recordsIn;
  private final Counter scored;
  private final Counter dead;
  private final Histogram latency;

  private StreamMetrics(Counter recordsIn, Counter scored, Counter dead, Histogram latency) {
    this.recordsIn = recordsIn;
    this.scored = scored;
    this.dead = dead;
    this.latency = latency;
  }

  public static StreamMetrics register(MetricGroup operatorGroup, boolean withLatency) {
    MetricGroup g = operatorGroup.addGroup("lockstep");
    return new StreamMetrics(g.counter("recordsIn"), g.counter("scored"), g.counter("deadLettered"),
        withLatency ? g.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(10_000)) : null);
  }

  public void in() {
    recordsIn.inc();
  }

  public void dead() {
    dead.inc();
  }

  public void scored(long inputTimestamp, long now) {
    scored.inc();
    if (latency != null && inputTimestamp > 0) {
      latency.update(Math.max(0, now - inputTimestamp));
    }
  }
}
