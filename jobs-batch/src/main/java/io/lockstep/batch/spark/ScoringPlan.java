package io.lockstep.batch.spark;

import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.DeadLetterPolicy;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Everything a scoring task needs, built on the driver and shipped with the task: the broadcast
 * bundle, the input layout, options, and where dead letters and counts go.
 *
 * @param emitFeatures adds each prediction's source and feature vector (see {@link PredictionRows})
 * @param deadLetters side files for the job; null for the library API, whose dead letters are rows
 *     of the result (column {@code _dead_letter})
 * @param counters null when nobody reads them (the library API may evaluate a plan twice)
 * @param deadLetterPolicy the cap on dead letters' originals and each task's dead-letter budget
 */
record ScoringPlan(Broadcast<ShippedBundle> bundle, InputLayout layout, List<String> keep, int batchSize,
                   boolean emitFeatures, DeadLetterFiles deadLetters, ScoreCounters counters,
                   Broadcast<SerializableConfiguration> hadoopConf, DeadLetterPolicy deadLetterPolicy)
    implements Serializable {

  ScoringPlan {
    keep = List.copyOf(keep);
    deadLetterPolicy = deadLetterPolicy == null ? DeadLetterPolicy.DEFAULTS : deadLetterPolicy;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
  }

  boolean inlineDeadLetters() {
    return deadLetters == null;
  }
}
