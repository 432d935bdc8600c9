package io.lockstep.streaming.lifecycle;

import io.lockstep.streaming.kafka.InputEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hands control-topic records on as they are (key, JSON value, offset): the scoring operator parses
 * them, so that a malformed command becomes a {@code rejected} answer, never a failed source.
 */
public final class ControlRecordDeserializer implements KafkaRecordDeserializationSchema<InputEvent> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<InputEvent> out) {
    out.collect(new InputEvent(r.key(), r.value(), r.topic(), r.partition(), r.offset(), r.timestamp()));
  }

  @Override
  public TypeInformation<InputEvent> getProducedType() {
    return TypeInformation.of(InputEvent.class);
  }
}
