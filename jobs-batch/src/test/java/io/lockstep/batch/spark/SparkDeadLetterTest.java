package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.batch.local.HostileInputs;
import io.lockstep.golden.GoldenFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Level 2 (Spark local): the same dead-letter cap and budget as single node, set by the same flags. */
class SparkDeadLetterTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkDeadLetterTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private SparkScoreOptions options(Path in, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("--bundle", GoldenFixture.of("lr").bundle().toString(),
        "--input", in.toString(), "--output", out.toString()));
    args.addAll(List.of(extra));
    return SparkScoreOptions.parse(args.toArray(String[]::new));
  }

  @Test
  void hugeRowsAreDeadLetteredOnceTruncatedToTheCapWithTheirSizeAndTheRunGoesOn() throws Exception {
    List<String> good = HostileInputs.goodLines(4);
    String huge = HostileInputs.hugeUndecodableRow(900_000);
    String small = HostileInputs.hugeUndecodableRow(50);
    Path in = Files.write(tmp.resolve("in.csv"),
        List.of(HostileInputs.header(), good.get(0), huge, good.get(1), good.get(2), small, good.get(3)));
    Path out = tmp.resolve("out.jsonl");

    SparkScoreJob.Result r = SparkScoreJob.run(spark, options(in, out, "--dead-letter-max-original", "10000"));

    assertThat(r.counts().read()).isEqualTo(6);
    assertThat(r.counts().scored()).isEqualTo(4);
    assertThat(LocalSpark.readJsonDir(out)).hasSize(4);
    List<JsonNode> dead = LocalSpark.readJsonDir(Path.of(r.deadLetters()));
    assertThat(dead).hasSize(2);
    JsonNode big = dead.stream().filter(d -> d.get("source").asText().equals("in.csv:3")).findFirst().orElseThrow();
    assertThat(big.get("level").asText()).isEqualTo("spark");
    assertThat(big.get("reason").asText()).isEqualTo("decode:tenure_months");
    assertThat(big.get("key").asText()).isEqualTo("C999999");
    assertThat(big.get("original").asText()).isEqualTo(huge.substring(0, 10_000));
    assertThat(big.get("original_truncated").asBoolean()).isTrue();
    assertThat(big.get("original_bytes").asLong()).isEqualTo(huge.getBytes(StandardCharsets.UTF_8).length);
    JsonNode whole = dead.stream().filter(d -> d.get("source").asText().equals("in.csv:6")).findFirst().orElseThrow();
    assertThat(whole.get("original").asText()).isEqualTo(small);
    assertThat(whole.has("original_truncated")).isFalse();
  }

  @Test
  void exceedingTheDeadLetterBudgetFailsTheJobWithTheBudgetMessage() throws Exception {
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 20);
    Throwable t = catchThrowable(() -> SparkScoreJob.run(spark,
        options(in, tmp.resolve("out.csv"), "--max-dead-fraction", "0.25", "--min-records", "20")));
    assertThat(t).isNotNull();
    assertThat(io.lockstep.batch.BatchScoreJobAccess.budgetExceeded(t)).isTrue();
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertThat(root.getMessage()).startsWith("dead-letter budget exceeded:").contains("--max-dead-fraction 0.25")
        .contains("decode:tenure_months");
  }

  @Test
  void aRunWithinItsBudgetFinishes() throws Exception {
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 5);
    SparkScoreJob.Result r = SparkScoreJob.run(spark,
        options(in, tmp.resolve("ok.csv"), "--max-dead-fraction", "0.25", "--min-records", "20"));
    assertThat(r.counts().scored()).isEqualTo(30);
    assertThat(r.counts().dead()).isEqualTo(5);
  }

  @Test
  void aModelThatCannotRunFailsTheJobWithOneClearMessage() throws Exception {
    Path bundle = io.lockstep.golden.ModelCannotRunBundle.write(tmp.resolve("broken"));
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 0);
    Throwable t = catchThrowable(() -> SparkScoreJob.run(spark, SparkScoreOptions.parse("--bundle", bundle.toString(),
        "--input", in.toString(), "--output", tmp.resolve("broken-out.csv").toString())));
    assertThat(t).isNotNull();
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertThat(root).isInstanceOf(io.lockstep.score.ModelCannotRun.class);
    assertThat(root.getMessage()).startsWith("the model cannot run:").contains("Reshape");
  }

  @Test
  void finalCheckCatchesABudgetThatNoSinglePartitionReached() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("parts"));
    for (int i = 0; i < 4; i++) {
      HostileInputs.mixed(dir.resolve("p" + i + ".csv"), 5, 5);     // 10 rows each: below --min-records per task
    }
    Throwable t = catchThrowable(() -> SparkScoreJob.run(spark, SparkScoreOptions.parse("--bundle",
        GoldenFixture.of("lr").bundle().toString(), "--input", dir.toString(), "--input-format", "csv",
        "--output", tmp.resolve("parts-out.csv").toString(), "--max-dead-fraction", "0.3", "--min-records", "25")));
    assertThat(t).isNotNull();
    assertThat(io.lockstep.batch.BatchScoreJobAccess.budgetExceeded(t)).isTrue();
  }
}
