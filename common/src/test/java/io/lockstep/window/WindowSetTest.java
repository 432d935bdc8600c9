package io.lockstep.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.features.FieldAccessor;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.SpecParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The incremental aggregators against a brute-force scan of each window. */
class WindowSetTest {
  static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"R","fields":[
        {"name":"k","type":"string"},
        {"name":"t","type":"long"},
        {"name":"v","type":["null","double"]}]}""");

  static final String SPEC = """
      key: k
      time: t
      features:
        - {name: c, window: {agg: count, over: 10s}}
        - {name: s, window: {agg: sum, of: v, over: 10s}}
        - {name: m, window: {agg: mean, of: v, over: 5s}, ops: [{impute: 0}]}
        - {name: lo, window: {agg: min, of: v, over: 3s}, ops: [{impute: 0}]}
        - {name: hi, window: {agg: max, of: v, over: 7s}, ops: [{impute: 0}]}
      model: {input: x, outputs: {p: {output: y}}}
      """;

  record Ev(long t, Double v) {}

  static WindowSet windows() {
    FeatureSpec spec = SpecParser.parse(SPEC, "features.yaml", SCHEMA);
    return WindowSet.compile(spec, SCHEMA);
  }

  static FieldAccessor acc(Ev e) {
    return i -> switch (i) {
      case 0 -> "key";
      case 1 -> e.t();
      default -> e.v();
    };
  }

  /** Brute force: events at index <= i (time-sorted) with time in (t - over, t]. */
  static double[] brute(List<Ev> evs, int i) {
    long[] over = {10_000, 10_000, 5_000, 3_000, 7_000};
    double[] out = new double[5];
    long t = evs.get(i).t();
    for (int a = 0; a < 5; a++) {
      long count = 0;
      java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
      int n = 0;
      double lo = Double.NaN;
      double hi = Double.NaN;
      for (int j = 0; j <= i; j++) {
        Ev e = evs.get(j);
        if (e.t() <= t - over[a]) {
          continue;
        }
        count++;
        if (e.v() != null && !e.v().isNaN()) {
          sum = sum.add(new java.math.BigDecimal(e.v()));
          n++;
          lo = Double.isNaN(lo) ? e.v() : Math.min(lo, e.v());
          hi = Double.isNaN(hi) ? e.v() : Math.max(hi, e.v());
        }
      }
      out[a] = switch (a) {
        case 0 -> count;
        case 1 -> sum.doubleValue();
        case 2 -> n == 0 ? Double.NaN : sum.doubleValue() / n;
        case 3 -> lo;
        default -> hi;
      };
    }
    return out;
  }

  @Test
  void incrementalAggregatesEqualBruteForce() {
    Random rnd = new Random(7);
    List<Ev> evs = new ArrayList<>();
    long t = 1_700_000_000_000L;
    for (int i = 0; i < 3000; i++) {
      t += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3000);  // ties and gaps
      Double v = rnd.nextInt(10) == 0 ? null : (rnd.nextInt(5) == 0 ? 1e12 : Math.round(rnd.nextGaussian() * 10000) / 100.0);
      evs.add(new Ev(t, v));
    }
    WindowSet w = windows();
    KeyWindowState state = w.newState();
    double[] out = new double[5];
    for (int i = 0; i < evs.size(); i++) {
      w.observe(state, evs.get(i).t(), acc(evs.get(i)), out);
      double[] expected = brute(evs, i);
      // sum: exact partials give the correctly rounded sum, whatever left the window before
      assertThat(out).as("event %d", i).containsExactly(expected);
    }
  }

  @Test
  void eventExactlyOverOldIsOutside() {
    WindowSet w = windows();
    KeyWindowState s = w.newState();
    double[] out = new double[5];
    w.observe(s, 0, acc(new Ev(0, 1.0)), out);
    w.observe(s, 10_000, acc(new Ev(10_000, 2.0)), out);
    assertThat(out[0]).isEqualTo(1.0);
    assertThat(out[1]).isEqualTo(2.0);
    w.observe(s, 10_000, acc(new Ev(10_000, 4.0)), out);
    assertThat(out[0]).as("a tie sees the earlier event").isEqualTo(2.0);
  }

  @Test
  void nullValuesAreSkippedButCounted() {
    WindowSet w = windows();
    KeyWindowState s = w.newState();
    double[] out = new double[5];
    w.observe(s, 1, acc(new Ev(1, null)), out);
    assertThat(out[0]).isEqualTo(1.0);
    assertThat(out[1]).isEqualTo(0.0);
    assertThat(out[2]).isNaN();
    assertThat(out[3]).isNaN();
    assertThat(out[4]).isNaN();
  }

  @Test
  void stateSurvivesSerialisation() {
    WindowSet w = windows();
    KeyWindowState a = w.newState();
    double[] out = new double[5];
    for (int i = 0; i < 50; i++) {
      w.observe(a, i * 700L, acc(new Ev(i * 700L, i * 1.25)), out);
    }
    KeyWindowState b = w.fromBytes(a.toBytes());
    assertThat(b.serializedBytes()).isEqualTo(a.toBytes().length);
    double[] outA = new double[5];
    double[] outB = new double[5];
    w.observe(a, 36_000, acc(new Ev(36_000, 3.0)), outA);
    w.observe(b, 36_000, acc(new Ev(36_000, 3.0)), outB);
    assertThat(outB).containsExactly(outA);
    assertThat(b.lastTime()).isEqualTo(36_000L);
  }

  /**
   * {@code window/state-format-1.hex} was written by the first, fixed-width state format's code
   * (commit 0958a3d, generator in {@code window/LegacyStateFixture.java.txt}) after the events below:
   * savepoints taken before the compact format must restore and continue bit for bit.
   */
  @Test
  void stateWrittenInTheFirstFormatRestoresAndContinuesExactly() throws Exception {
    WindowSet w = windows();
    KeyWindowState live = w.newState();
    double[] out = new double[5];
    long t0 = 1_795_000_000_000L;
    for (int i = 0; i < 50; i++) {
      Double v = i % 7 == 3 ? null : (i % 5 - 2) * 1.25 + 0.1 * i;
      w.observe(live, t0 + i * 700L, acc(new Ev(t0 + i * 700L, v)), out);
    }
    String hex;
    try (var in = WindowSetTest.class.getResourceAsStream("/window/state-format-1.hex")) {
      hex = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    }
    byte[] legacy = java.util.HexFormat.of().parseHex(hex);
    KeyWindowState restored = w.fromBytes(legacy);
    assertThat(restored.lastTime()).isEqualTo(live.lastTime());
    assertThat(restored.toBytes()).isEqualTo(live.toBytes());
    assertThat(restored.serializedBytes()).isLessThan(legacy.length);
    for (int i = 50; i < 80; i++) {
      long t = t0 + i * 700L;
      double[] a = new double[5];
      double[] b = new double[5];
      w.observe(live, t, acc(new Ev(t, i * 0.3)), a);
      w.observe(restored, t, acc(new Ev(t, i * 0.3)), b);
      assertThat(b).containsExactly(a);
    }
  }

  @Test
  void compactStateStoresTimesAsDistancesAndValuesExactly() {
    WindowSet w = windows();
    KeyWindowState s = w.newState();
    double[] out = new double[5];
    long t0 = 1_795_000_000_000L;
    for (int i = 0; i < 14; i++) {
      w.observe(s, t0 + i * 700L, acc(new Ev(t0 + i * 700L, Math.PI * i)), out);
    }
    // 14 events in the 10 s count window: 14 times of 2 bytes (700 ms apart) instead of 8 each.
    KeyWindowState r = w.fromBytes(s.toBytes());
    double[] a = new double[5];
    double[] b = new double[5];
    w.observe(s, t0 + 20_000, acc(new Ev(t0 + 20_000, 1e300)), a);
    w.observe(r, t0 + 20_000, acc(new Ev(t0 + 20_000, 1e300)), b);
    assertThat(b).containsExactly(a);
    assertThat(s.serializedBytes()).isLessThan(1 + 6 + 5 * 2 + 14 * (3 + 8) * 3);
  }
}
