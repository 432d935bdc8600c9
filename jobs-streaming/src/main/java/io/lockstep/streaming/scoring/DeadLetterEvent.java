package io.lockstep.streaming.scoring;

import io.lockstep.deadletter.DeadLetter;
import io.lockstep.deadletter.Reason;
import java.time.Instant;

/**
 * A rejected input on its way to the dead-letter topic: the input's Kafka key and bytes, the reason,
 * where it came from and when it was rejected. It is encoded to JSON only by the sink's serializer,
 * which alone knows how many bytes the producer accepts (see {@code DeadLetterSerializer}). A Flink
 * POJO: public fields and a no-argument constructor.
 */
public class DeadLetterEvent {
  public byte[] kafkaKey;
  public byte[] original;
  public Reason reason;
  /** {@code topic/partition/offset} of the input. */
  public String source;
  /** The spec's key when it could be read, else null. */
  public String key;
  public long rejectedAtMillis;

  public DeadLetterEvent() {}

  public DeadLetterEvent(byte[] kafkaKey, byte[] original, Reason reason, String source, String key, long rejectedAtMillis) {
    this.kafkaKey = kafkaKey;
    this.original = original;
    this.reason = reason;
    this.source = source;
    this.key = key;
    this.rejectedAtMillis = rejectedAtMillis;
  }

  public DeadLetter toDeadLetter() {
    return new DeadLetter(reason, DeadLetter.Level.FLINK, Instant.ofEpochMilli(rejectedAtMillis), source, key, null,
        original == null ? new byte[0] : original);
  }
}
