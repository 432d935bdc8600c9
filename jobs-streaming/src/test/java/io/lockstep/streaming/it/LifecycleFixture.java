package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.Sha256;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.lifecycle.ControlTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the lifecycle ITs share: the golden {@code lr} bundle (v1) and its candidate (v2, same spec,
 * other weights, made by {@code common/src/test/python/make_candidate.py}), their good input rows,
 * commands through the real {@link ControlClient}, and predictions checked against what
 * {@code lockstep score} gives for the version stamped on them.
 */
final class LifecycleFixture {
  static final GoldenFixture LR = GoldenFixture.of("lr");
  static final Path V1 = LR.bundle();
  static final Path V2 = LR.dir().resolve("candidate/bundle");
  static final String NAME = "golden-lr";
  static final String V1_ID = NAME + "@1";
  static final String V2_ID = NAME + "@2";
  static final Duration ANSWER = Duration.ofSeconds(90);

  private LifecycleFixture() {}

  /** A prediction with the input it came from. */
  record Scored(int partition, long offset, int line, String model, GenericRecord prediction) {}

  static List<GoldenInput.Sent> goodRows() throws IOException {
    Bundle b = BundleLoader.load(V1);
    return GoldenInput.read(LR.inputCsv(), b, InputFormat.AVRO).stream()
        .filter(s -> s.value() != null && LR.expected().containsKey(s.line())).toList();
  }

  static String sha(Path bundle) {
    try {
      return Sha256.of(bundle.resolve(Bundle.BUNDLE_YAML));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ControlCommand deploy(Path bundle, ControlCommand.Mode mode, Double percent) {
    return ControlCommand.deploy(NAME, bundle.toString(), sha(bundle), mode, percent);
  }

  static ControlClient.Answer send(KafkaBroker kafka, String controlTopic, ControlCommand c) {
    return new ControlClient(kafka.bootstrap(), controlTopic, kafka.clientSettings()).send(c, ANSWER);
  }

  /** Waits, bounded, until every one of {@code subtasks} answered {@code active} to command {@code id}; returns those answers. */
  static List<ControlStatus> awaitActive(KafkaBroker kafka, String controlTopic, String id, int subtasks) {
    List<ControlStatus> active = new ArrayList<>();
    Await.until(ANSWER, () -> {
      active.clear();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(ControlTopics.statusTopic(controlTopic), 0, Duration.ofSeconds(2))) {
        ControlStatus s = ControlStatus.parse(r.value());
        if (id.equals(s.id()) && s.status() == ControlStatus.State.ACTIVE) {
          active.add(s);
        }
      }
      return active.size() >= subtasks;
    }, subtasks + " subtasks answer active to " + id);
    return active;
  }

  /** Sends {@code rows} to partition {@code partition} in order; returns the line of each offset. */
  static Map<Long, Integer> send(KafkaBroker kafka, String topic, int partition, List<GoldenInput.Sent> rows) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (GoldenInput.Sent s : rows) {
      records.add(new ProducerRecord<>(topic, partition, s.key(), s.value()));
    }
    List<Long> offsets = kafka.send(topic, records);
    Map<Long, Integer> lines = new HashMap<>();
    for (int i = 0; i < offsets.size(); i++) {
      lines.put(offsets.get(i), rows.get(i).line());
    }
    return lines;
  }

  static List<Scored> decode(List<ConsumerRecord<byte[], byte[]>> predictions, Map<Integer, Map<Long, Integer>> lineByOffset) {
    Schema schema = StreamHarness.predictionSchema(BundleLoader.load(V1), List.of(), false);
    List<Scored> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : predictions) {
      Header h = r.headers().lastHeader(io.lockstep.streaming.kafka.OutRecordSerializer.SOURCE_HEADER);
      String[] source = new String(h.value(), java.nio.charset.StandardCharsets.UTF_8).split("/");
      int partition = Integer.parseInt(source[source.length - 2]);
      long offset = Long.parseLong(source[source.length - 1]);
      GenericRecord p = StreamHarness.decode(schema, r.value());
      out.add(new Scored(partition, offset, lineByOffset.get(partition).get(offset), p.get("model").toString(), p));
    }
    return out;
  }

  /** Each prediction's score and label equal what {@code lockstep score} gives with the version stamped on it. */
  static void assertScoresEqualSingleNode(List<Scored> scored) {
    assertThat(SingleNodeReference.available()).as("jobs-batch/target/lockstep-jobs-batch.jar (run the reactor: mvn verify)").isTrue();
    Map<String, Map<Integer, JsonNode>> l1 = Map.of(V1_ID, SingleNodeReference.predictionsByLine(LR, V1, "lr"),
        V2_ID, SingleNodeReference.predictionsByLine(LR, V2, "lr-v2"));
    for (Scored s : scored) {
      JsonNode ref = l1.get(s.model()).get(s.line());
      assertThat(ref).as("line %d has a single-node prediction", s.line()).isNotNull();
      float score = (Float) s.prediction().get("score");
      float expected = (float) ref.get("score").asDouble();
      assertThat(Math.abs(score - expected)).as("%s line %d score: flink %s vs single node %s", s.model(), s.line(), score, expected)
          .isLessThanOrEqualTo(4 * Math.ulp(expected));
      assertThat(((Number) s.prediction().get("label")).longValue()).as("%s line %d label", s.model(), s.line())
          .isEqualTo(ref.get("label").asLong());
    }
  }

  /**
   * A copy of v2 whose input.avsc has a new required field without a default: it cannot read the
   * records written with v1's schema. Its bundle.yaml lists the new file's sha256, so the bundle
   * itself is valid and only the compatibility check can refuse it.
   */
  static Path incompatibleSchemaBundle(Path dir) throws IOException {
    Path b = Files.createDirectories(dir.resolve("lr-incompatible"));
    for (String f : List.of(Bundle.FEATURES_YAML, Bundle.MODEL_ONNX)) {
      Files.copy(V2.resolve(f), b.resolve(f));
    }
    String avsc = Files.readString(V2.resolve(Bundle.INPUT_AVSC));
    String changed = avsc.replaceFirst("\"fields\"\\s*:\\s*\\[", "\"fields\": [{\"name\": \"region\", \"type\": \"string\"}, ");
    assertThat(changed).isNotEqualTo(avsc);
    Files.writeString(b.resolve(Bundle.INPUT_AVSC), changed);
    String yaml = Files.readString(V2.resolve(Bundle.BUNDLE_YAML))
        .replace(Sha256.of(V2.resolve(Bundle.INPUT_AVSC)), Sha256.of(b.resolve(Bundle.INPUT_AVSC)));
    Files.writeString(b.resolve(Bundle.BUNDLE_YAML), yaml);
    return b;
  }
}
