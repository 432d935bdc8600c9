package io.lockstep.deadletter;

import java.io.Serializable;

/**
 * How a run treats its dead letters, the same at every level (docs/spec.md, Dead letters): the cap on
 * each dead letter's {@code original}, and the dead-letter budget that stops a run whose input is
 * mostly bad (as Beam's failure threshold does) instead of writing a dead letter per record.
 *
 * @param maxOriginalBytes {@code --dead-letter-max-original}: bytes of the original kept in a dead letter
 * @param maxDeadFraction {@code --max-dead-fraction}: the run stops when more than this fraction of the
 *     records read were dead-lettered; 1 (the default) never stops
 * @param minRecords {@code --min-records}: the fraction is judged only once this many records were read
 */
public record DeadLetterPolicy(int maxOriginalBytes, double maxDeadFraction, long minRecords) implements Serializable {

  /** 64 KiB: enough to see what was wrong, far below Kafka's 1 MB record limit even in base64. */
  public static final int DEFAULT_MAX_ORIGINAL_BYTES = 64 * 1024;
  public static final double DEFAULT_MAX_DEAD_FRACTION = 1.0;
  public static final long DEFAULT_MIN_RECORDS = 1000;

  public static final DeadLetterPolicy DEFAULTS =
      new DeadLetterPolicy(DEFAULT_MAX_ORIGINAL_BYTES, DEFAULT_MAX_DEAD_FRACTION, DEFAULT_MIN_RECORDS);

  public DeadLetterPolicy {
    if (maxOriginalBytes < 0) {
      throw new IllegalArgumentException("--dead-letter-max-original must be >= 0 bytes, got " + maxOriginalBytes);
    }
    if (!(maxDeadFraction >= 0 && maxDeadFraction <= 1)) {
      throw new IllegalArgumentException("--max-dead-fraction must be between 0 and 1, got " + maxDeadFraction);
    }
    if (minRecords < 1) {
      throw new IllegalArgumentException("--min-records must be >= 1, got " + minRecords);
    }
  }

  /** A fresh budget for one run, task or operator instance. */
  public DeadLetterBudget newBudget() {
    return new DeadLetterBudget(maxDeadFraction, minRecords);
  }
}
