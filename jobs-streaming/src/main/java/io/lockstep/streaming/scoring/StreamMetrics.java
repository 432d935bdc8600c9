package io.lockstep.streaming.scoring;

import io.lockstep.deadletter.DeadLetterBudget;
import io.lockstep.deadletter.DeadLetterBudgetExceeded;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.deadletter.Reason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The job's metrics, in the operator's metric group under {@code lockstep}: {@code recordsIn},
 * {@code scored}, {@code deadLettered} counters and the {@code endToEndLatencyMs} histogram (from
 * the input's Kafka timestamp to the hand-over of its prediction to the sink). Each operator that
 * reads or rejects records registers its own, so {@code scored + deadLettered = recordsIn} summed
 * over the job's operators.
 *
 * <p>Each also keeps the operator's dead-letter budget ({@code --max-dead-fraction}), judged on the
 * records that reached it. Exceeding it fails the job without restarts: a restart would replay the
 * same records from the last checkpoint and exceed it again.
 */
public final class StreamMetrics {
  private final Counter recordsIn;
  private final Counter scored;
  private final Counter dead;
  private final Histogram latency;
  private final DeadLetterBudget budget;

  private StreamMetrics(Counter recordsIn, Counter scored, Counter dead, Histogram latency, DeadLetterBudget budget) {
    this.budget = budget;
    this.recordsIn = recordsIn;
    this.scored = scored;
    this.dead = dead;
    this.latency = latency;
  }

  public static StreamMetrics register(MetricGroup operatorGroup, boolean withLatency, DeadLetterPolicy policy) {
    MetricGroup g = operatorGroup.addGroup("lockstep");
    return new StreamMetrics(g.counter("recordsIn"), g.counter("scored"), g.counter("deadLettered"),
        withLatency ? g.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(10_000)) : null, policy.newBudget());
  }

  public void in() {
    recordsIn.inc();
    guard(null);
  }

  public void dead(Reason reason) {
    dead.inc();
    guard(reason);
  }

  private void guard(Reason deadReason) {
    try {
      if (deadReason == null) {
        budget.read();
      } else {
        budget.dead(deadReason);
      }
    } catch (DeadLetterBudgetExceeded e) {
      throw new SuppressRestartsException(e);
    }
  }

  public void scored(long inputTimestamp, long now) {
    scored.inc();
    if (latency != null && inputTimestamp > 0) {
      latency.update(Math.max(0, now - inputTimestamp));
    }
  }
}
