package io.lockstep.streaming.kafka;

import io.lockstep.streaming.scoring.DeadLetterEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes dead letters to the dead-letter topic so that every one fits the producer's
 * {@code max.request.size}: the original is capped at {@code --dead-letter-max-original} and cut
 * further when the whole record would not fit (docs/spec.md, Dead letters). A record the producer
 * refused would fail the sink, the task would restart from its last checkpoint, replay the same input
 * and fail again: one poison pill would stop the job forever. So a size failure cannot happen here.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetterEvent> {
  private static final long serialVersionUID = 1L;
  /**
   * Bytes the producer adds around key, value and headers when it checks {@code max.request.size}
   * (record batch header 61 and record framing up to ~25, rounded up generously).
   */
  static final int RECORD_OVERHEAD = 512;
  /** Below this many bytes left for the JSON, the input key is not copied to the dead letter's Kafka key. */
  static final int MIN_JSON_BYTES = 8 * 1024;

  private final String topic;
  private final int maxOriginalBytes;
  private final int maxRecordBytes;

  /**
   * @param maxRecordBytes the largest record the producer and the topic accept ({@code max.request.size}, {@code max.message.bytes})
   */
  public DeadLetterSerializer(String topic, int maxOriginalBytes, int maxRecordBytes) {
    if (maxRecordBytes < MIN_JSON_BYTES + RECORD_OVERHEAD) {
      throw new IllegalArgumentException("dead letters for " + topic + " may take only " + maxRecordBytes
          + " bytes (the smaller of the dead-letter producer's max.request.size and the topic's max.message.bytes);"
          + " they need at least " + (MIN_JSON_BYTES + RECORD_OVERHEAD) + ": raise that limit");
    }
    this.topic = topic;
    this.maxOriginalBytes = maxOriginalBytes;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetterEvent e, KafkaSinkContext context, Long timestamp) {
    byte[] source = e.source == null ? new byte[0] : e.source.getBytes(StandardCharsets.UTF_8);
    List<Header> headers = e.source == null ? List.of() : List.of(new RecordHeader(OutRecordSerializer.SOURCE_HEADER, source));
    int room = maxRecordBytes - RECORD_OVERHEAD - OutRecordSerializer.SOURCE_HEADER.length() - source.length;
    byte[] key = e.kafkaKey;
    if (key != null && room - key.length < MIN_JSON_BYTES) {
      key = null;                            // a key this large cannot travel with its dead letter; the JSON keeps it (cut)
    }
    byte[] value = e.toDeadLetter().toJsonBytesAtMost(maxOriginalBytes, room - (key == null ? 0 : key.length));
    return new ProducerRecord<>(topic, null, null, key, value, headers);
  }
}
