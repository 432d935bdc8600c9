package io.lockstep.streaming.scoring;

import io.lockstep.bundle.Bundle;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.lifecycle.Divergence;
import io.lockstep.profile.ColumnProfile;
import io.lockstep.profile.DriftWindow;
import io.lockstep.profile.LiveBins;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The scoring operator's monitoring besides {@link StreamMetrics} (docs/spec.md, Metrics): batch
 * sizes and scoring latency as histograms, the model as an info
 * metric, the candidate's divergence from the primary (gauges the lifecycle work feeds through
 * {@link #shadow}) and, with a profile in the bundle, PSI per column over tumbling
 * {@link DriftWindow}s (a gauge per column, and alerts above the threshold). All under the
 * operator's {@code lockstep} group; labels come from key/value groups. Prometheus names (prefix
 * {@code flink_taskmanager_job_task_operator_lockstep_}): {@code batchSize},
 * {@code scoringLatencyUs}, {@code model_info{model}}, {@code shadow_meanAbsDiff} (and
 * {@code _records}, {@code _maxAbsDiff}, {@code _p99AbsDiff}, {@code _labelFlipRate}),
 * {@code drift_column_psi{column}}.
 */
final class StreamMonitoring {
  private final MetricGroup group;
  private final Histogram batchSize;
  private final Histogram scoringLatency;
  private final DriftWindow drift;
  private final double[] psi;
  /** Every model that was primary in this operator, for its info gauge: 1 while it is the primary. */
  private final Set<String> modelsSeen = new HashSet<>();
  private volatile String model;
  private volatile Divergence.Summary shadow;

  StreamMonitoring(MetricGroup operatorGroup, Bundle bundle, FeaturePipeline pipeline, List<PredictionField> fields,
                   DriftWindow.Settings driftSettings) {
    group = operatorGroup.addGroup("lockstep");
    batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1_000));
    scoringLatency = group.histogram("scoringLatencyUs", new DescriptiveStatisticsHistogram(1_000));
    primary(bundle.id());
    MetricGroup s = group.addGroup("shadow");
    s.gauge("records", (Gauge<Double>) () -> shadow == null ? Double.NaN : shadow.records());
    s.gauge("meanAbsDiff", (Gauge<Double>) () -> orNaN(shadow == null ? null : shadow.meanAbsDiff()));
    s.gauge("maxAbsDiff", (Gauge<Double>) () -> orNaN(shadow == null ? null : shadow.maxAbsDiff()));
    s.gauge("p99AbsDiff", (Gauge<Double>) () -> orNaN(shadow == null ? null : shadow.p99AbsDiff()));
    s.gauge("labelFlipRate", (Gauge<Double>) () -> orNaN(shadow == null ? null : shadow.labelFlipRate()));
    drift = bundle.profile().map(p -> new DriftWindow(p, pipeline.columnNames(), fields, driftSettings)).orElse(null);
    psi = new double[drift == null ? 0 : drift.columns().size()];
    for (int i = 0; i < psi.length; i++) {
      int c = i;
      ColumnProfile col = drift.columns().get(i);
      group.addGroup("drift").addGroup("column", col.name()).gauge("psi", (Gauge<Double>) () -> psi[c]);
    }
  }

  /**
   * The model now scoring as primary (at open, and after a swap, promote or rollback): its
   * {@code model_info{model}} gauge reads 1 and that of every model it replaced 0 (Flink cannot
   * unregister a metric); drift alerts name it.
   */
  void primary(String id) {
    model = id;
    if (modelsSeen.add(id)) {
      group.addGroup("model", id).gauge("info", (Gauge<Integer>) () -> id.equals(model) ? 1 : 0);
    }
  }

  /**
   * The divergence of the candidate from the primary over the last closed shadow window
   * ({@code shadow_records}, {@code shadow_meanAbsDiff}, {@code shadow_maxAbsDiff},
   * {@code shadow_p99AbsDiff}, {@code shadow_labelFlipRate}); null when the candidate is gone: the
   * gauges read NaN, as they do before any candidate.
   */
  void shadow(Divergence.Summary summary) {
    shadow = summary;
  }

  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  boolean hasDrift() {
    return drift != null;
  }

  void batch(int rows, long nanos) {
    batchSize.update(rows);
    scoringLatency.update(nanos / 1_000); // microseconds: most calls take less than a millisecond
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
