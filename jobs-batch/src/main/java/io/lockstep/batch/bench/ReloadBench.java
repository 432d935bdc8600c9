package io.lockstep.batch.bench;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Native memory across model swaps (issue 13, item 7): loads a bundle, opens its ONNX Runtime
 * session, scores a batch, then closes the previous one, as the streaming job swaps models, over
 * and over, rotating through several bundles, and prints the process RSS ({@code VmRSS} of
 * {@code /proc/self/status}) after a garbage collection every 100 swaps. Users of ONNX Runtime's
 * Java API report memory growth on reload (onnxruntime #14641, #7842); the goal is RSS after
 * 1,000 swaps within 5% of RSS after 100.
 *
 * <p>Run it with a fixed, pre-touched heap ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}) so the
 * heap does not move RSS: what changes is native memory (sessions, tensors, direct buffers).
 */
public final class ReloadBench {
  private final PrintStream out;

  public ReloadBench(PrintStream out) {
    this.out = out;
  }

  /** What a run measured. */
  public record Result(long rssAfter100Kb, long rssAfterLastKb, int swaps) {
    public double ratio() {
      return (double) rssAfterLastKb / rssAfter100Kb;
    }
  }

  public Result run(List<Path> bundles, int swaps, int batch) throws IOException {
    if (swaps < 100) {
      throw new IllegalArgumentException("--swaps must be >= 100 (RSS is compared with the RSS after 100), got " + swaps);
    }
    out.printf("reload bench: %d swaps over %d bundles, batch %d, heap max %d MiB%n", swaps, bundles.size(), batch,
        Runtime.getRuntime().maxMemory() >> 20);
    out.printf("  %6s %10s %10s %14s %16s%n", "swaps", "RSS MiB", "heap MiB", "JVM code+meta", "RSS - code+meta");
    Random random = new Random(1);
    Loaded current = null;
    long after100 = 0;
    long last = 0;
    long nonJvm100 = 0;
    long nonJvmLast = 0;
    long start = System.nanoTime();
    for (int i = 1; i <= swaps; i++) {
      Loaded next = Loaded.open(BundleLoader.load(bundles.get(i % bundles.size())), batch, random);
      next.score();
      if (current != null) {
        current.close();
      }
      current = next;
      if (i % 100 == 0) {
        long rss = settledRssKb();
        long jvm = jvmNonHeapCommittedKb();
        out.printf("  %6d %10.1f %10.1f %14.1f %16.1f%n", i, rss / 1024.0, usedHeapMb(), jvm / 1024.0, (rss - jvm) / 1024.0);
        if (i == 100) {
          after100 = rss;
          nonJvm100 = rss - jvm;
        }
        last = rss;
        nonJvmLast = rss - jvm;
      }
    }
    if (current != null) {
      current.close();
    }
    Result r = new Result(after100, last, swaps);
    out.printf("reload bench: RSS after 100 swaps %.1f MiB, after %d swaps %.1f MiB: ratio %.3f (goal <= 1.05), %.1f s%n",
        after100 / 1024.0, swaps, last / 1024.0, r.ratio(), (System.nanoTime() - start) / 1e9);
    out.printf("reload bench: without the JVM's code cache and metaspace (which grow while the JIT compiles): %.1f -> %.1f MiB,"
        + " ratio %.3f%n", nonJvm100 / 1024.0, nonJvmLast / 1024.0, (double) nonJvmLast / nonJvm100);
    return r;
  }

  /** A scorer and one batch of its width, like one scoring subtask's model. */
  private record Loaded(OnnxScorer scorer, BatchScorer batch, float[] row) {
    static Loaded open(Bundle bundle, int batchSize, Random random) {
      OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults());
      float[] row = new float[scorer.width()];
      for (int c = 0; c < row.length; c++) {
        row[c] = (float) random.nextGaussian();
      }
      return new Loaded(scorer, scorer.newBatch(batchSize), row);
    }

    void score() {
      batch.clear();
      for (int r = 0; r < batch.capacity(); r++) {
        batch.addRow(row);
      }
      batch.score();
    }

    void close() {
      batch.close();
      scorer.close();
    }
  }

  /** Committed bytes of the JVM's non-heap pools (code cache segments, metaspace, class space), in KiB. */
  private static long jvmNonHeapCommittedKb() {
    long bytes = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
        bytes += pool.getUsage().getCommitted();
      }
    }
    return bytes / 1024;
  }

  private static double usedHeapMb() {
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
  }

  /** RSS after a collection has run and freed unreachable direct buffers. */
  private static long settledRssKb() throws IOException {
    System.gc();
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return rssKb();
  }

  /** {@code VmRSS} of {@code /proc/self/status}, in KiB. */
  public static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("/proc/self/status has no VmRSS (not Linux?)");
  }
}
