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

  private final String level;
  private final String model;
  private long recordsIn;
  private long scored;
  private long dead;
  private final Map<String, Long> deadByKind = new TreeMap<>();
  private final BatchStats batchStats = new BatchStats();
  private final ReservoirSample latencies = new ReservoirSample(4096, 7);

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
    batchStats.add(rows, nanos);
    latencies.add(nanos / 1e6);
  }

  /** Adds ONNX Runtime calls counted elsewhere (Spark tasks): no latency percentiles then. */
  public void batches(BatchStats stats) {
    batchStats.merge(stats);
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
    return batchStats.batches();
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
    batchStats.toJson(n);
    if (latencies.size() > 0) {
      ObjectNode l = (ObjectNode) n.get("scoring_latency_ms");
      l.put("p50", latencies.quantile(0.5));
      l.put("p99", latencies.quantile(0.99));
    }
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
