package io.lockstep.batch.bench;

import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lockstep.bundle.Bundle;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Our {@link BatchScorer} against bare ONNX Runtime on the same model, session options and batch:
 * bare = fill a direct buffer, {@code createTensor}, {@code run()} for the mapped outputs, read
 * them, close — the least a hand-written scorer does. Rounds alternate between the two so that
 * machine noise hits both alike; the median round is reported.
 */
public final class ScorerBench {
  private final double secondsPerRound;
  private final int rounds;
  private final PrintStream out;

  public ScorerBench(double secondsPerRound, int rounds, PrintStream out) {
    this.secondsPerRound = secondsPerRound;
    this.rounds = rounds;
    this.out = out;
  }

  /** One line of results. */
  public record Result(String model, int batch, double bareRowsPerSec, double oursRowsPerSec) {
    double ratio() {
      return oursRowsPerSec / bareRowsPerSec;
    }

    double addedMicrosPerCall() {
      return (batch / oursRowsPerSec - batch / bareRowsPerSec) * 1e6;
    }
  }

  public List<Result> run(String label, Bundle bundle, int[] batches) throws OrtException {
    List<Result> results = new ArrayList<>();
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults());
         OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession bare = OrtEnvironment.getEnvironment().createSession(bundle.modelBytes(), so)) {
        for (int batch : batches) {
          Result r = measure(label, bundle, scorer, bare, batch);
          results.add(r);
          out.printf("%-6s batch %5d  bare ORT %,12.0f rows/s  lockstep %,12.0f rows/s  ratio %.3f  added %+.2f us/call%n",
              label, batch, r.bareRowsPerSec(), r.oursRowsPerSec(), r.ratio(), r.addedMicrosPerCall());
        }
      }
    }
    return results;
  }

  private Result measure(String label, Bundle bundle, OnnxScorer scorer, OrtSession bare, int batch) throws OrtException {
    int width = scorer.width();
    float[][] rows = randomRows(batch, width);
    Set<String> outputs = new LinkedHashSet<>();
    bundle.spec().model().outputs().values().forEach(o -> outputs.add(o.output()));
    String input = bundle.spec().model().input();
    int fed = scorer.fixedBatch() > 0 ? scorer.fixedBatch() : batch;
    FloatBuffer buf = ByteBuffer.allocateDirect(Math.max(fed, batch) * width * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    BatchScorer ours = scorer.newBatch(batch);
    double[] bareRates = new double[rounds];
    double[] ourRates = new double[rounds];
    // warm-up both paths
    timeBare(bare, input, outputs, rows, buf, width, fed, 0.3);
    timeOurs(ours, rows, 0.3);
    for (int r = 0; r < rounds; r++) {
      bareRates[r] = timeBare(bare, input, outputs, rows, buf, width, fed, secondsPerRound);
      ourRates[r] = timeOurs(ours, rows, secondsPerRound);
    }
    return new Result(label, batch, median(bareRates), median(ourRates));
  }

  private static double timeBare(OrtSession session, String input, Set<String> outputs, float[][] rows, FloatBuffer buf,
                                 int width, int fed, double seconds) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long rowsDone = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    float sink = 0;
    while (System.nanoTime() < deadline) {
      for (int from = 0; from < rows.length; from += fed) {
        int n = Math.min(fed, rows.length - from);
        buf.clear();
        for (int i = 0; i < n; i++) {
          buf.put(rows[from + i]);
        }
        for (int i = n * width; i < fed * width; i++) {
          buf.put(0f);
        }
        buf.flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {fed, width});
             OrtSession.Result res = session.run(Map.of(input, t), outputs)) {
          for (Map.Entry<String, OnnxValue> e : res) {
            OnnxValue v = e.getValue();
            // read what a hand-written scorer must read to use the predictions
            if (v instanceof OnnxTensor ot) {
              sink += ot.getByteBuffer().get(0);
            } else if (v instanceof OnnxSequence seq) {
              for (OnnxValue m : seq.getValue()) {
                sink += ((ai.onnxruntime.OnnxMap) m).getValue().size();
              }
            }
          }
        }
      }
      rowsDone += rows.length;
    }
    if (sink == Float.MIN_VALUE) {
      System.out.print("");
    }
    return rowsDone / ((System.nanoTime() - start) / 1e9);
  }

  private static double timeOurs(BatchScorer batch, float[][] rows, double seconds) {
    long rowsDone = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      batch.clear();
      for (float[] row : rows) {
        batch.addRow(row);
      }
      batch.score();
      rowsDone += rows.length;
    }
    return rowsDone / ((System.nanoTime() - start) / 1e9);
  }

  static float[][] randomRows(int n, int width) {
    Random rnd = new Random(42);
    float[][] rows = new float[n][width];
    for (float[] r : rows) {
      for (int j = 0; j < width; j++) {
        r[j] = (float) rnd.nextGaussian();
      }
    }
    return rows;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
