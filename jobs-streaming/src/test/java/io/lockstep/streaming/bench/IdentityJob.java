package io.lockstep.streaming.bench;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.streaming.scoring.InputDecoder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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
 * Two ceilings write the input unchanged too, after reading it: {@link Work#DECODE} decodes each
 * value with the scoring job's own {@link InputDecoder} (the scoring job cannot be faster than
 * reading its input), {@link Work#PARSE} only walks its syntax with the fastest reader we have
 * (JSON: Jackson's streaming parser over every token, no values built; Avro: every field read
 * with Avro's {@code BinaryDecoder} and dropped), so the bench can say how far our decoder is from
 * the fastest parse, and the parse from identity.
 */
final class IdentityJob {
  private IdentityJob() {}

  /** What the job does with each value before writing it unchanged. */
  enum Work { NONE, DECODE, PARSE }

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle, int lingerMs,
                    InputFormat format, boolean bounded) {
    build(env, bootstrap, in, out, bundle, lingerMs, format, bounded, Work.NONE);
  }

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle, int lingerMs,
                    InputFormat format, boolean bounded, Work work) {
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
    MapFunction<InputEvent, OutRecord> map = switch (work) {
      case DECODE -> new DecodeThenPass(bundle, format);
      case PARSE -> new ParseThenPass(bundle, format);
      case NONE -> (MapFunction<InputEvent, OutRecord>) e -> new OutRecord(e.key, e.value, e.source(), e.kafkaTimestamp);
    };
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "identity-source").uid("identity-source")
        .map(map).returns(TypeInformation.of(OutRecord.class)).uid("identity-map")
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

  /** Walks the value's syntax with the fastest parser available, builds nothing, passes the input on. */
  static final class ParseThenPass extends RichMapFunction<InputEvent, OutRecord> {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private final ShippedBundle bundle;
    private final InputFormat format;
    private transient Schema schema;
    private transient BinaryDecoder avro;
    private transient long tokens;

    ParseThenPass(ShippedBundle bundle, InputFormat format) {
      this.bundle = bundle;
      this.format = format;
    }

    @Override
    public void open(OpenContext context) {
      schema = bundle.load().inputSchema();
    }

    @Override
    public OutRecord map(InputEvent e) throws IOException {
      if (format == InputFormat.JSON) {
        try (JsonParser p = JSON.createParser(e.value)) {
          while (p.nextToken() != null) {
            tokens++;
          }
        }
      } else {
        int offset = format == InputFormat.AVRO_SINGLE ? 10 : 0;
        avro = DecoderFactory.get().binaryDecoder(e.value, offset, e.value.length - offset, avro);
        for (Schema.Field f : schema.getFields()) {
          skip(f.schema(), avro);
        }
      }
      return new OutRecord(e.key, e.value, e.source(), e.kafkaTimestamp);
    }

    private static void skip(Schema s, BinaryDecoder in) throws IOException {
      switch (s.getType()) {
        case NULL -> in.readNull();
        case BOOLEAN -> in.readBoolean();
        case INT -> in.readInt();
        case LONG -> in.readLong();
        case FLOAT -> in.readFloat();
        case DOUBLE -> in.readDouble();
        case STRING, BYTES -> in.skipBytes();
        case ENUM -> in.readEnum();
        case FIXED -> in.skipFixed(s.getFixedSize());
        case UNION -> skip(s.getTypes().get(in.readIndex()), in);
        case RECORD -> {
          for (Schema.Field f : s.getFields()) {
            skip(f.schema(), in);
          }
        }
        default -> throw new IOException("the parse ceiling reads flat records only, not " + s.getType());
      }
    }
  }
}
