package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar on a real Spark standalone cluster (master + worker from deploy/spark, executors in
 * their own JVMs), submitted with deploy/bin/spark-submit and no {@code --class}: the jar's
 * Main-Class is the job. Own run directory and non-default ports, so a developer's cluster on 7077
 * is left alone; the cluster is stopped whatever happens.
 */
class SparkClusterIT {
  static final Path ROOT = Path.of(System.getProperty("lockstep.root", "..")).toAbsolutePath().normalize();
  static final Path JAR = Path.of(System.getProperty("lockstep.jar", "target/lockstep-jobs-batch.jar")).toAbsolutePath();
  static final Path WORK = ROOT.resolve("jobs-batch/target/spark-cluster-it");
  static final Map<String, String> ENV = Map.of(
      "LOCKSTEP_RUN_DIR", WORK.resolve("run").toString(),
      "SPARK_MASTER_PORT", "17177",
      "SPARK_MASTER_WEBUI_PORT", "18180",
      "SPARK_WORKER_WEBUI_PORT", "18181",
      "SPARK_WORKER_MEMORY", "2g",
      "SPARK_LOCAL_IP", "127.0.0.1");
  static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(WORK);
    Run start = run(List.of(ROOT.resolve("deploy/spark/start-cluster.sh").toString()), 300);
    assertThat(start.exit).as("start-cluster.sh: %s", start.output).isZero();
    List<String> lines = start.stdout.lines().toList();
    master = lines.get(lines.size() - 1).trim();
    assertThat(master).isEqualTo("spark://127.0.0.1:17177");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Run stop = run(List.of(ROOT.resolve("deploy/spark/stop-cluster.sh").toString()), 120);
    assertThat(stop.exit).as("stop-cluster.sh: %s", stop.output).isZero();
  }

  @Test
  void shadedJarScoresTheChurnExampleOnTheClusterWithDeadLetters() throws Exception {
    Path out = WORK.resolve("churn.jsonl");
    Run job = submit("--bundle", ROOT.resolve("examples/churn/bundle").toString(),
        "--input", ROOT.resolve("examples/churn/events.csv").toString(), "--output", out.toString(), "--keep", "country");
    assertThat(job.exit).as(job.output).isZero();
    assertThat(job.stdout).contains("lockstep spark: read 5006, scored 5000, dead-lettered 6");
    List<JsonNode> predictions = LocalSpark.readJsonDir(out);
    assertThat(predictions).hasSize(5000);
    assertThat(predictions.get(0).fieldNames()).toIterable().containsExactly("customer_id", "country", "score", "label", "model");
    assertThat(LocalSpark.readJsonDir(Path.of(out + "_deadletter"))).hasSize(6)
        .allSatisfy(d -> assertThat(d.get("level").asText()).isEqualTo("spark"));
    assertThat(out.resolve("_schema.avsc")).exists();
  }

  @Test
  void windowFeaturesBackfillOnTheClusterRejectsExactlyTheGoldenBadRows() throws Exception {
    Path fixture = ROOT.resolve("common/src/test/resources/golden/windows");
    Path out = WORK.resolve("windows.parquet");
    Run job = submit("--bundle", fixture.resolve("bundle").toString(), "--input", fixture.resolve("input.csv").toString(),
        "--output", out.toString(), "--shuffle-partitions", "4");
    assertThat(job.exit).as(job.output).isZero();
    long good = Files.readAllLines(fixture.resolve("expected.csv")).size() - 1;
    Map<Integer, String> expectedDead = new TreeMap<>();
    List<String> expectedLines = Files.readAllLines(fixture.resolve("expected_deadletters.csv"));
    for (String l : expectedLines.subList(1, expectedLines.size())) {
      String[] cells = l.split(",", 2);
      expectedDead.put(Integer.parseInt(cells[0]), cells[1]);
    }
    Map<Integer, String> dead = new TreeMap<>();
    for (JsonNode d : LocalSpark.readJsonDir(Path.of(out + "_deadletter"))) {
      dead.put(LocalSpark.line(d.get("source").asText()), d.get("reason").asText());
    }
    assertThat(dead).isEqualTo(expectedDead);
    assertThat(job.stdout).contains("scored " + good + ", dead-lettered " + expectedDead.size());
    assertThat(LocalSpark.parts(out)).isNotEmpty();
  }

  @Test
  void badFlagsExitTwoAndAMissingInputExitsOneWithAOneLineCause() throws Exception {
    Run noBundle = submitTo("local[1]", "--input", "a.csv", "--output", WORK.resolve("x.csv").toString());
    assertThat(noBundle.exit).as(noBundle.output).isEqualTo(2);
    assertThat(noBundle.output).contains("lockstep spark: Missing required option: '--bundle");

    Path missing = WORK.resolve("no-such-input.csv");
    Run noInput = submitTo("local[1]", "--bundle", ROOT.resolve("examples/churn/bundle").toString(),
        "--input", missing.toString(), "--output", WORK.resolve("y.parquet").toString());
    assertThat(noInput.exit).as(noInput.output).isEqualTo(1);
    assertThat(noInput.output).contains("lockstep spark: " + missing + ": no such input file or directory");
  }

  private static Run submit(String... jobArgs) throws Exception {
    return submitTo(master, jobArgs);
  }

  private static Run submitTo(String master, String... jobArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("deploy/bin/spark-submit").toString(), "--master", master,
        "--conf", "spark.ui.enabled=false", "--executor-memory", "1g", "--total-executor-cores", "2", JAR.toString()));
    cmd.addAll(List.of(jobArgs));
    return run(cmd, 300);
  }

  record Run(int exit, String stdout, String output) {}

  private static Run run(List<String> cmd, long timeoutSeconds) throws Exception {
    Path stdout = Files.createTempFile(WORK, "stdout", ".txt");
    Path stderr = Files.createTempFile(WORK, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().putAll(ENV);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(cmd.get(0) + " did not finish in " + timeoutSeconds + " s; stderr: " + tail(stderr));
    }
    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    return new Run(p.exitValue(), out, "stdout:\n" + out + "\nstderr (tail):\n" + tail(stderr));
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 100), lines.size()));
  }
}
