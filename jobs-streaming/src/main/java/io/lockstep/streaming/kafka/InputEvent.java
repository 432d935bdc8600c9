package io.lockstep.streaming.kafka;

import io.lockstep.deadletter.Reason;

/**
 * One Kafka input record as it travels through the job: its bytes, where it came from, and, for
 * specs with window features, the entity key and event time read at the source (so watermarks are
 * generated per partition) or the reason it could not be read. A Flink POJO: public fields and a
 * no-argument constructor keep its serializer cheap across a keyBy.
 */
public class InputEvent {
  /** {@link #eventTime} of a record without one. */
  public static final long NO_TIME = Long.MIN_VALUE;

  public byte[] key;
  public byte[] value;
  public String topic;
  public int partition;
  public long offset;
  /** The Kafka record timestamp (producer create time): the start of end-to-end latency. */
  public long kafkaTimestamp;
  public String entityKey;
  public long eventTime = NO_TIME;
  /** Dead-letter reason found at the source (window specs only), else null. */
  public Reason reason;
  /** Each window's {@code of} value read at the source (window specs only), see {@code WindowInputs}. */
  public double[] windowInputs;
  /** The window aggregates in spec order, set by the window operator (null without window features). */
  public double[] windowValues;

  public InputEvent() {}

  public InputEvent(byte[] key, byte[] value, String topic, int partition, long offset, long kafkaTimestamp) {
    this.key = key;
    this.value = value;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.kafkaTimestamp = kafkaTimestamp;
  }

  /** {@code topic/partition/offset}, the dead letters' {@code source} (docs/spec.md, Dead letters). */
  public String source() {
    return topic + "/" + partition + "/" + offset;
  }
}
