package io.lockstep.streaming.kafka;

import io.lockstep.avro.Decoded;
import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FieldAccessor;
import io.lockstep.streaming.scoring.InputDecoder;
import io.lockstep.streaming.window.WindowInputs;
import io.lockstep.window.WindowSet;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record into an {@link InputEvent}, never dropping one. With window features it
 * also reads the entity key and event time here, in the source, so that the watermark is generated
 * per Kafka partition; a record that cannot be decoded or lacks key or time keeps its reason and
 * no event time (it must not move the watermark), and is dead-lettered downstream.
 */
public final class InputEventDeserializer implements KafkaRecordDeserializationSchema<InputEvent> {
  private static final long serialVersionUID = 1L;

  private final ShippedBundle bundleBytes;
  private final InputFormat format;
  private final boolean readKeyAndTime;
  private transient InputDecoder decoder;
  private transient WindowSet windows;
  private transient WindowInputs windowInputs;

  public InputEventDeserializer(ShippedBundle bundleBytes, InputFormat format, boolean readKeyAndTime) {
    this.bundleBytes = bundleBytes;
    this.format = format;
    this.readKeyAndTime = readKeyAndTime;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    if (readKeyAndTime) {
      Bundle bundle = bundleBytes.load();
      decoder = new InputDecoder(format, bundle.inputSchema(), List.of());
      windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
      windowInputs = WindowInputs.compile(bundle.spec(), bundle.inputSchema());
    }
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputEvent> out) {
    InputEvent e = new InputEvent(record.key(), record.value(), record.topic(), record.partition(), record.offset(),
        record.timestamp());
    if (readKeyAndTime) {
      Decoded d = decoder.decode(record.value());
      if (!d.isOk()) {
        e.reason = d.reason();
        // the key still names the dead letter when its own field could be read (docs/spec.md, Dead letters)
        e.entityKey = d.readable() == null ? null : windows.key(FieldAccessor.of(d.readable()));
      } else {
        FieldAccessor acc = FieldAccessor.of(d.record());
        e.entityKey = windows.key(acc);
        Long time = windows.timeMillis(acc);
        if (e.entityKey == null) {
          e.reason = Reason.missing(windows.keyField());
        } else if (time == null) {
          e.reason = Reason.missing(windows.timeField());
        } else {
          e.eventTime = time;
          e.windowInputs = windowInputs.read(acc);
        }
      }
    }
    out.collect(e);
  }

  @Override
  public TypeInformation<InputEvent> getProducedType() {
    return TypeInformation.of(InputEvent.class);
  }
}
