package io.lockstep.batch.local;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.deadletter.DeadLetterPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * Options of {@code lockstep score}, validated once before anything starts.
 *
 * @param batchSize rows per ONNX Runtime call
 * @param threads ONNX Runtime intra-op threads
 * @param deadLetters the cap on dead letters' originals and the dead-letter budget
 */
public record ScoreOptions(Path bundle, Path input, Path output, List<String> keep, int batchSize,
                           FileFormat inputFormat, FileFormat outputFormat, int threads,
                           DeadLetterPolicy deadLetters) {

  public static final int DEFAULT_BATCH_SIZE = 512;

  public ScoreOptions {
    keep = List.copyOf(keep);
    deadLetters = deadLetters == null ? DeadLetterPolicy.DEFAULTS : deadLetters;
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("--output must differ from --input (" + input + ")");
    }
  }

  public static ScoreOptions of(Path bundle, Path input, Path output, List<String> keep, int batchSize, int threads) {
    return new ScoreOptions(bundle, input, output, keep, batchSize, FileFormat.of(input.toString()),
        FileFormat.of(output.toString()), threads, DeadLetterPolicy.DEFAULTS);
  }
}
