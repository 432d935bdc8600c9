package io.lockstep.streaming.scoring;

import io.lockstep.lifecycle.Divergence;
import io.lockstep.lifecycle.ScoreFields;
import java.time.Instant;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Divergence of a shadow candidate from the primary, per subtask, in tumbling processing-time
 * windows that close after {@code statsRecords} pairs or {@code statsMillis} after their first pair
 * (docs/spec.md, Divergence). Each closed window is one JSON summary for
 * {@code <output-topic>.shadow-stats} and the value of the {@code shadow_*} gauges
 * ({@link StreamMonitoring#shadow}; docs/spec.md, Metrics). Summaries of
 * all subtasks and windows together describe exactly the pairs scored: nothing is sampled.
 * Not thread-safe: the task's thread only.
 */
final class ShadowStats {
  private final LifecycleSettings settings;
  private final Counter candidateDeadLettered;
  private Divergence window;
  private long windowStart;

  ShadowStats(MetricGroup operatorGroup, LifecycleSettings settings) {
    this.settings = settings;
    candidateDeadLettered = operatorGroup.addGroup("lockstep").addGroup("shadow").counter("candidateDeadLettered");
  }

  /**
   * A record scored by both.
   *
   * @return true when this pair opened a window (the caller schedules its time bound)
   */
  boolean add(String primary, ScoreFields primaryFields, GenericRecord primaryPrediction,
              String candidate, ScoreFields candidateFields, GenericRecord candidatePrediction, long now) {
    boolean opened = window == null || window.records() == 0;
    if (window == null || !window.primary().equals(primary) || !window.candidate().equals(candidate)) {
      window = new Divergence(primary, candidate);
    }
    if (opened) {
      windowStart = now;
    }
    ScoreFields.add(window, primaryFields, primaryPrediction, candidateFields, candidatePrediction);
    return opened;
  }

  /** The candidate rejected a record the primary scored: counted, never written to the job's dead letters. */
  void candidateRejected() {
    candidateDeadLettered.inc();
  }

  /** The window's summary if it is due (full, or {@code statsMillis} old), else null. */
  Divergence.Summary closeIfDue(long now) {
    if (window == null || window.records() == 0) {
      return null;
    }
    return window.records() >= settings.statsRecords() || now - windowStart >= settings.statsMillis() ? close(now) : null;
  }

  /** The open window's summary whatever its size (the candidate changes, or input ends), else null. */
  Divergence.Summary closeNow(long now) {
    return window == null || window.records() == 0 ? null : close(now);
  }

  long windowDeadline() {
    return windowStart + settings.statsMillis();
  }

  private Divergence.Summary close(long now) {
    Divergence.Summary s = window.summary(Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(now));
    window.reset();
    return s;
  }
}
