package io.lockstep.streaming.window;

import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.scoring.DeadLetters;
import io.lockstep.streaming.scoring.StreamMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends records that the source could not read (undecodable, no key, no event time) to the dead
 * letters before the keyBy: they never enter window state (docs/spec.md, Window features).
 */
public final class UnreadableRouter extends ProcessFunction<InputEvent, InputEvent> {
  private static final long serialVersionUID = 1L;
  private final DeadLetterPolicy deadLetterPolicy;
  private transient StreamMetrics metrics;

  public UnreadableRouter(DeadLetterPolicy deadLetterPolicy) {
    this.deadLetterPolicy = deadLetterPolicy;
  }

  @Override
  public void open(OpenContext context) {
    metrics = StreamMetrics.register(getRuntimeContext().getMetricGroup(), false, deadLetterPolicy);
  }

  @Override
  public void processElement(InputEvent e, Context ctx, Collector<InputEvent> out) {
    metrics.in();
    if (e.reason != null) {
      ctx.output(DeadLetters.TAG, DeadLetters.of(e, e.reason, e.entityKey));
      metrics.dead(e.reason);
    } else {
      out.collect(e);
    }
  }
}
