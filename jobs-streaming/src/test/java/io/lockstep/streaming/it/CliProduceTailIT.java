package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path end to end: {@code bin/lockstep produce} a golden CSV as Avro, the streaming job
 * scores it, {@code bin/lockstep tail} prints predictions as CSV and dead letters as JSON lines.
 * Runs the real CLI jar (built by jobs-batch earlier in the reactor; skipped if it is missing).
 */
class CliProduceTailIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  @TempDir
  Path tmp;

  @Test
  void produceScoreAndTailRoundTripTheGoldenRows() throws Exception {
    check(KafkaBroker.shared(), tmp);
  }

  /** The whole round trip against {@code kafka} (plaintext here, SASL_SSL in {@link SecuredKafkaIT}). */
  static void check(KafkaBroker kafka, Path tmp) throws Exception {
    assumeTrue(LockstepProcess.available(),
        "jobs-batch/target/lockstep-jobs-batch.jar not built (run the reactor: mvn verify)");
    GoldenFixture fx = GoldenFixture.of("lr");
    String in = StreamHarness.topic("cli-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");

    LockstepProcess produce = lockstep(tmp, kafka.clientArgs(), "produce", "--bootstrap", kafka.bootstrap(), "--topic", in, "--bundle", fx.bundle().toString(),
        "--input", fx.inputCsv().toString(), "--input-format", "avro");
    assertThat(produce.code()).as(produce.err()).isZero();
    assertThat(produce.out()).contains("lockstep produce: sent ");
    assertThat(produce.err()).contains("decode:monthly_charges").contains("not sent");

    List<String> args = new ArrayList<>(List.of("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--bounded", "--starting-offsets", "earliest"));
    args.addAll(kafka.clientArgs());
    StreamScoreJob.environment(StreamOptions.parse(args.toArray(String[]::new))).execute("cli");

    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Path csv = tmp.resolve("predictions.csv");
    LockstepProcess tail = lockstep(tmp, kafka.clientArgs(), "tail", "--bootstrap", kafka.bootstrap(), "--topic", out, "--from-beginning",
        "--max", Integer.toString(expected.size()), "--idle", "20", "--format", "csv", "--output", csv.toString());
    // no --bundle: the flags of docs/spec.md (CLI) suffice, tail reads the schema the job published on <topic>.schema
    assertThat(tail.code()).as(tail.err()).isZero();
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("customer_id,score,label,model,scored_at");
    assertThat(lines).hasSize(expected.size() + 1);
    Map<String, GoldenFixture.Expected> byKey = new HashMap<>();
    expected.values().forEach(e -> byKey.put(e.key(), e));
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      GoldenFixture.Expected e = byKey.get(c[0]);
      assertThat(Double.parseDouble(c[1])).as(line).isCloseTo(e.prediction("score"), within(1e-5));
      assertThat(c[2]).isEqualTo(e.predictions().get("label"));
    }

    Path dead = tmp.resolve("dead.jsonl");
    LockstepProcess tailDead = lockstep(tmp, kafka.clientArgs(), "tail", "--bootstrap", kafka.bootstrap(), "--topic", out + ".dlq", "--from-beginning",
        "--idle", "3", "--output", dead.toString());
    assertThat(tailDead.code()).as(tailDead.err()).isZero();
    List<String> reasons = new ArrayList<>();
    for (String l : Files.readAllLines(dead)) {
      JsonNode n = StreamHarness.json(l.getBytes(StandardCharsets.UTF_8));
      reasons.add(n.get("reason").asText());
    }
    List<String> expectedReasons = fx.expectedDeadLetters().values().stream()
        .filter(r -> r.startsWith("missing:") || r.startsWith("nan:")).toList();
    assertThat(reasons).containsExactlyInAnyOrderElementsOf(expectedReasons);
  }

  /** Runs {@code bin/lockstep ARGS CLIENT_ARGS} (the broker's {@code --kafka-config} when secured). */
  static LockstepProcess lockstep(Path tmp, List<String> clientArgs, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(clientArgs);
    return LockstepProcess.run(tmp, all.toArray(String[]::new));
  }
}
