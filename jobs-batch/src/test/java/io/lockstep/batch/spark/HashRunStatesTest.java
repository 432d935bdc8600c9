package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-run states of the window pass stay per key when two keys share one hash run (a hash
 * collision): the window values of every event equal, bit for bit, those of the same key's events
 * passed alone through a state of its own.
 */
class HashRunStatesTest {
  static WindowSet windows;

  @BeforeAll
  static void compile() throws IOException {
    Bundle bundle = BundleLoader.load(GoldenFixture.of("windows").bundle());
    windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
  }

  /** One event of the golden {@code windows} schema: customer_id, event_time, amount, channel, items. */
  record Event(String key, long time, Double amount, int order) {
    FieldAccessor fields() {
      Object[] v = {key, time, amount, "web", 3};
      return i -> v[i];
    }
  }

  @Test
  void keysWithTheSameHashKeepSeparateStatesAndTheValuesOfNoCollision() {
    List<Event> a = events("a", 0, 300, 11);
    List<Event> b = events("b", 1, 300, 17);
    Map<Event, double[]> alone = new HashMap<>();
    alone.putAll(passAlone(a));
    alone.putAll(passAlone(b));

    // Both keys in one run, interleaved as the window sort leaves them: by (time, input order).
    List<Event> run = new ArrayList<>(a);
    run.addAll(b);
    run.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::order));
    HashRunStates states = new HashRunStates(windows::newState);
    int switches = 0;
    String last = null;
    for (Event e : run) {
      double[] out = new double[windows.size()];
      windows.observe(states.of(42L, e.key()), e.time(), e.fields(), out);
      assertThat(bits(out)).as("%s at %d", e.key(), e.time()).isEqualTo(bits(alone.get(e)));
      switches += e.key().equals(last) ? 0 : 1;
      last = e.key();
    }
    assertThat(switches).as("the keys really interleave").isGreaterThan(100);
    assertThat(states.keysInRun()).isEqualTo(2);
  }

  @Test
  void theNextRunStartsFromEmptyStates() {
    HashRunStates states = new HashRunStates(windows::newState);
    KeyWindowState first = states.of(1L, "a");
    assertThat(states.of(1L, "a")).isSameAs(first);
    states.of(1L, "b");
    assertThat(states.of(1L, "a")).as("back to a within the run").isSameAs(first);
    assertThat(states.keysInRun()).isEqualTo(2);
    KeyWindowState next = states.of(2L, "c");
    assertThat(next).isNotSameAs(first);
    assertThat(states.keysInRun()).isEqualTo(1);
    assertThat(states.of(2L, "c")).isSameAs(next);
  }

  /**
   * Events of one key in window order: times a few seconds to minutes apart with ties (equal
   * times, broken by input order), a null amount now and then, so that every aggregate's eviction,
   * tie and skip paths run. {@code order} is the input order, unique across keys.
   */
  private static List<Event> events(String key, int firstOrder, int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    List<Event> out = new ArrayList<>();
    long t = 1_795_000_000_000L;
    for (int i = 0; i < n; i++) {
      t += r.nextInt(4) == 0 ? 0 : r.nextInt(120_000);
      out.add(new Event(key, t, r.nextInt(10) == 0 ? null : Math.round(r.nextDouble() * 50_000) / 100.0, firstOrder + 2 * i));
    }
    return out;
  }

  private static Map<Event, double[]> passAlone(List<Event> events) {
    Map<Event, double[]> out = new HashMap<>();
    KeyWindowState state = windows.newState();
    for (Event e : events) {
      double[] v = new double[windows.size()];
      windows.observe(state, e.time(), e.fields(), v);
      out.put(e, v);
    }
    return out;
  }

  private static long[] bits(double[] v) {
    long[] b = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Double.doubleToRawLongBits(v[i]);
    }
    return b;
  }
}
