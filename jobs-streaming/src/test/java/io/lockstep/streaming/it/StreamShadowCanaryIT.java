package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.lifecycle.CanaryRouter;
import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.Divergence;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (c) and (d), then promote, in one job (restarted once from a savepoint):
 * <ul>
 *   <li>(c) v2 as shadow: every record is scored by both; the candidate's predictions go to
 *       {@code <output>.shadow} (schema on {@code <output>.shadow.schema}); the divergence summary
 *       equals the offline twin's, {@code lockstep score --shadow}, on the same records (issue 13 (g)'s link);</li>
 *   <li>(d) v2 as a 10% canary over 20,000 keys: 10% ± 1.5% of keys go to v2, each key to the arm
 *       {@link CanaryRouter} names, and to the same arm after a stop with savepoint and restore;</li>
 *   <li>promote: v2 scores everything.</li>
 * </ul>
 * One input partition: the whole shadow run lands in one subtask's divergence window.
 */
class StreamShadowCanaryIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();
  static final int KEYS = 20_000;

  @TempDir
  Path savepoints;

  @TempDir
  Path work;

  @Test
  void shadowDivergenceEqualsOfflineAndACanaryKeepsEachKeyInItsArmAcrossARestart() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String in = StreamHarness.topic("shadow-in");
    String out = in + "-predictions";
    String control = in + "-control";
    kafka.createTopics(1, in, out, out + ".dlq", out + ".shadow");
    List<GoldenInput.Sent> rows = LifecycleFixture.goodRows();
    List<String> args = new ArrayList<>(List.of("--bundle", LifecycleFixture.V1.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--control-topic", control, "--starting-offsets", "earliest",
        "--parallelism", "2", "--checkpoint-ms", "1000", "--shadow-stats-records", "1000000", "--shadow-stats-window", "1h"));
    args.addAll(kafka.clientArgs());
    JobClient job = StreamScoreJob.start(StreamOptions.parse(args.toArray(String[]::new)));
    try {
      // (c) shadow
      ControlCommand shadow = LifecycleFixture.deploy(LifecycleFixture.V2, ControlCommand.Mode.SHADOW, null);
      assertThat(LifecycleFixture.send(kafka, control, shadow).outcome()).isEqualTo(ControlClient.Outcome.ACCEPTED);
      LifecycleFixture.awaitActive(kafka, control, shadow.id(), 2);
      Map<Long, Integer> lines = new HashMap<>();
      lines.putAll(LifecycleFixture.send(kafka, in, 0, rows));
      int shadowed = lines.size();
      List<LifecycleFixture.Scored> primary = LifecycleFixture.decode(kafka.readAll(out, shadowed, Duration.ofSeconds(120)), Map.of(0, lines));
      List<LifecycleFixture.Scored> candidate = LifecycleFixture.decode(kafka.readAll(out + ".shadow", shadowed, Duration.ofSeconds(60)), Map.of(0, lines));
      assertThat(primary).hasSize(shadowed).allSatisfy(s -> assertThat(s.model()).isEqualTo(LifecycleFixture.V1_ID));
      assertThat(candidate).hasSize(shadowed).allSatisfy(s -> assertThat(s.model()).isEqualTo(LifecycleFixture.V2_ID));
      LifecycleFixture.assertScoresEqualSingleNode(candidate);
      assertThat(kafka.readAll(out + ".shadow.schema", 1, Duration.ofSeconds(10))).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly(new String(kafka.readAll(out + ".schema", 1, Duration.ofSeconds(10)).get(0).value(), StandardCharsets.UTF_8));

      // (d) canary: replacing the shadow closes its divergence window
      ControlCommand canary = LifecycleFixture.deploy(LifecycleFixture.V2, ControlCommand.Mode.CANARY, 10.0);
      assertThat(LifecycleFixture.send(kafka, control, canary).outcome()).isEqualTo(ControlClient.Outcome.ACCEPTED);
      LifecycleFixture.awaitActive(kafka, control, canary.id(), 2);
      List<ConsumerRecord<byte[], byte[]>> stats = kafka.readAll(out + ".shadow-stats", 1, Duration.ofSeconds(60));
      assertThat(stats).as("one subtask read the partition: one window").hasSize(1);
      Divergence.Summary streamed = Divergence.Summary.parse(stats.get(0).value());
      assertThat(streamed.windowStart()).isNotNull();
      assertThat(SingleNodeReference.available()).as("jobs-batch/target/lockstep-jobs-batch.jar (run the reactor: mvn verify)").isTrue();
      assertThat(streamed.withoutWindow()).as("streamed vs lockstep score --shadow").isEqualTo(offline().withoutWindow());

      Bundle v1 = BundleLoader.load(LifecycleFixture.V1);
      int base = shadowed;
      Map<String, String> firstArms = arms(kafka, out, sendKeys(kafka, in, v1), base, KEYS);
      CanaryRouter router = new CanaryRouter(10.0);
      long toCandidate = firstArms.values().stream().filter(LifecycleFixture.V2_ID::equals).count();
      assertThat(toCandidate / (double) KEYS).as("share of keys on the canary").isCloseTo(0.10, within(0.015));
      firstArms.forEach((key, model) -> assertThat(model).as(key).isEqualTo(router.toCandidate(key) ? LifecycleFixture.V2_ID : LifecycleFixture.V1_ID));

      String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
          .get(120, java.util.concurrent.TimeUnit.SECONDS);
      List<String> resumed = new ArrayList<>(args);
      resumed.addAll(List.of("--from-savepoint", savepoint));
      job = StreamScoreJob.start(StreamOptions.parse(resumed.toArray(String[]::new)));
      Map<String, String> secondArms = arms(kafka, out, sendKeys(kafka, in, v1), base + KEYS, KEYS);
      assertThat(secondArms).as("every key in the same arm after the restore").isEqualTo(firstArms);

      // promote: v2 for every key
      ControlCommand promote = ControlCommand.of(LifecycleFixture.NAME, ControlCommand.Kind.PROMOTE);
      assertThat(LifecycleFixture.send(kafka, control, promote).outcome()).isEqualTo(ControlClient.Outcome.ACCEPTED);
      LifecycleFixture.awaitActive(kafka, control, promote.id(), 2);
      Map<Long, Integer> after = LifecycleFixture.send(kafka, in, 0, rows);
      List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(out, base + 2 * KEYS + after.size(), Duration.ofSeconds(120));
      assertThat(all).hasSize(base + 2 * KEYS + after.size());
      Map<Long, Integer> promoted = new HashMap<>(after);
      List<LifecycleFixture.Scored> last = LifecycleFixture.decode(all.stream().filter(r -> after.containsKey(StreamHarness.sourceOffset(r))).toList(),
          Map.of(0, promoted));
      assertThat(last).hasSize(after.size()).allSatisfy(s -> assertThat(s.model()).isEqualTo(LifecycleFixture.V2_ID));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * The offline twin on the same records: {@code lockstep score --bundle v1 --shadow v2} over the
   * fixture's input.csv (whose good rows the stream got, once each), its {@code .shadow-stats.json}.
   */
  private Divergence.Summary offline() throws Exception {
    Path output = work.resolve("offline/predictions.jsonl");
    java.nio.file.Files.createDirectories(output.getParent());
    ProcessBuilder pb = new ProcessBuilder(KafkaBroker.repo().resolve("bin/lockstep").toString(), "score",
        "--bundle", LifecycleFixture.V1.toString(), "--shadow", LifecycleFixture.V2.toString(),
        "--input", LifecycleFixture.LR.inputCsv().toString(), "--output", output.toString());
    pb.environment().put("LOCKSTEP_JAVA_OPTS", "-Xmx512m");
    pb.redirectErrorStream(true).redirectOutput(work.resolve("offline/score.log").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("lockstep score --shadow within 180 s").isTrue();
    assertThat(p.exitValue()).as(java.nio.file.Files.readString(work.resolve("offline/score.log"))).isZero();
    return Divergence.Summary.parse(java.nio.file.Files.readAllBytes(output.resolveSibling(output.getFileName() + ".shadow-stats.json")));
  }

  /** Sends one record per key {@code K0..K19999} (key = customer_id = Kafka key); returns the offset of each key's record. */
  private static Map<Long, String> sendKeys(KafkaBroker kafka, String in, Bundle v1) {
    AvroCodec codec = new AvroCodec(v1.inputSchema());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "K" + i;
      records.add(new ProducerRecord<>(in, 0, key.getBytes(StandardCharsets.UTF_8),
          codec.binary(StreamDeadLetterIT.customer(v1.inputSchema(), key, 20.0 + i % 50, 100.0 + i))));
    }
    List<Long> offsets = kafka.send(in, records);
    Map<Long, String> keyByOffset = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      keyByOffset.put(offsets.get(i), "K" + i);
    }
    return keyByOffset;
  }

  /** The model that scored each key's record, once all {@code expectedTotal = before + keys} predictions are there. */
  private static Map<String, String> arms(KafkaBroker kafka, String out, Map<Long, String> keyByOffset, int before, int keys) {
    org.apache.avro.Schema schema = StreamHarness.predictionSchema(BundleLoader.load(LifecycleFixture.V1), List.of(), false);
    Map<String, String> arm = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(out, before + keys, Duration.ofSeconds(180))) {
      String key = keyByOffset.get(StreamHarness.sourceOffset(r));
      if (key != null) {
        assertThat(arm.put(key, StreamHarness.decode(schema, r.value()).get("model").toString())).as("%s scored once", key).isNull();
      }
    }
    assertThat(arm).hasSize(keys);
    return arm;
  }
}
