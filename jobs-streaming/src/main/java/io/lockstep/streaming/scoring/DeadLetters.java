package io.lockstep.streaming.scoring;

import io.lockstep.deadletter.Reason;
import io.lockstep.streaming.kafka.InputEvent;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output shared by every operator of the job (docs/spec.md, Dead letters; level {@code flink}). */
public final class DeadLetters {
  /** Side output of rejected inputs, encoded to JSON by the dead-letter sink. */
  public static final OutputTag<DeadLetterEvent> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  /**
   * @param key the spec's key when the record could be read, else null
   */
  public static DeadLetterEvent of(InputEvent e, Reason reason, String key) {
    return new DeadLetterEvent(e.key, e.value, reason, e.source(), key, System.currentTimeMillis());
  }
}
