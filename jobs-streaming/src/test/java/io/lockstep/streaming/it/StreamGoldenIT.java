package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.avro.InputFormat;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Level 3 against the golden fixtures, through a real broker, in every input format: each good row
 * is predicted with the reference features bitwise (window aggregates included) and the training
 * library's scores within 1e-5 and labels exactly, and the single-node scores ({@code lockstep score}
 * on the same CSV) within 4 ulp; each bad row is dead-lettered with its expected reason;
 * scored + dead = sent.
 */
class StreamGoldenIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String fx : GoldenFixture.ALL) {
      for (InputFormat f : InputFormat.values()) {
        out.add(Arguments.of(fx, f));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cases")
  void everyGoldenRowIsPredictedOrDeadLetteredAsExpected(String fixture, InputFormat format) throws Exception {
    check(KafkaBroker.shared(), fixture, format);
  }

  /** The whole golden check against {@code kafka} (plaintext here, SASL_SSL in {@link SecuredKafkaIT}). */
  static void check(KafkaBroker kafka, String fixture, InputFormat format) throws Exception {
    GoldenFixture fx = GoldenFixture.of(fixture);
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("golden-" + fixture + "-" + format.flag());
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");

    List<GoldenInput.Sent> sent = GoldenInput.read(fx.inputCsv(), bundle, format).stream().filter(s -> s.value() != null).toList();
    Map<Long, Integer> lineByOffset = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (GoldenInput.Sent s : sent) {
      records.add(new ProducerRecord<>(in, s.key(), s.value()));
    }
    List<Long> offsets = kafka.send(in, records);
    for (int i = 0; i < offsets.size(); i++) {
      lineByOffset.put(offsets.get(i), sent.get(i).line());
    }

    List<String> args = new ArrayList<>(List.of("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--input-format", format.flag(), "--bounded",
        "--starting-offsets", "earliest", "--with-features", "--parallelism", "2", "--out-of-orderness", "5s",
        "--checkpoint-ms", "500"));
    args.addAll(kafka.clientArgs());
    StreamScoreJob.environment(StreamOptions.parse(args.toArray(String[]::new))).execute("golden " + fixture);

    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Map<Integer, String> expectedDead = new LinkedHashMap<>(fx.expectedDeadLetters());
    expectedDead.keySet().removeIf(line -> sent.stream().noneMatch(s -> s.line() == line));

    List<ConsumerRecord<byte[], byte[]>> predictions = kafka.readAll(out, expected.size(), Duration.ofSeconds(30));
    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(out + ".dlq", expectedDead.size(), Duration.ofSeconds(30));

    Schema schema = StreamHarness.predictionSchema(bundle, List.of(), true);
    Map<Integer, GenericRecord> byLine = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : predictions) {
      int line = lineByOffset.get(StreamHarness.sourceOffset(r));
      assertThat(byLine.put(line, StreamHarness.decode(schema, r.value()))).as("line %d predicted twice", line).isNull();
    }
    assertThat(byLine.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(SingleNodeReference.available()).as("jobs-batch/target/lockstep-jobs-batch.jar (run the reactor: mvn verify)").isTrue();
    Map<Integer, JsonNode> single = SingleNodeReference.predictionsByLine(fx, fixture);
    for (GoldenFixture.Expected e : expected.values()) {
      GenericRecord p = byLine.get(e.line());
      for (String field : e.predictions().keySet()) {
        if (p.get(field) instanceof Float f) {
          float l1 = (float) single.get(e.line()).get(field).asDouble();
          assertThat(Math.abs(f - l1)).as("line %d %s: flink %s vs single node %s", e.line(), field, f, l1)
              .isLessThanOrEqualTo(4 * Math.ulp(l1));
        }
      }
      @SuppressWarnings("unchecked")
      List<Float> features = (List<Float>) p.get("features");
      for (int c = 0; c < e.features().length; c++) {
        assertThat(features.get(c)).as("line %d feature %d", e.line(), c).isEqualTo(e.features()[c]);
      }
      for (String field : e.predictions().keySet()) {
        Object v = p.get(field);
        if (v instanceof Float f) {
          assertThat((double) f).as("line %d %s", e.line(), field).isCloseTo(e.prediction(field), within(1e-5));
        } else {
          assertThat(((Number) v).longValue()).as("line %d %s", e.line(), field).isEqualTo(Long.parseLong(e.predictions().get(field)));
        }
      }
      if (e.key() != null) {
        assertThat(p.get(bundle.spec().key()).toString()).isEqualTo(e.key());
      }
      assertThat(p.get("model").toString()).isEqualTo(bundle.id());
    }

    Map<Integer, String> deadByLine = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      JsonNode dl = StreamHarness.json(r.value());
      int line = lineByOffset.get(StreamHarness.sourceOffset(r));
      assertThat(dl.get("level").asText()).isEqualTo("flink");
      assertThat(dl.get("source").asText()).isEqualTo(in + "/0/" + StreamHarness.sourceOffset(r));
      assertThat(dl.get("original_encoding").asText()).isEqualTo("base64");
      assertThat(deadByLine.put(line, dl.get("reason").asText())).as("line %d dead-lettered twice", line).isNull();
    }
    assertThat(deadByLine).isEqualTo(expectedDead);
    assertThat(predictions.size() + dead.size()).isEqualTo(sent.size());
  }
}
