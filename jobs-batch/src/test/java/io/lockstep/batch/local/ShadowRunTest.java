package io.lockstep.batch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.batch.cli.CliRun;
import io.lockstep.bundle.TestBundles;
import io.lockstep.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep score --shadow} (docs/spec.md, Divergence): both runs' outputs, and a summary whose
 * numbers are computed here independently, from the golden fixture's Python oracle.
 */
class ShadowRunTest {
  @TempDir
  Path tmp;

  @Test
  void summaryMatchesAHandComputationFromTheOracleScores() throws Exception {
    // The golden lr model with `stay: probabilities[0]`: for a logistic regression the candidate's
    // score is 1 - p, so |diff| = |2p - 1| for each oracle score p. The candidate has no label field,
    // so labels are not compared.
    GoldenFixture lr = GoldenFixture.of("lr");
    Path stay = TestBundles.lrWithOutputs(TestBundles.STAY_OUTPUTS, "2", tmp.resolve("stay"));
    Path out = tmp.resolve("preds.csv");
    CliRun run = CliRun.of("score", "--bundle", lr.bundle().toString(), "--input", lr.inputCsv().toString(),
        "--output", out.toString(), "--shadow", stay.toString());
    assertThat(run.code()).as(run.err()).isZero();

    List<Double> diffs = new ArrayList<>();
    for (GoldenFixture.Expected e : lr.expected().values()) {
      diffs.add(Math.abs(2 * e.prediction("score") - 1));
    }
    double[] sorted = diffs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double mean = Arrays.stream(sorted).sum() / sorted.length;
    double p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];

    JsonNode stats = new ObjectMapper().readTree(tmp.resolve("preds.csv.shadow-stats.json").toFile());
    assertThat(stats.get("primary").asText()).isEqualTo("golden-lr@1");
    assertThat(stats.get("candidate").asText()).isEqualTo("golden-lr@2");
    assertThat(stats.get("records").asLong()).isEqualTo(sorted.length);
    // float32 model outputs against the float64 oracle: 1e-6
    assertThat(stats.get("mean_abs_diff").asDouble()).isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(stats.get("max_abs_diff").asDouble()).isCloseTo(sorted[sorted.length - 1], org.assertj.core.api.Assertions.within(1e-6));
    assertThat(stats.get("p99_abs_diff").asDouble()).isCloseTo(p99, org.assertj.core.api.Assertions.within(p99 * Math.pow(2, -11) + 1e-6));
    assertThat(stats.get("label_flip_rate").asDouble()).isZero();
    assertThat(stats.get("window_start").isNull()).isTrue();

    Path shadow = tmp.resolve("preds.shadow.csv");
    assertThat(Files.readAllLines(shadow).get(0)).isEqualTo("customer_id,stay,model");
    assertThat(Files.readAllLines(shadow)).hasSize(sorted.length + 1);
    assertThat(tmp.resolve("preds.shadow.csv.schema.avsc")).exists();
    assertThat(tmp.resolve("preds.shadow.csv.deadletter.jsonl")).exists();
    assertThat(run.out()).contains("lockstep score: divergence golden-lr@1 vs golden-lr@2 over " + sorted.length + " records")
        .contains("shadow predictions: " + shadow);
  }

  @Test
  void labelFlipRateIsTheOraclesFlipCount() throws Exception {
    GoldenFixture lr = GoldenFixture.of("lr");
    Path candidate = lr.dir().resolve("candidate/bundle");
    List<String> flips = Files.readAllLines(lr.dir().resolve("candidate/expected_flips.csv"));
    long flipped = flips.stream().skip(1).filter(l -> l.endsWith(",true")).count();
    long rows = flips.size() - 1;

    ShadowRun.Result r = new ShadowRun(ScoreOptions.of(lr.bundle(), lr.inputCsv(), tmp.resolve("out.jsonl"), List.of(), 512, 1),
        candidate, System.err, runner -> { }).run();
    assertThat(r.divergence().records()).isEqualTo(rows);
    assertThat(r.divergence().labelFlipRate()).isEqualTo((double) flipped / rows);
    assertThat(r.compatibility()).isEmpty();
    assertThat(r.primary().scored()).isEqualTo(rows);
    assertThat(r.candidate().scored()).isEqualTo(rows);
    assertThat(r.shadowOutput()).isEqualTo(tmp.resolve("out.shadow.jsonl"));
  }

  @Test
  void shadowOutputKeepsTheExtension() {
    assertThat(ShadowRun.shadowOutput(Path.of("/o/preds.parquet"))).isEqualTo(Path.of("/o/preds.shadow.parquet"));
    assertThat(ShadowRun.shadowOutput(Path.of("/o/preds"))).isEqualTo(Path.of("/o/preds.shadow"));
    assertThat(ShadowRun.statsPath(Path.of("/o/preds.parquet"))).isEqualTo(Path.of("/o/preds.parquet.shadow-stats.json"));
  }
}
