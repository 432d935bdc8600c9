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
    assertThat(lines.get(0)).isEqualTo("customer_id,score,label,model,scored_at,_source");
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

  /**
   * {@code tail} writes each prediction's input position ({@code _source}, {@code topic/partition/offset}
   * from the job's {@code lockstep.source} header), so {@code verify} joins the outputs of two jobs
   * on the same input topic by source position without a key: identical outputs (the second job
   * scores in batches of 7) give exit 0 with every row joined and the same dead letters; one
   * prediction missing on the right gives exit 2 naming its source.
   */
  @Test
  void tailWritesTheInputSourceSoVerifyJoinsTwoJobsByPositionWithoutAKey() throws Exception {
    assumeTrue(LockstepProcess.available(),
        "jobs-batch/target/lockstep-jobs-batch.jar not built (run the reactor: mvn verify)");
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("lr");
    String in = StreamHarness.topic("tail-source-in");
    kafka.createTopics(1, in, in + "-a", in + "-a.dlq", in + "-b", in + "-b.dlq");
    LockstepProcess produce = lockstep(tmp, List.of(), "produce", "--bootstrap", kafka.bootstrap(), "--topic", in, "--bundle",
        fx.bundle().toString(), "--input", fx.inputCsv().toString(), "--input-format", "json");
    assertThat(produce.code()).as(produce.err()).isZero();
    int good = fx.expected().size();
    Path a = scoreAndTail(kafka, fx, in, in + "-a", "256", good);
    Path b = scoreAndTail(kafka, fx, in, in + "-b", "7", good);

    List<String> sources = new ArrayList<>();
    for (String l : Files.readAllLines(a)) {
      sources.add(StreamHarness.json(l.getBytes(StandardCharsets.UTF_8)).path("_source").asText());
    }
    assertThat(sources).hasSize(good).doesNotHaveDuplicates().allMatch(src -> src.matches(java.util.regex.Pattern.quote(in) + "/0/\\d+"));
    long dead = Files.readAllLines(Path.of(a + ".deadletter.jsonl")).size();
    assertThat(dead).as("the rows the job dead-letters").isPositive();

    Path json = tmp.resolve("report.json");
    LockstepProcess verify = lockstep(tmp, List.of(), "verify", "--left", a.toString(), "--right", b.toString(), "--json", json.toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    JsonNode r = StreamHarness.json(Files.readAllBytes(json));
    assertThat(r.path("join").asText()).startsWith("source");
    assertThat(r.path("joined").asLong()).isEqualTo(good);
    assertThat(r.path("only_left").path("count").asLong()).isZero();
    assertThat(r.path("dead_letters").path("left").asLong()).isEqualTo(dead);
    assertThat(r.path("dead_letters").path("right").asLong()).isEqualTo(dead);

    List<String> right = new ArrayList<>(Files.readAllLines(b));
    String removed = StreamHarness.json(right.remove(17).getBytes(StandardCharsets.UTF_8)).path("_source").asText();
    Files.write(b, right);
    verify = lockstep(tmp, List.of(), "verify", "--left", a.toString(), "--right", b.toString(), "--json", json.toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(2);
    r = StreamHarness.json(Files.readAllBytes(json));
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("only_left");
    assertThat(r.path("verdict").path("message").asText()).contains(removed);
  }

  /** Scores {@code in} into {@code out} (bounded) and tails predictions to {@code out.jsonl}, dead letters beside it. */
  private Path scoreAndTail(KafkaBroker kafka, GoldenFixture fx, String in, String out, String batchSize, int good) throws Exception {
    StreamScoreJob.environment(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--bounded", "--starting-offsets", "earliest", "--batch-size", batchSize,
        "--input-format", "json")).execute(out);
    Path file = tmp.resolve(out + ".jsonl");
    LockstepProcess tail = lockstep(tmp, List.of(), "tail", "--bootstrap", kafka.bootstrap(), "--topic", out, "--from-beginning",
        "--max", Integer.toString(good), "--idle", "20", "--output", file.toString());
    assertThat(tail.code()).as(tail.err()).isZero();
    LockstepProcess tailDead = lockstep(tmp, List.of(), "tail", "--bootstrap", kafka.bootstrap(), "--topic", out + ".dlq",
        "--from-beginning", "--idle", "3", "--output", file + ".deadletter.jsonl");
    assertThat(tailDead.code()).as(tailDead.err()).isZero();
    return file;
  }

  /** Runs {@code bin/lockstep ARGS CLIENT_ARGS} (the broker's {@code --kafka-config} when secured). */
  static LockstepProcess lockstep(Path tmp, List<String> clientArgs, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(clientArgs);
    return LockstepProcess.run(tmp, all.toArray(String[]::new));
  }
}
