package io.lockstep.streaming.bench;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.streaming.scoring.InputDecoder;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.InputEventDeserializer;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The benchmark's baseline: Kafka → Flink → Kafka moving the same records (key, value, source
 * header) through the same source, record types and sink as the scoring job, doing nothing else.
 * With {@code decode}, each value is also decoded by the scoring job's own {@link InputDecoder}
 * (result dropped, the input still written): a ceiling for the scoring job, which cannot be faster
 * than reading its input.
 */
final class IdentityJob {
  private IdentityJob() {}

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle, int lingerMs,
                    InputFormat format, boolean bounded) {
    build(env, bootstrap, in, out, bundle, lingerMs, format, bounded, false);
  }

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle, int lingerMs,
                    InputFormat format, boolean bounded, boolean decode) {
    KafkaSourceBuilder<InputEvent> builder = KafkaSource.<InputEvent>builder().setBootstrapServers(bootstrap).setTopics(in)
        .setGroupId("identity-" + in).setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new InputEventDeserializer(bundle, format, false));
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    KafkaSource<InputEvent> source = builder.build();
    Properties p = new Properties();
    p.setProperty("linger.ms", Integer.toString(lingerMs));
    KafkaSink<OutRecord> sink = KafkaSink.<OutRecord>builder().setBootstrapServers(bootstrap)
        .setRecordSerializer(new OutRecordSerializer(out)).setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(p).build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "identity-source").uid("identity-source")
        .map(decode ? new DecodeThenPass(bundle, format)
            : (MapFunction<InputEvent, OutRecord>) e -> new OutRecord(e.key, e.value, e.source(), e.kafkaTimestamp))
        .returns(TypeInformation.of(OutRecord.class)).uid("identity-map")
        .sinkTo(sink).uid("identity-sink");
  }

  /** Decodes the value as the scoring job does, then passes the input on unchanged. */
  static final class DecodeThenPass extends RichMapFunction<InputEvent, OutRecord> {
    private final ShippedBundle bundle;
    private final InputFormat format;
    private transient InputDecoder decoder;
    private transient long bad;

    DecodeThenPass(ShippedBundle bundle, InputFormat format) {
      this.bundle = bundle;
      this.format = format;
    }

    @Override
    public void open(OpenContext context) {
      Bundle b = bundle.load();
      decoder = new InputDecoder(format, b.inputSchema(), List.of());
    }

    @Override
    public OutRecord map(InputEvent e) {
      if (!decoder.decode(e.value).isOk()) {
        bad++;
      }
      return new OutRecord(e.key, e.value, e.source(), e.kafkaTimestamp);
    }
  }
}
