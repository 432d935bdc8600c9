package io.lockstep.streaming.bench;

import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.Decoded;
import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.profile.DriftWindow;
import io.lockstep.profile.Psi;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionBuilder;
import io.lockstep.score.ScorerOptions;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.streaming.scoring.InputDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;

/**
 * What drift costs the streaming scoring path: the scoring operator's per-record work (decode the
 * Avro value, features, ONNX Runtime in batches of 256, build and encode the prediction) with and
 * without {@link DriftWindow} (bin every column, PSI per window of 10,000 records), in one JVM,
 * alternating rounds. Kafka and Flink add to the time of both, so the share measured here is an
 * upper bound of drift's share of the job's throughput. Prints wall-clock and thread-CPU rates.
 *
 * <pre>java -cp jobs-streaming/target/test-classes:jobs-streaming/target/classes:$(cat jobs-streaming/target/test.classpath) \
 *   io.lockstep.streaming.bench.DriftBench BUNDLE_WITH_PROFILE|generated-lr [records [sample-every]]</pre>
 */
public final class DriftBench {
  private DriftBench() {}

  public static void main(String[] args) throws Exception {
    Path bundlePath = args[0].equals(GENERATED)
        ? io.lockstep.streaming.it.DriftData.profiledBundle(Files.createTempDirectory("drift-bench"), 20_000)
        : Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    sampleEvery = args.length > 2 ? Integer.parseInt(args[2]) : sampleEvery;
    Bundle bundle = BundleLoader.load(bundlePath);
    if (bundle.profile().isEmpty()) {
      throw new IllegalArgumentException(bundlePath + " has no profile: add one with lockstep bundle --profile");
    }
    List<byte[]> values = values(bundle, n);
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      int rounds = 7;
      double[][] plain = new double[2][rounds];
      double[][] drift = new double[2][rounds];
      double[][] cost = new double[2][rounds];
      for (int round = -2; round < rounds; round++) { // two warm-up rounds of both paths
        boolean driftFirst = (round & 1) == 1; // alternate the order: a noisy neighbour hits both paths alike
        Rate b = driftFirst ? run(bundle, scorer, values, true) : null;
        Rate a = run(bundle, scorer, values, false);
        if (!driftFirst) {
          b = run(bundle, scorer, values, true);
        }
        if (round >= 0) {
          for (int k = 0; k < 2; k++) {
            plain[k][round] = a.of(k);
            drift[k][round] = b.of(k);
            cost[k][round] = 1 - b.of(k) / a.of(k);
          }
          System.out.printf("round %d: without drift %,.0f records/s (%,.0f per CPU second), with drift %,.0f (%,.0f)%n", round + 1,
              a.wall(), a.cpu(), b.wall(), b.cpu());
        }
      }
      System.out.printf("%d columns, %,d records, batch 256, 1 row in %d binned, median of %d rounds:%n",
          bundle.profile().get().columns().size(), n, sampleEvery, rounds);
      for (int k = 0; k < 2; k++) {
        java.util.Arrays.sort(plain[k]);
        java.util.Arrays.sort(drift[k]);
        java.util.Arrays.sort(cost[k]);
        double p = plain[k][rounds / 2];
        double d = drift[k][rounds / 2];
        System.out.printf("  %s: without drift %,.0f records/s, with drift %,.0f: drift costs %.1f%% of the scoring path's "
            + "throughput; the rounds' own costs (each pair side by side): median %.1f%%, from %.1f%% to %.1f%%%n",
            k == 0 ? "wall clock" : "thread CPU time", p, d, 100 * (1 - d / p), 100 * cost[k][rounds / 2], 100 * cost[k][0],
            100 * cost[k][rounds - 1]);
      }
    }
  }

  /**
   * Records per second of wall-clock time and per second of the bench thread's CPU time. ONNX
   * Runtime runs on the calling thread (one intra-op thread), so the CPU time holds all the work and
   * none of the time the thread waited for a core: on a loaded machine it is the steadier figure.
   */
  private record Rate(double wall, double cpu) {
    double of(int k) {
      return k == 0 ? wall : cpu;
    }
  }

  /** In place of a bundle path: the golden lr bundle with a profile of 20,000 generated customers (as StreamDriftIT). */
  private static final String GENERATED = "generated-lr";

  /** Rows binned per drift window: 1 in this many (the job's --drift-sample). */
  private static int sampleEvery = DriftWindow.Settings.DEFAULT_SAMPLE_EVERY;

  private static Rate run(Bundle bundle, OnnxScorer scorer, List<byte[]> values, boolean withDrift) {
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    InputDecoder decoder = new InputDecoder(InputFormat.AVRO, bundle.inputSchema(), List.of());
    PredictionBuilder builder = new PredictionBuilder(bundle, scorer.fields(), List.of(), true);
    AvroCodec codec = new AvroCodec(builder.schema());
    DriftWindow drift = withDrift ? new DriftWindow(bundle.profile().get(), pipeline.columnNames(), scorer.fields(),
        new DriftWindow.Settings(60_000, 10_000, 500, Psi.DEFAULT_THRESHOLD, sampleEvery)) : null;
    long[] sink = new long[2];
    ScoringBuffer<GenericRecord> buffer = new ScoringBuffer<>(pipeline, scorer.newBatch(256));
    ScoringBuffer.Sink<GenericRecord> out = new ScoringBuffer.Sink<>() {
      @Override
      public void scored(GenericRecord r, BatchScorer b, int row) {
        long now = System.currentTimeMillis();
        sink[0] += codec.binary(builder.build(r, null, b, row, null, now)).length;
        if (drift != null && drift.scored(b, row, now) != null) {
          sink[1]++;
        }
      }

      @Override
      public void rejected(GenericRecord r, Reason reason) {
        throw new IllegalStateException("bench record rejected: " + reason);
      }
    };
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (byte[] v : values) {
      Decoded d = decoder.decode(v);
      buffer.offer(FieldAccessor.of(d.record()), null, d.record(), out);
    }
    buffer.flush(out);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    if (sink[0] == 0) {
      throw new IllegalStateException("nothing written");
    }
    return new Rate(values.size() / seconds, values.size() / cpuSeconds);
  }

  /** Customers of the lr schema drawn as in StreamDriftIT, Avro-encoded. */
  private static List<byte[]> values(Bundle bundle, int n) {
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    Random rnd = new Random(5);
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      GenericRecord r = io.lockstep.streaming.it.DriftData.customer(bundle.inputSchema(), rnd, i, 0);
      out.add(codec.binary(r));
    }
    return out;
  }
}
