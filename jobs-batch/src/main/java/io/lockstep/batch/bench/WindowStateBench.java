package io.lockstep.batch.bench;

import io.lockstep.spec.Aggregation;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.SpecParser;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import java.io.PrintStream;
import java.util.Random;
import org.apache.avro.Schema;

/**
 * Serialised window state per key for each aggregator, at steady state (the window full of a
 * key's recent events), and the cost of one {@code observe} call. This is what Flink checkpoints per
 * key and what a Spark partition holds per key while it streams through a key's events.
 */
public final class WindowStateBench {
  private static final Schema SCHEMA = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"k\",\"type\":\"string\"},"
          + "{\"name\":\"t\",\"type\":\"long\"},{\"name\":\"v\",\"type\":[\"null\",\"double\"]}]}");

  private WindowStateBench() {}

  public static void run(PrintStream out, long eventEveryMillis, String over) {
    out.printf("window state per key: one event every %d ms, window %s%n", eventEveryMillis, over);
    for (Aggregation agg : Aggregation.values()) {
      String window = agg == Aggregation.COUNT ? "{agg: count, over: " + over + "}" : "{agg: " + agg.yamlName() + ", of: v, over: " + over + "}";
      FeatureSpec spec = SpecParser.parse("key: k\ntime: t\nfeatures:\n  - {name: w, window: " + window
          + ", ops: [{impute: 0}]}\nmodel: {input: x, outputs: {p: {output: y}}}\n", "bench.yaml", SCHEMA);
      WindowSet set = WindowSet.compile(spec, SCHEMA);
      KeyWindowState state = set.newState();
      Random rnd = new Random(3);
      double[] values = new double[1];
      long t = 0;
      int events = 200_000;
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        t += eventEveryMillis;
        double v = rnd.nextGaussian() * 100;
        set.observe(state, t, f -> f == 2 ? v : null, values);
      }
      double nanos = (System.nanoTime() - start) / (double) events;
      out.printf("  %-5s %,8d bytes/key  %6.1f ns/event%n", agg.yamlName(), state.serializedBytes(), nanos);
    }
  }

}
