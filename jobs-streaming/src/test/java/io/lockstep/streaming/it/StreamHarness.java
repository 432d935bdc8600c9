package io.lockstep.streaming.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionField;
import io.lockstep.score.ScorerOptions;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import io.lockstep.streaming.scoring.FeatureVectorField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What the integration tests share: one MiniCluster configuration, topic names, output decoding. */
final class StreamHarness {
  static final ObjectMapper JSON = new ObjectMapper();

  private StreamHarness() {}

  static MiniClusterExtension miniCluster() {
    Configuration conf = io.lockstep.streaming.Loopback.bind(new Configuration());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(200));
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).setConfiguration(conf).build());
  }

  static String topic(String prefix) {
    return prefix + "-" + Long.toHexString(System.nanoTime());
  }

  /** The prediction schema the job writes for this bundle (streaming fields; optionally the feature vector). */
  static Schema predictionSchema(Bundle bundle, List<String> keep, boolean withFeatures) {
    List<PredictionField> fields;
    try (OnnxScorer s = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      fields = s.fields();
    }
    Schema base = PredictionSchema.derive(bundle, fields, keep, true);
    return withFeatures ? new FeatureVectorField(base).schema() : base;
  }

  static GenericRecord decode(Schema schema, byte[] value) {
    try {
      return new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get().binaryDecoder(value, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<GenericRecord> decodeAll(Schema schema, List<ConsumerRecord<byte[], byte[]>> records) {
    List<GenericRecord> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.add(decode(schema, r.value()));
    }
    return out;
  }

  static JsonNode json(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The input offset an output record came from ({@code lockstep.source} header: topic/partition/offset). */
  static long sourceOffset(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(OutRecordSerializer.SOURCE_HEADER);
    String s = new String(h.value(), StandardCharsets.UTF_8);
    return Long.parseLong(s.substring(s.lastIndexOf('/') + 1));
  }
}
