package io.lockstep.streaming.scoring;

import io.lockstep.bundle.Bundle;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.profile.ColumnProfile;
import io.lockstep.profile.DriftWindow;
import io.lockstep.profile.LiveBins;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The scoring operator's monitoring besides {@link StreamMetrics} (docs/spec.md, Metrics): dead
 * letters by reason kind, batch sizes and scoring latency as histograms, the model as an info
 * metric, and, with a profile in the bundle, PSI per column over tumbling {@link DriftWindow}s
 * (a gauge per column, and alerts above the threshold). All under the operator's {@code lockstep}
 * group; labels come from key/value groups. Prometheus names (prefix
 * {@code flink_taskmanager_job_task_operator_lockstep_}): {@code kind_deadLettered{kind}},
 * {@code batchSize}, {@code scoringLatencyMs}, {@code model_info{model}}, {@code drift_column_psi{column}}.
 */
final class StreamMonitoring {
  private final Map<Reason.Kind, Counter> deadByKind = new EnumMap<>(Reason.Kind.class);
  private final Histogram batchSize;
  private final Histogram scoringLatency;
  private final DriftWindow drift;
  private final double[] psi;
  private final String model;

  StreamMonitoring(MetricGroup operatorGroup, Bundle bundle, FeaturePipeline pipeline, List<PredictionField> fields,
                   DriftWindow.Settings driftSettings) {
    MetricGroup g = operatorGroup.addGroup("lockstep");
    for (Reason.Kind k : Reason.Kind.values()) {
      deadByKind.put(k, g.addGroup("kind", k.prefix()).counter("deadLettered"));
    }
    batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1_000));
    scoringLatency = g.histogram("scoringLatencyMs", new DescriptiveStatisticsHistogram(1_000));
    model = bundle.id();
    g.addGroup("model", model).gauge("info", (Gauge<Integer>) () -> 1);
    drift = bundle.profile().map(p -> new DriftWindow(p, pipeline.columnNames(), fields, driftSettings)).orElse(null);
    psi = new double[drift == null ? 0 : drift.columns().size()];
    for (int i = 0; i < psi.length; i++) {
      int c = i;
      ColumnProfile col = drift.columns().get(i);
      g.addGroup("drift").addGroup("column", col.name()).gauge("psi", (Gauge<Double>) () -> psi[c]);
    }
  }

  boolean hasDrift() {
    return drift != null;
  }

  void dead(Reason reason) {
    deadByKind.get(reason.kind()).inc();
  }

  void batch(int rows, long nanos) {
    batchSize.update(rows);
    scoringLatency.update(nanos / 1_000_000);
  }

  /** Feeds the drift window; when it closes, updates the gauges and hands each alert to {@code alerts}. */
  void scored(BatchScorer batch, int row, long now, Consumer<io.lockstep.streaming.kafka.OutRecord> alerts) {
    if (drift == null) {
      return;
    }
    DriftWindow.Closed closed = drift.scored(batch, row, now);
    if (closed == null) {
      return;
    }
    for (int i = 0; i < psi.length; i++) {
      LiveBins.PsiRow r = closed.psi().get(i);
      psi[i] = r.psi();
      if (r.psi() > drift.settings().threshold()) {
        alerts.accept(DriftAlerts.of(closed, r, drift.settings().threshold(), model));
      }
    }
  }
}
