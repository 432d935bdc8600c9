package io.lockstep.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStatisticsTest {

  @Test
  void quantilesAreExactWhileTheStreamFitsTheSample() {
    ReservoirSample s = new ReservoirSample(100, 1);
    for (int i = 100; i >= 1; i--) {
      s.add(i);
    }
    assertThat(s.isExact()).isTrue();
    assertThat(s.quantile(0)).isEqualTo(1);
    assertThat(s.quantile(1)).isEqualTo(100);
    assertThat(s.quantile(0.5)).isEqualTo(50.5);
  }

  @Test
  void quantilesOfALongStreamAreWithinOnePercentileWithFixedMemory() {
    ReservoirSample s = new ReservoirSample();
    long n = 2_000_000;
    for (long i = 0; i < n; i++) {
      s.add((double) ((i * 7_919) % n)); // every value 0..n-1 once, in a scrambled order
    }
    assertThat(s.size()).isEqualTo(ReservoirSample.DEFAULT_CAPACITY);
    for (double q : ColumnProfile.QUANTILES) {
      double rank = s.quantile(q) / n;
      assertThat(rank).as("rank of the %s quantile", q).isCloseTo(q, within(0.01));
    }
  }

  @Test
  void columnStatsCountNullsApartAndComputeMeanAndStd() {
    ColumnStats c = new ColumnStats("x", ColumnProfile.Kind.FEATURE);
    for (double v : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
      c.add(v);
    }
    c.add(Double.NaN);
    c.add((Double) null);
    c.add(Double.POSITIVE_INFINITY);
    ColumnProfile p = c.toProfile();
    assertThat(p.count()).isEqualTo(8);
    assertThat(p.nulls()).isEqualTo(3);
    assertThat(p.mean()).isEqualTo(5.0);
    assertThat(p.std()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
    assertThat(p.min()).isEqualTo(2);
    assertThat(p.max()).isEqualTo(9);
  }

  @Test
  void histogramEdgesAreTwentyQuantileBinsOfAContinuousColumn() {
    double[] sorted = new double[1000];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i;
    }
    Histogram h = Histogram.ofSample(sorted, 1000);
    assertThat(h.bins()).isEqualTo(20);
    assertThat(h.edges()).hasSize(21);
    assertThat(h.edges()[0]).isEqualTo(0);
    assertThat(h.edges()[20]).isEqualTo(999);
    for (double f : h.fractions()) {
      assertThat(f).isCloseTo(0.05, within(0.002));
    }
    assertThat(Arrays.stream(h.counts()).sum()).isEqualTo(1000);
  }

  @Test
  void aBinaryColumnGetsTwoBinsWithItsTwoShares() {
    double[] sorted = new double[100];
    Arrays.fill(sorted, 70, 100, 1.0);
    Histogram h = Histogram.ofSample(sorted, 100);
    assertThat(h.bins()).isEqualTo(2);
    assertThat(h.fractions()).containsExactly(0.7, 0.3);
    assertThat(h.bin(0.0)).isZero();
    assertThat(h.bin(1.0)).isEqualTo(1);
    assertThat(h.bin(5.0)).as("above the reference maximum: the last bin").isEqualTo(1);
  }

  @Test
  void psiIsNearZeroForTheSameDistributionAndLargeForAOneStdShift() {
    Random rnd = new Random(42);
    ColumnStats ref = new ColumnStats("x", ColumnProfile.Kind.FEATURE);
    for (int i = 0; i < 50_000; i++) {
      ref.add(rnd.nextGaussian());
    }
    Histogram h = ref.toProfile().histogram();
    long[] same = new long[h.bins()];
    long[] shifted = new long[h.bins()];
    for (int i = 0; i < 10_000; i++) {
      same[h.bin(rnd.nextGaussian())]++;
      shifted[h.bin(rnd.nextGaussian() + 1.0)]++;
    }
    assertThat(Psi.of(h.fractions(), same)).isLessThan(0.02);
    // a one-std shift of a normal: PSI about 1 (far above the 0.2 alert threshold)
    assertThat(Psi.of(h.fractions(), shifted)).isGreaterThan(0.5);
  }

  @Test
  void aProfileReadsBackAsWritten(@TempDir Path tmp) throws Exception {
    ColumnStats a = new ColumnStats("amount_z", ColumnProfile.Kind.FEATURE);
    ColumnStats s = new ColumnStats("score", ColumnProfile.Kind.PREDICTION);
    for (int i = 0; i < 500; i++) {
      a.add(i * 0.5);
      s.add(i / 500.0);
    }
    ColumnStats empty = new ColumnStats("never", ColumnProfile.Kind.FEATURE);
    Profile p = new Profile("m@1", "2026-12-03T00:00:00Z", "in.csv", 510, 500, Map.of("decode", 10L), 32768,
        List.of(a.toProfile(), s.toProfile(), empty.toProfile()));
    p.write(tmp.resolve("profile.json"));
    Profile back = Profile.read(tmp.resolve("profile.json"));
    assertThat(back.model()).isEqualTo("m@1");
    assertThat(back.deadByReason()).containsEntry("decode", 10L);
    assertThat(back.columns()).hasSize(3);
    ColumnProfile c = back.column("amount_z").orElseThrow();
    ColumnProfile orig = a.toProfile();
    assertThat(c.mean()).isEqualTo(orig.mean());
    assertThat(c.histogram().cuts()).containsExactly(orig.histogram().cuts());
    assertThat(c.histogram().fractions()).containsExactly(orig.histogram().fractions());
    assertThat(back.column("never").orElseThrow().min()).isNaN();
  }
}
