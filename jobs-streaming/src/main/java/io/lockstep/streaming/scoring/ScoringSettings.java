package io.lockstep.streaming.scoring;

import io.lockstep.avro.InputFormat;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.profile.DriftWindow;
import java.io.Serializable;
import java.util.List;

/**
 * What the scoring operator needs from the job's options (the options themselves hold a
 * {@code Path} and stay on the client).
 *
 * @param drift the drift windows, used when the bundle has a profile (docs/spec.md, Drift)
 */
public record ScoringSettings(InputFormat format, List<String> keep, int batchSize, long flushMillis,
                              boolean withFeatures, int onnxThreads, DeadLetterPolicy deadLetters,
                              DriftWindow.Settings drift) implements Serializable {

  /** Default drift windows: 1 min or 10,000 records, PSI threshold 0.2. */
  public static final DriftWindow.Settings DEFAULT_DRIFT = new DriftWindow.Settings(DriftWindow.Settings.DEFAULT_MILLIS,
      DriftWindow.Settings.DEFAULT_RECORDS, DriftWindow.Settings.DEFAULT_MIN_RECORDS, io.lockstep.profile.Psi.DEFAULT_THRESHOLD,
      DriftWindow.Settings.DEFAULT_SAMPLE_EVERY);

  /** The default dead-letter policy (64 KiB originals, no budget) and drift windows: tests and tools. */
  public ScoringSettings(InputFormat format, List<String> keep, int batchSize, long flushMillis, boolean withFeatures,
                         int onnxThreads) {
    this(format, keep, batchSize, flushMillis, withFeatures, onnxThreads, DeadLetterPolicy.DEFAULTS, DEFAULT_DRIFT);
  }
}
