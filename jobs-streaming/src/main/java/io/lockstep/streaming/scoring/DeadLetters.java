package io.lockstep.streaming.scoring;

import io.lockstep.deadletter.DeadLetter;
import io.lockstep.deadletter.Reason;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output shared by every operator of the job (docs/spec.md, Dead letters; level {@code flink}). */
public final class DeadLetters {
  /** Side output of rejected inputs, already encoded as dead-letter JSON. */
  public static final OutputTag<OutRecord> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  /**
   * @param key the spec's key when the record could be read, else null
   */
  public static OutRecord of(InputEvent e, Reason reason, String key) {
    DeadLetter dl = DeadLetter.ofBytes(reason, DeadLetter.Level.FLINK, e.source(), key, e.value == null ? new byte[0] : e.value);
    return new OutRecord(e.key, dl.toJsonBytes(), e.source(), e.kafkaTimestamp);
  }
}
