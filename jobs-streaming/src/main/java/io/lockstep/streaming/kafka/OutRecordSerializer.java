package io.lockstep.streaming.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Writes {@link OutRecord}s to one topic, with the input's key and a {@code lockstep.source} header. */
public final class OutRecordSerializer implements KafkaRecordSerializationSchema<OutRecord> {
  private static final long serialVersionUID = 1L;
  /** Header naming the input record ({@code topic/partition/offset}) an output came from. */
  public static final String SOURCE_HEADER = io.lockstep.kafka.SourceHeader.NAME;

  private final String topic;

  public OutRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(OutRecord r, KafkaSinkContext context, Long timestamp) {
    List<Header> headers = r.source == null ? List.of()
        : List.of(new RecordHeader(SOURCE_HEADER, r.source.getBytes(StandardCharsets.UTF_8)));
    return new ProducerRecord<>(topic, null, null, r.key, r.value, headers);
  }
}
