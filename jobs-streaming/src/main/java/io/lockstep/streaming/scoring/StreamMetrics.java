package io.lockstep.streaming.scoring;

import io.lockstep.deadletter.DeadLetterBudget;
import io.lockstep.deadletter.DeadLetterBudgetExceeded;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.deadletter.Reason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The job's metrics, in the operator's metric group under {@code lockstep}: {@code recordsIn},
 * {@code scored}, {@code deadLettered} counters, {@code deadLettered} by reason kind (key/value group
 * {@code kind}: Prometheus {@code kind_deadLettered{kind="decode"}}) and the {@code endToEndLatencyMs}
 * histogram (from the input's Kafka timestamp to the hand-over of its prediction to the sink). Each
 * operator that reads or rejects records (the router of unreadable records, the window operator, the
 * scoring operator) registers its own, so {@code scored + deadLettered = recordsIn} and the dead
 * letters by kind add up to {@code deadLettered} summed over the job's operators.
 *
 * <p>Each also keeps the operator's dead-letter budget ({@code --max-dead-fraction}), judged on the
 * records that reached it. Exceeding it fails the job without restarts: a restart would replay the
 * same records from the last checkpoint and exceed it again.
 */
public final class StreamMetrics {
  private final Counter recordsIn;
  private final Counter scored;
  private final Counter dead;
  private final Map<Reason.Kind, Counter> deadByKind;
  private final Histogram latency;
  private final DeadLetterBudget budget;

  private StreamMetrics(Counter recordsIn, Counter scored, Counter dead, Map<Reason.Kind, Counter> deadByKind, Histogram latency,
                        DeadLetterBudget budget) {
    this.budget = budget;
    this.recordsIn = recordsIn;
    this.scored = scored;
    this.dead = dead;
    this.deadByKind = deadByKind;
    this.latency = latency;
  }

  public static StreamMetrics register(MetricGroup operatorGroup, boolean withLatency, DeadLetterPolicy policy) {
    MetricGroup g = operatorGroup.addGroup("lockstep");
    Map<Reason.Kind, Counter> byKind = new EnumMap<>(Reason.Kind.class);
    for (Reason.Kind k : Reason.Kind.values()) {
      byKind.put(k, g.addGroup("kind", k.prefix()).counter("deadLettered"));
    }
    return new StreamMetrics(g.counter("recordsIn"), g.counter("scored"), g.counter("deadLettered"), byKind,
        withLatency ? g.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(10_000)) : null, policy.newBudget());
  }

  public void in() {
    recordsIn.inc();
    guard(null);
  }

  public void dead(Reason reason) {
    dead.inc();
    deadByKind.get(reason.kind()).inc();
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
