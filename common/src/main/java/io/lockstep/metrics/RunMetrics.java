package io.lockstep.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.profile.LiveBins;
import io.lockstep.profile.ReservoirSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of a batch run that {@code --metrics-json FILE} writes at the end, the same at
 * single node and on Spark (docs/spec.md, Metrics): records in, scored, dead letters by reason
 * kind, batch sizes, scoring latency per ONNX Runtime call, the model's {@code name@version} and,
 * with a profile in the bundle, PSI per column. Not thread-safe.
 */
public final class RunMetrics {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Upper bounds of the batch-size buckets (powers of two; the last is open). */
  static final int[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

  private final String level;
  private final String model;
  private long recordsIn;
  private long scored;
  private long dead;
  private final Map<String, Long> deadByKind = new TreeMap<>();
  private long batches;
  private long batchRows;
  private int maxBatch;
  private final long[] batchBuckets = new long[BATCH_BUCKETS.length + 1];
  private final ReservoirSample latencies = new ReservoirSample(4096, 7);
  private double latencyMaxMs;
  private double latencySumMs;

  public RunMetrics(String level, String model) {
    this.level = level;
    this.model = model;
  }

  public void recordIn() {
    recordsIn++;
  }

  public void scored() {
    scored++;
  }

  /** One dead letter of reason kind {@code kind} ({@code decode}, {@code missing}, …). */
  public void dead(String kind) {
    dead++;
    deadByKind.merge(kind, 1L, Long::sum);
  }

  /** One ONNX Runtime call over {@code rows} rows that took {@code nanos}. */
  public void batch(int rows, long nanos) {
    batches++;
    batchRows += rows;
    maxBatch = Math.max(maxBatch, rows);
    int b = 0;
    while (b < BATCH_BUCKETS.length && rows > BATCH_BUCKETS[b]) {
      b++;
    }
    batchBuckets[b]++;
    double ms = nanos / 1e6;
    latencies.add(ms);
    latencySumMs += ms;
    latencyMaxMs = Math.max(latencyMaxMs, ms);
  }

  /** Sets the record counts directly (engines that count elsewhere, e.g. Spark accumulators). */
  public void counts(long recordsIn, long scored, Map<String, Long> deadByKind) {
    this.recordsIn = recordsIn;
    this.scored = scored;
    this.deadByKind.clear();
    this.deadByKind.putAll(deadByKind);
    this.dead = deadByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  public long recordsIn() {
    return recordsIn;
  }

  public long scoredCount() {
    return scored;
  }

  public long deadCount() {
    return dead;
  }

  public Map<String, Long> deadByKind() {
    return deadByKind;
  }

  public long batches() {
    return batches;
  }

  /**
   * @param seconds wall time of the run
   * @param drift PSI per column against the bundle's profile, or null without one
   */
  public ObjectNode toJson(double seconds, List<LiveBins.PsiRow> drift) {
    ObjectNode n = JSON.createObjectNode();
    n.put("level", level);
    n.put("model", model);
    n.put("records_in", recordsIn);
    n.put("scored", scored);
    n.put("dead", dead);
    ObjectNode kinds = n.putObject("dead_by_reason_kind");
    deadByKind.forEach(kinds::put);
    ObjectNode b = n.putObject("batch_size");
    b.put("batches", batches);
    b.put("mean", batches == 0 ? 0 : (double) batchRows / batches);
    b.put("max", maxBatch);
    ObjectNode buckets = b.putObject("histogram");
    for (int i = 0; i < batchBuckets.length; i++) {
      if (batchBuckets[i] > 0) {
        buckets.put(i < BATCH_BUCKETS.length ? "le_" + BATCH_BUCKETS[i] : "gt_" + BATCH_BUCKETS[BATCH_BUCKETS.length - 1],
            batchBuckets[i]);
      }
    }
    ObjectNode l = n.putObject("scoring_latency_ms");
    l.put("count", batches);
    l.put("mean", batches == 0 ? 0 : latencySumMs / batches);
    l.put("p50", batches == 0 ? 0 : latencies.quantile(0.5));
    l.put("p99", batches == 0 ? 0 : latencies.quantile(0.99));
    l.put("max", latencyMaxMs);
    n.put("seconds", seconds);
    n.put("records_per_second", seconds <= 0 ? 0 : recordsIn / seconds);
    if (drift != null) {
      ObjectNode d = n.putObject("drift_psi");
      drift.forEach(r -> d.put(r.column(), r.psi()));
    }
    return n;
  }

  public void write(Path file, double seconds, List<LiveBins.PsiRow> drift) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(toJson(seconds, drift)) + "\n");
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
