package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.batch.cli.LockstepCli;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code lockstep verify} of level 1 against level 2 for every golden fixture: the single-node file
 * ({@code --emit-source}) and the Spark output directory ({@code --emit-features}) join by source
 * position and are identical within 4 ulp with the same dead letters (exit 0); a Spark output with
 * one part file's row removed gives exit 2 naming its source.
 */
class SparkVerifyParityTest {
  static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkVerifyParityTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static List<String> fixtures() {
    return GoldenFixture.ALL;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void singleNodeAndSparkOutputsVerifyIdentical(String name) throws Exception {
    GoldenFixture fx = GoldenFixture.of(name);
    Path single = tmp.resolve(name + "-single.jsonl");
    SingleNodeRunner l1 = new SingleNodeRunner(ScoreOptions.of(fx.bundle(), fx.inputCsv(), single, List.of(), 64, 1), null).emitSource(true);
    l1.run();
    Path sparkOut = tmp.resolve(name + "-spark");
    Path sparkMetrics = tmp.resolve(name + "-spark-metrics.json");
    SparkScoreJob.run(spark, new SparkScoreOptions(fx.bundle().toString(), fx.inputCsv().toString(), sparkOut.toString(), List.of(),
        32, FileFormat.CSV, FileFormat.JSONL, 0, true, null, sparkMetrics.toString(), false));

    // --metrics-json: the same counters at both levels
    JsonNode m1 = l1.metrics().toJson(1.0, null);
    JsonNode m2 = LocalSpark.JSON.readTree(sparkMetrics.toFile());
    assertThat(m2.path("level").asText()).isEqualTo("spark");
    for (String field : List.of("model", "records_in", "scored", "dead", "dead_by_reason_kind")) {
      assertThat(m2.get(field).toString()).as(field).isEqualTo(m1.get(field).toString());
    }
    assertThat(m2.path("records_in").asLong()).isEqualTo(fx.expected().size() + fx.expectedDeadLetters().size());
    assertThat(m2.path("batch_size").path("max").asLong()).isBetween(1L, 32L);
    assertThat(m2.path("batch_size").path("mean").asDouble() * m2.path("batch_size").path("batches").asLong())
        .as("every scored row went through one ONNX call").isCloseTo(fx.expected().size(), org.assertj.core.data.Offset.offset(1e-6));

    Path json = tmp.resolve(name + "-report.json");
    assertThat(LockstepCli.execute("verify", "--left", single.toString(), "--right", sparkOut.toString(), "--json", json.toString()))
        .isZero();
    JsonNode r = LocalSpark.JSON.readTree(json.toFile());
    int good = fx.expected().size();
    int bad = fx.expectedDeadLetters().size();
    assertThat(r.path("join").asText()).startsWith("source");
    assertThat(r.path("rows_left").asLong()).isEqualTo(good);
    assertThat(r.path("rows_right").asLong()).isEqualTo(good);
    assertThat(r.path("joined").asLong()).isEqualTo(good);
    assertThat(r.path("dead_letters").path("left").asLong()).isEqualTo(bad);
    assertThat(r.path("dead_letters").path("right").asLong()).isEqualTo(bad);
    assertThat(r.path("score_diff").path("beyond_tolerance").asLong()).isZero();
    assertThat(r.path("score_diff").path("compared").asLong()).as("one score per row at least").isGreaterThanOrEqualTo(good);
    assertThat(r.path("label_flips").path("count").asLong()).isZero();
    assertThat(r.path("verdict").path("pass").asBoolean()).isTrue();

    // remove one prediction from a Spark part file: exit 2, naming the row's source
    Path part = LocalSpark.parts(sparkOut).get(0);
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(part));
    String source = LocalSpark.JSON.readTree(lines.remove(0)).get("_source").asText();
    Files.write(part, lines);
    assertThat(LockstepCli.execute("verify", "--left", single.toString(), "--right", sparkOut.toString(), "--json", json.toString()))
        .isEqualTo(2);
    r = LocalSpark.JSON.readTree(json.toFile());
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("only_left");
    assertThat(r.path("verdict").path("message").asText()).contains(source);
  }

  /**
   * docs/spec.md, Drift: "the batch levels print the same PSI table". The profile is of the first 100
   * rows of the golden lr input, the runs score all of it, so the PSIs are not all zero; level 1's
   * summary (what {@code lockstep score} prints) and Spark's, over the same rows in two files, must be the same lines, and
   * {@code drift_psi} in both {@code --metrics-json} files the same values.
   */
  @org.junit.jupiter.api.Test
  void singleNodeAndSparkPrintTheSamePsiTableAgainstTheProfile() throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path head = tmp.resolve("psi-head.csv");
    Files.write(head, Files.readAllLines(fx.inputCsv()).subList(0, 101));
    Path profile = tmp.resolve("psi-profile.json");
    assertThat(LockstepCli.execute("profile", "--bundle", fx.bundle().toString(), "--input", head.toString(), "--out",
        profile.toString())).isZero();
    Path b = fx.bundle();
    Path profiled = tmp.resolve("psi-bundle");
    assertThat(LockstepCli.execute("bundle", "--spec", b.resolve("features.yaml").toString(), "--schema",
        b.resolve("input.avsc").toString(), "--model", b.resolve("model.onnx").toString(), "--profile", profile.toString(),
        "--name", "lr", "--version", "2", "--out", profiled.toString())).isZero();

    Path m1 = tmp.resolve("psi-single-metrics.json");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(LockstepCli.execute("score", "--bundle", profiled.toString(), "--input", fx.inputCsv().toString(), "--output",
          tmp.resolve("psi-single.jsonl").toString(), "--metrics-json", m1.toString())).isZero();
    } finally {
      System.setOut(stdout);
    }
    List<String> singleTable = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .dropWhile(l -> !l.startsWith("PSI against")).takeWhile(l -> !l.startsWith("predictions:")).toList();

    // Spark reads the same rows as two files, so two tasks count and the driver sums their bins
    List<String> lines = Files.readAllLines(fx.inputCsv());
    Path split = Files.createDirectories(tmp.resolve("psi-split"));
    Files.write(split.resolve("a.csv"), lines.subList(0, 107));
    List<String> rest = new java.util.ArrayList<>(List.of(lines.get(0)));
    rest.addAll(lines.subList(107, lines.size()));
    Files.write(split.resolve("b.csv"), rest);
    Path m2 = tmp.resolve("psi-spark-metrics.json");
    SparkScoreJob.Result l2 = SparkScoreJob.run(spark, new SparkScoreOptions(profiled.toString(), split.toString(),
        tmp.resolve("psi-spark").toString(), List.of(), 32, FileFormat.CSV, FileFormat.JSONL, 3, false, null, m2.toString(), false));

    assertThat(l2.readTasks()).as("tasks whose drift counts the driver sums").isGreaterThan(1);
    assertThat(singleTable).as("level 1 prints a header and one line per profiled column").hasSize(16);
    assertThat(l2.driftTable()).isEqualTo(singleTable);
    JsonNode psi1 = LocalSpark.JSON.readTree(m1.toFile()).path("drift_psi");
    JsonNode psi2 = LocalSpark.JSON.readTree(m2.toFile()).path("drift_psi");
    assertThat(psi1.size()).isEqualTo(15);
    assertThat(psi2).isEqualTo(psi1);
    List<Double> values = new java.util.ArrayList<>();
    psi1.forEach(v -> values.add(v.asDouble()));
    assertThat(values).as("the full input differs from its first 100 rows").anyMatch(v -> v > 0);
  }
}
