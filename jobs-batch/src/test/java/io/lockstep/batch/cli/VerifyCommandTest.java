package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep verify}, {@code profile}, {@code bundle --profile} and {@code score --metrics-json}
 * on the golden fixtures: exit codes, the JSON report's fields and what the verdict names.
 * Expectations come from the golden files (computed by the Python oracle), not from Lockstep.
 */
class VerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private Path score(String name, int batchSize, String... extra) {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path output = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("score", "--bundle", fx.bundle().toString(), "--input", fx.inputCsv().toString(),
        "--output", output.toString(), "--batch-size", "" + batchSize));
    args.addAll(List.of(extra));
    assertThat(LockstepCli.execute(args.toArray(String[]::new))).isZero();
    return output;
  }

  private JsonNode verify(int expectedExit, String... args) throws IOException {
    Path json = tmp.resolve("report-" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of("verify", "--json", json.toString()));
    all.addAll(List.of(args));
    assertThat(LockstepCli.execute(all.toArray(String[]::new))).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
    return JSON.readTree(json.toFile());
  }

  @Test
  void twoRunsWithOtherBatchSizesAreIdenticalAndTheReportHasEveryField() throws IOException {
    Path left = score("left/p.jsonl", 512, "--emit-source");
    Path right = score("right/p.csv", 7, "--emit-source");
    Path html = tmp.resolve("report.html");
    JsonNode r = verify(0, "--left", left.toString(), "--right", right.toString(), "--report", html.toString());
    GoldenFixture fx = GoldenFixture.of("lr");
    int good = fx.expected().size();
    assertThat(r.fieldNames()).toIterable().contains("rows_left", "rows_right", "only_left", "only_right", "dead_letters",
        "score_diff", "label_flips", "psi_score", "top_keys", "verdict");
    assertThat(r.path("rows_left").asLong()).isEqualTo(good);
    assertThat(r.path("rows_right").asLong()).isEqualTo(good);
    assertThat(r.path("joined").asLong()).isEqualTo(good);
    assertThat(r.path("dead_letters").path("left").asLong()).isEqualTo(fx.expectedDeadLetters().size());
    assertThat(r.path("dead_letters").path("right").asLong()).isEqualTo(fx.expectedDeadLetters().size());
    assertThat(r.path("score_diff").path("compared").asLong()).isEqualTo(good);
    assertThat(r.path("score_diff").path("beyond_tolerance").asLong()).isZero();
    assertThat(r.path("label_flips").path("count").asLong()).isZero();
    assertThat(r.path("psi_score").path("score").asDouble()).isLessThan(1e-9);
    assertThat(r.path("verdict").path("pass").asBoolean()).isTrue();
    String page = Files.readString(html);
    assertThat(page).contains("<svg", "PASS", "Dead letters by reason").doesNotContain("<script", "<link", "src=\"http", "url(");
  }

  @Test
  void aChangedScoreGivesExit2NamingTheSource() throws IOException {
    Path left = score("left.jsonl", 512, "--emit-source");
    Path right = copyWith(left, "right.jsonl", 17, n -> n.put("score", n.get("score").asDouble() + 0.01));
    String source = sourceOfLine(left, 17);
    JsonNode r = verify(2, "--left", left.toString(), "--right", right.toString());
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("score_diff");
    assertThat(r.path("verdict").path("message").asText()).contains(source);
    assertThat(r.path("score_diff").path("beyond_tolerance").asLong()).isEqualTo(1);
    assertThat(r.path("score_diff").path("max").asDouble()).isCloseTo(0.01, within(1e-6));
    assertThat(r.path("top_keys").get(0).path("key").asText()).isEqualTo(source);
    // the same change passes with a tolerance above it
    assertThat(verify(0, "--left", left.toString(), "--right", right.toString(), "--tolerance", "0.02")
        .path("verdict").path("pass").asBoolean()).isTrue();
  }

  @Test
  void aMissingRowGivesExit2NamingTheSource() throws IOException {
    Path left = score("left.jsonl", 512, "--emit-source");
    Path right = copyWith(left, "right.jsonl", 42, null);
    JsonNode r = verify(2, "--left", left.toString(), "--right", right.toString());
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("only_left");
    assertThat(r.path("verdict").path("message").asText()).contains(sourceOfLine(left, 42));
    assertThat(r.path("only_left").path("count").asLong()).isEqualTo(1);
    assertThat(r.path("only_right").path("count").asLong()).isZero();
  }

  @Test
  void aChangedDeadLetterReasonGivesExit2NamingTheSource() throws IOException {
    Path left = score("left.jsonl", 512, "--emit-source");
    Path right = tmp.resolve("right.jsonl");
    Files.copy(left, right);
    Path dead = tmp.resolve("right.jsonl.deadletter.jsonl");
    List<String> lines = Files.readAllLines(tmp.resolve("left.jsonl.deadletter.jsonl"));
    ObjectNode changed = (ObjectNode) JSON.readTree(lines.get(3));
    String source = changed.get("source").asText();
    changed.put("reason", "missing:something_else");
    lines.set(3, changed.toString());
    Files.write(dead, lines);
    JsonNode r = verify(2, "--left", left.toString(), "--right", right.toString());
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("dead_letters");
    assertThat(r.path("verdict").path("message").asText()).contains(source, "missing:something_else");
    assertThat(r.path("dead_letters").path("reason_changed").asLong()).isEqualTo(1);
  }

  @Test
  void candidateReportsTheLabelFlipsThatSklearnPredicts() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path candidate = fx.dir().resolve("candidate");
    Set<String> flipped = new HashSet<>();
    long oneToZero = 0;
    for (String line : Files.readAllLines(candidate.resolve("expected_flips.csv")).subList(1, fx.expected().size() + 1)) {
      String[] c = line.split(",");
      if (c[4].equals("true")) {
        flipped.add(c[1]);
        oneToZero += c[2].equals("1") ? 1 : 0;
      }
    }
    assertThat(flipped).isNotEmpty();
    String[] args = {"--bundle", fx.bundle().toString(), "--candidate", candidate.resolve("bundle").toString(), "--input",
        fx.inputCsv().toString(), "--key", "customer_id", "--tolerance", "1"};
    JsonNode r = verify(2, args);
    assertThat(r.path("verdict").path("check").asText()).isEqualTo("label_flips");
    JsonNode flips = r.path("label_flips");
    assertThat(flips.path("count").asLong()).isEqualTo(flipped.size());
    assertThat(flips.path("rate").asDouble()).isCloseTo((double) flipped.size() / fx.expected().size(), within(1e-12));
    Set<String> reported = new HashSet<>();
    flips.path("examples").forEach(k -> reported.add(k.asText()));
    assertThat(reported).isEqualTo(flipped);
    assertThat(flips.path("fields").path("label").path("pairs").path("1 -> 0").asLong()).isEqualTo(oneToZero);
    assertThat(r.path("dead_letters").path("only_left").asLong() + r.path("dead_letters").path("only_right").asLong()).isZero();

    List<String> allowed = new ArrayList<>(Arrays.asList(args));
    allowed.addAll(List.of("--max-flip-rate", "0.2"));
    assertThat(verify(0, allowed.toArray(String[]::new)).path("verdict").path("pass").asBoolean()).isTrue();
  }

  @Test
  void verifyExitsOneWhenItCannotRun() throws IOException {
    Path left = score("left.jsonl", 512);
    assertThat(LockstepCli.execute("verify", "--left", left.toString())).isEqualTo(1);
    assertThat(LockstepCli.execute("verify", "--left", left.toString(), "--right", tmp.resolve("nope.jsonl").toString())).isEqualTo(1);
    // no key and no _source column: it cannot join
    assertThat(LockstepCli.execute("verify", "--left", left.toString(), "--right", left.toString())).isEqualTo(1);
    assertThat(LockstepCli.execute("verify", "--left", left.toString(), "--right", left.toString(), "--key", "nope")).isEqualTo(1);
    assertThat(LockstepCli.execute("verify", "--bogus")).isEqualTo(1);
    assertThat(LockstepCli.execute("verify", "--left", left.toString(), "--right", left.toString(), "--key", "customer_id"))
        .isZero();
  }

  @Test
  void profileStatisticsAreThoseOfTheGoldenFeaturesAndScores() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path profile = tmp.resolve("profile.json");
    assertThat(LockstepCli.execute("profile", "--bundle", fx.bundle().toString(), "--input", fx.inputCsv().toString(), "--out",
        profile.toString())).isZero();
    JsonNode p = JSON.readTree(profile.toFile());
    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    int width = expected.values().iterator().next().features().length;
    assertThat(p.path("records").asLong()).isEqualTo(expected.size() + fx.expectedDeadLetters().size());
    assertThat(p.path("scored").asLong()).isEqualTo(expected.size());
    JsonNode cols = p.path("columns");
    assertThat(cols.size()).isEqualTo(width + 2);
    for (int c = 0; c < width; c++) {
      final int col = c;
      double[] v = expected.values().stream().mapToDouble(e -> e.features()[col]).sorted().toArray();
      JsonNode column = cols.get(c);
      assertThat(column.path("kind").asText()).isEqualTo("feature");
      checkColumn(column, v, 1e-9);
    }
    double[] scores = expected.values().stream().mapToDouble(e -> e.prediction("score")).sorted().toArray();
    JsonNode score = cols.get(width);
    assertThat(score.path("name").asText()).isEqualTo("score");
    checkColumn(score, scores, 1e-5); // ONNX float32 against sklearn's double (golden README: within 1e-5)
    assertThat(score.path("histogram").path("edges").size()).isEqualTo(21);
    assertThat(score.path("histogram").path("counts").size()).isEqualTo(20);
  }

  /** count, min, max, mean, std and the median against values computed here from the golden file. */
  private static void checkColumn(JsonNode column, double[] sorted, double tol) {
    int n = sorted.length;
    double mean = Arrays.stream(sorted).average().orElseThrow();
    double var = Arrays.stream(sorted).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
    String name = column.path("name").asText();
    assertThat(column.path("count").asLong()).as(name).isEqualTo(n);
    assertThat(column.path("nulls").asLong()).as(name).isZero();
    assertThat(column.path("min").asDouble()).as(name).isCloseTo(sorted[0], within(tol));
    assertThat(column.path("max").asDouble()).as(name).isCloseTo(sorted[n - 1], within(tol));
    assertThat(column.path("mean").asDouble()).as(name).isCloseTo(mean, within(tol * Math.max(1, Math.abs(mean))));
    assertThat(column.path("std").asDouble()).as(name).isCloseTo(Math.sqrt(var), within(tol * Math.max(1, Math.sqrt(var))));
    double median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2;
    assertThat(column.path("quantiles").get(4).asDouble()).as(name + " median").isCloseTo(median, within(tol * Math.max(1, Math.abs(median))));
    long total = 0;
    for (JsonNode c : column.path("histogram").path("counts")) {
      total += c.asLong();
    }
    assertThat(total).as(name + " histogram total").isEqualTo(n);
  }

  @Test
  void bundleStoresTheProfileListedWithItsSha256AndInspectShowsIt() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path profile = tmp.resolve("profile.json");
    assertThat(LockstepCli.execute("profile", "--bundle", fx.bundle().toString(), "--input", fx.inputCsv().toString(), "--out",
        profile.toString())).isZero();
    Path b = fx.bundle();
    Path profiled = tmp.resolve("with-profile");
    assertThat(LockstepCli.execute("bundle", "--spec", b.resolve("features.yaml").toString(), "--schema", b.resolve("input.avsc").toString(),
        "--model", b.resolve("model.onnx").toString(), "--profile", profile.toString(), "--name", "lr", "--version", "2",
        "--out", profiled.toString())).isZero();
    assertThat(Files.readString(profiled.resolve("bundle.yaml"))).contains("profile.json: " + io.lockstep.bundle.Sha256.of(profile));
    out.reset();
    assertThat(LockstepCli.execute("inspect", "--bundle", profiled.toString())).isZero();
    assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("profile   profile.json (15 columns");
    this.out.reset();
    assertThat(LockstepCli.execute("inspect", "--bundle", b.toString())).isZero();
    assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("profile   none");

    // a run on the profiled input itself: every PSI is zero, in the summary and in --metrics-json
    Path metrics = tmp.resolve("metrics.json");
    this.out.reset();
    assertThat(LockstepCli.execute("score", "--bundle", profiled.toString(), "--input", fx.inputCsv().toString(), "--output",
        tmp.resolve("p.jsonl").toString(), "--metrics-json", metrics.toString())).isZero();
    assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("PSI against the bundle's profile", "charges_z");
    JsonNode m = JSON.readTree(metrics.toFile());
    assertThat(m.path("drift_psi").size()).isEqualTo(15);
    m.path("drift_psi").forEach(v -> assertThat(v.asDouble()).isZero());
  }

  @Test
  void scoreMetricsJsonCountsRecordsAndDeadLettersByReasonKind() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path metrics = tmp.resolve("m.json");
    score("p.jsonl", 64, "--metrics-json", metrics.toString());
    JsonNode m = JSON.readTree(metrics.toFile());
    Map<String, Long> kinds = new TreeMap<>();
    fx.expectedDeadLetters().values().forEach(r -> kinds.merge(r.substring(0, r.indexOf(':')), 1L, Long::sum));
    int good = fx.expected().size();
    assertThat(m.path("level").asText()).isEqualTo("single-node");
    assertThat(m.path("model").asText()).isEqualTo("golden-lr@1");
    assertThat(m.path("records_in").asLong()).isEqualTo(good + fx.expectedDeadLetters().size());
    assertThat(m.path("scored").asLong()).isEqualTo(good);
    Map<String, Long> got = new TreeMap<>();
    m.path("dead_by_reason_kind").fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asLong()));
    assertThat(got).isEqualTo(kinds);
    // 200 rows scored in batches of at most 64 (dead letters leave gaps): at least 4 calls, none above 64
    assertThat(m.path("batch_size").path("batches").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(m.path("batch_size").path("max").asLong()).isLessThanOrEqualTo(64);
    assertThat(m.path("batch_size").path("mean").asDouble() * m.path("batch_size").path("batches").asLong())
        .isCloseTo(good, within(1e-6));
    assertThat(m.path("scoring_latency_ms").path("max").asDouble()).isPositive();
    assertThat(m.has("drift_psi")).as("no profile, no PSI").isFalse();
  }

  private static String sourceOfLine(Path file, int index) throws IOException {
    return JSON.readTree(Files.readAllLines(file).get(index)).get("_source").asText();
  }

  /** A copy of a JSON-lines output with line {@code index} changed, or dropped when {@code change} is null. */
  private Path copyWith(Path from, String name, int index, java.util.function.Consumer<ObjectNode> change) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(from));
    if (change == null) {
      lines.remove(index);
    } else {
      ObjectNode n = (ObjectNode) JSON.readTree(lines.get(index));
      change.accept(n);
      lines.set(index, n.toString());
    }
    Path to = tmp.resolve(name);
    Files.write(to, lines);
    Files.copy(Path.of(from + ".deadletter.jsonl"), Path.of(to + ".deadletter.jsonl"));
    return to;
  }
}
