package io.lockstep.deadletter;

import picocli.CommandLine.Option;

/**
 * The dead-letter flags of every level ({@code lockstep score}, the Spark job, the streaming job): one
 * picocli mixin that builds one {@link DeadLetterPolicy} (docs/spec.md, Dead letters). picocli is an
 * optional dependency of common: only the command lines that mix this in need it.
 */
public final class DeadLetterFlags {

  @Option(names = "--dead-letter-max-original", paramLabel = "BYTES",
      defaultValue = "" + DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES,
      description = "Bytes of the input kept in a dead letter's 'original'; longer ones are cut and marked"
          + " original_truncated (default: ${DEFAULT-VALUE}).")
  int maxOriginalBytes;

  @Option(names = "--max-dead-fraction", paramLabel = "F", defaultValue = "" + DeadLetterPolicy.DEFAULT_MAX_DEAD_FRACTION,
      description = "Stop the run when more than this fraction of the records read were dead-lettered"
          + " (default: ${DEFAULT-VALUE}, never).")
  double maxDeadFraction;

  @Option(names = "--min-records", paramLabel = "N", defaultValue = "" + DeadLetterPolicy.DEFAULT_MIN_RECORDS,
      description = "Judge --max-dead-fraction only after this many records were read (default: ${DEFAULT-VALUE}).")
  long minRecords;

  public DeadLetterPolicy policy() {
    return new DeadLetterPolicy(maxOriginalBytes, maxDeadFraction, minRecords);
  }
}
