package io.lockstep.streaming.bench;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.avro.InputFormat;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.InputEventDeserializer;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The benchmark's "naive" job, what a user writes by hand: parse each record (Jackson tree for
 * JSON, a {@code GenericDatumReader} for Avro), compute the features (with {@code common}'s
 * pipeline, so the work is the same), one ORT {@code run()} per record on a {@code float[1][F]}
 * tensor, and write the prediction with a {@code GenericDatumWriter}. Same source and sink as
 * the other jobs; bad records are skipped (a naive job does not dead-letter).
 */
final class NaiveJob {
  private NaiveJob() {}

  static void build(StreamExecutionEnvironment env, String bootstrap, String in, String out, ShippedBundle bundle,
                    InputFormat format, boolean bounded) {
    KafkaSourceBuilder<InputEvent> source = KafkaSource.<InputEvent>builder().setBootstrapServers(bootstrap).setTopics(in)
        .setGroupId("naive-" + in).setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new InputEventDeserializer(bundle, format, false));
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    Properties p = new Properties();
    p.setProperty("linger.ms", "1");
    KafkaSink<OutRecord> sink = KafkaSink.<OutRecord>builder().setBootstrapServers(bootstrap)
        .setRecordSerializer(new OutRecordSerializer(out)).setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setKafkaProducerConfig(p).build();
    env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "naive-source").uid("naive-source")
        .map(new Score(bundle, format)).returns(TypeInformation.of(OutRecord.class)).uid("naive-score")
        .filter(r -> r.value != null)
        .sinkTo(sink).uid("naive-sink");
  }

  /** Per record: parse, features, one ORT call, encode. */
  static final class Score extends RichMapFunction<InputEvent, OutRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ShippedBundle bundleBytes;
    private final InputFormat format;
    private transient Bundle bundle;
    private transient FeaturePipeline pipeline;
    private transient OrtSession session;
    private transient GenericDatumReader<GenericRecord> reader;
    private transient GenericDatumWriter<GenericRecord> writer;
    private transient Schema predictionSchema;
    private transient List<Schema.Field> inputFields;

    Score(ShippedBundle bundleBytes, InputFormat format) {
      this.bundleBytes = bundleBytes;
      this.format = format;
    }

    @Override
    public void open(OpenContext context) throws Exception {
      bundle = bundleBytes.load();
      pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
      // One intra-op thread, as Lockstep's default: ORT's default (a spinning pool over every core)
      // measured 1.3k ev/s on the shared 2 cores, which says nothing about the per-record work.
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      session = OrtEnvironment.getEnvironment().createSession(bundle.modelBytes(), options);
      reader = new GenericDatumReader<>(bundle.inputSchema());
      predictionSchema = PredictionSchema.forBundle(bundle, List.of(), true);
      writer = new GenericDatumWriter<>(predictionSchema);
      inputFields = bundle.inputSchema().getFields();
    }

    @Override
    public OutRecord map(InputEvent e) throws Exception {
      try {
        return score(e);
      } catch (IOException | RuntimeException bad) {
        return new OutRecord(e.key, null, e.source(), e.kafkaTimestamp); // skipped, as hand-written jobs do
      }
    }

    private OutRecord score(InputEvent e) throws Exception {
      FieldAccessor record;
      String key;
      if (format == InputFormat.JSON) {
        JsonNode node = JSON.readTree(e.value);
        record = i -> jsonValue(node.get(inputFields.get(i).name()));
        key = node.get(bundle.spec().key()).asText();
      } else {
        GenericRecord r = reader.read(null, DecoderFactory.get().binaryDecoder(e.value, null));
        record = FieldAccessor.of(r);
        key = r.get(bundle.spec().key()).toString();
      }
      float[][] x = new float[1][pipeline.width()];
      if (pipeline.extract(record, null, x[0], 0) != null) {
        return new OutRecord(e.key, null, e.source(), e.kafkaTimestamp);
      }
      GenericRecord prediction = new GenericData.Record(predictionSchema);
      try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), x);
           OrtSession.Result result = session.run(Map.of(bundle.spec().model().input(), t))) {
        Object label = result.get("label").get().getValue();
        OnnxValue probs = result.get("probabilities").get();
        float score;
        if (probs.getValue() instanceof float[][] f) {
          score = f[0][1];
        } else {
          // A ZipMap output: one map of class label -> probability per row, as ORT Java hands it out.
          @SuppressWarnings("unchecked")
          Map<Object, Object> m = (Map<Object, Object>) ((List<OnnxMap>) probs.getValue()).get(0).getValue();
          score = m.values().stream().skip(1).findFirst().map(v -> ((Number) v).floatValue()).orElse(Float.NaN);
        }
        for (Schema.Field f : predictionSchema.getFields()) {
          switch (f.name()) {
            case "score" -> prediction.put(f.pos(), (double) score);
            case "label" -> prediction.put(f.pos(), label instanceof long[] l ? l[0] : ((Number) ((Object[]) label)[0]).longValue());
            case "model" -> prediction.put(f.pos(), bundle.id());
            case "scored_at" -> prediction.put(f.pos(), System.currentTimeMillis());
            default -> prediction.put(f.pos(), f.name().equals(bundle.spec().key()) ? key : null);
          }
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
      writer.write(prediction, enc);
      enc.flush();
      return new OutRecord(e.key, bytes.toByteArray(), e.source(), e.kafkaTimestamp);
    }

    private static Object jsonValue(JsonNode v) {
      if (v == null || v.isNull()) {
        return null;
      }
      if (v.isTextual()) {
        return v.textValue();
      }
      if (v.isBoolean()) {
        return v.booleanValue();
      }
      if (v.isIntegralNumber()) {
        return v.longValue();
      }
      return v.doubleValue();
    }

    @Override
    public void close() throws Exception {
      if (session != null) {
        session.close();
      }
    }
  }
}
