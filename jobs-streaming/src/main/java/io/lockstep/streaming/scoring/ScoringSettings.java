package io.lockstep.streaming.scoring;

import io.lockstep.avro.InputFormat;
import io.lockstep.deadletter.DeadLetterPolicy;
import java.io.Serializable;
import java.util.List;

/**
 * What the scoring operator needs from the job's options (the options themselves hold a
 * {@code Path} and stay on the client).
 */
public record ScoringSettings(InputFormat format, List<String> keep, int batchSize, long flushMillis,
                              boolean withFeatures, int onnxThreads, DeadLetterPolicy deadLetters) implements Serializable {

  /** The default dead-letter policy (64 KiB originals, no budget): tests and tools. */
  public ScoringSettings(InputFormat format, List<String> keep, int batchSize, long flushMillis, boolean withFeatures,
                         int onnxThreads) {
    this(format, keep, batchSize, flushMillis, withFeatures, onnxThreads, DeadLetterPolicy.DEFAULTS);
  }
}
