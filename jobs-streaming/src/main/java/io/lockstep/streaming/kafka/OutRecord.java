package io.lockstep.streaming.kafka;

/**
 * A record for an output topic: the input's Kafka key, the encoded value (Avro prediction or
 * dead-letter JSON), the input's {@code topic/partition/offset} (written as the {@code lockstep.source}
 * header so every output can be traced to its input) and the input's Kafka timestamp (for latency).
 */
public class OutRecord {
  public byte[] key;
  public byte[] value;
  public String source;
  public long inputTimestamp;

  public OutRecord() {}

  public OutRecord(byte[] key, byte[] value, String source, long inputTimestamp) {
    this.key = key;
    this.value = value;
    this.source = source;
    this.inputTimestamp = inputTimestamp;
  }
}
