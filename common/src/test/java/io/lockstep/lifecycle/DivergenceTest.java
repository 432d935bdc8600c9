package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DivergenceTest {

  private record Pair(double p, double c, Object pl, Object cl) {}

  private static Divergence of(List<Pair> pairs) {
    Divergence d = new Divergence("churn@1", "churn@2");
    pairs.forEach(x -> d.add(x.p, x.c, x.pl, x.cl));
    return d;
  }

  @Test
  void summarisesATinySetAsComputedByHand() {
    // |diff|: 0.25, 0, 0.25, 1 -> mean 1.5 / 4 = 0.375, max 1, nearest-rank p99 = 4th of 4 = 1; labels differ in 2 of 4.
    Divergence d = of(List.of(new Pair(0.5, 0.25, 1L, 1L), new Pair(0.125, 0.125, 0L, 0L),
        new Pair(0.75, 0.5, 1L, 0L), new Pair(0.0, 1.0, "0", "1")));
    Divergence.Summary s = d.summary(null, null);
    assertThat(s).isEqualTo(new Divergence.Summary("churn@1", "churn@2", 4, 0.375, 1.0, 1.0, 0.5, null, null));
  }

  @Test
  void writesExactlyTheDocumentedFields() throws Exception {
    Divergence.Summary s = of(List.of(new Pair(0.5, 0.25, 1L, 1L))).summary(java.time.Instant.ofEpochMilli(1_000L), java.time.Instant.ofEpochMilli(2_000L));
    JsonNode json = new ObjectMapper().readTree(s.json());
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("primary", "candidate", "records", "mean_abs_diff", "max_abs_diff", "p99_abs_diff",
        "label_flip_rate", "window_start", "window_end");
    assertThat(Divergence.Summary.parse(s.json().getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
    assertThat(json.get("window_start").asText()).isEqualTo("1970-01-01T00:00:01Z");
    assertThat(s.withoutWindow().windowStart()).isNull();
  }

  @Test
  void anEmptySetHasNullStatistics() {
    Divergence.Summary s = new Divergence("a@1", "a@2").summary(null, null);
    assertThat(s).isEqualTo(new Divergence.Summary("a@1", "a@2", 0, null, null, null, null, null, null));
  }

  @Test
  void theMeanIsExactWhateverTheOrder() {
    List<Pair> pairs = new ArrayList<>();
    pairs.add(new Pair(1e16, 0, null, null));
    for (int i = 0; i < 10; i++) {
      pairs.add(new Pair(1.0, 0.0, null, null));
    }
    double expected = new BigDecimal("10000000000000010").divide(BigDecimal.valueOf(11), MathContext.DECIMAL128).doubleValue();
    assertThat(of(pairs).summary(null, null).meanAbsDiff()).isEqualTo(expected);
    Collections.reverse(pairs);
    assertThat(of(pairs).summary(null, null).meanAbsDiff()).isEqualTo(expected);
  }

  @Test
  void splittingMergingAndShufflingGiveEqualSummaries() {
    Random random = new Random(42);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      float p = random.nextFloat();
      float c = Math.min(1f, Math.max(0f, p + (float) (random.nextGaussian() * 0.05)));
      pairs.add(new Pair(p, c, p > 0.5 ? 1L : 0L, c > 0.5 ? 1L : 0L));
    }
    Divergence.Summary whole = of(pairs).summary(null, null);
    Collections.shuffle(pairs, random);
    Divergence merged = new Divergence("churn@1", "churn@2");
    for (int from = 0; from < pairs.size(); from += 777) {
      merged.merge(of(pairs.subList(from, Math.min(pairs.size(), from + 777))));
    }
    assertThat(merged.summary(null, null)).isEqualTo(whole);
  }

  @Test
  void p99IsWithinTheDocumentedRelativeErrorOfTheExactNearestRank() {
    Random random = new Random(7);
    for (int n : new int[] {1, 2, 99, 100, 101, 1_000, 12_345}) {
      double[] diffs = new double[n];
      Divergence d = new Divergence("m@1", "m@2");
      for (int i = 0; i < n; i++) {
        double p = random.nextDouble();
        double c = p + Math.pow(10, -6 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
        diffs[i] = Math.abs(p - c);
        d.add(p, c, null, null);
      }
      Arrays.sort(diffs);
      double exact = diffs[(int) Math.ceil(0.99 * n) - 1];
      double p99 = d.summary(null, null).p99AbsDiff();
      assertThat(Math.abs(p99 - exact) / exact).as("n=%d", n).isLessThanOrEqualTo(Math.pow(2, -11));
      assertThat(d.summary(null, null).maxAbsDiff()).isEqualTo(diffs[n - 1]);
    }
  }

  @Test
  void nonFiniteDifferencesCountAsRecordsButNotInTheDifferenceStatistics() {
    Divergence d = new Divergence("m@1", "m@2");
    d.add(Double.NaN, Double.NaN, "a", "a");
    d.add(Double.NaN, 0.5, "a", "b");
    d.add(0.5, 0.25, "a", "a");
    Divergence.Summary s = d.summary(null, null);
    assertThat(s.records()).isEqualTo(3);
    assertThat(s.meanAbsDiff()).isEqualTo(0.125);
    assertThat(s.maxAbsDiff()).isEqualTo(0.25);
    assertThat(s.labelFlipRate()).isEqualTo(1.0 / 3);
  }

  @Test
  void mergingSummariesOfOtherModelsIsRefused() {
    assertThatThrownBy(() -> new Divergence("a@1", "a@2").merge(new Divergence("a@1", "a@3")))
        .hasMessageContaining("cannot merge");
  }
}
