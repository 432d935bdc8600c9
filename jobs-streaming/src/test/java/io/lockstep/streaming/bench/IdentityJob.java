package io.lockstep.streaming.bench;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.ShippedBundle;
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
 */
final class IdentityJob {
  private IdentityJob() {}

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle, int lingerMs,
                    InputFormat format, boolean bounded) {
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
        .map((MapFunction<InputEvent, OutRecord>) e -> new OutRecord(e.key, e.value, e.source(), e.kafkaTimestamp))
        .returns(TypeInformation.of(OutRecord.class)).uid("identity-map")
        .sinkTo(sink).uid("identity-sink");
  }
}
