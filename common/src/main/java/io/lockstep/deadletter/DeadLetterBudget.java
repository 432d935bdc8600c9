package io.lockstep.deadletter;

/**
 * Counts records read and dead-lettered and stops the run when too many are bad: once at least
 * {@code minRecords} were read, more than {@code maxDeadFraction} of them dead-lettered throws
 * {@link DeadLetterBudgetExceeded}. A run over a wrong file or with a wrong model then ends with one
 * clear line instead of a dead letter per record. Judged on every dead letter (the only event that
 * raises the fraction) and when the read count reaches {@code minRecords}; {@link #checkFinal} judges
 * a finished run whose totals are summed elsewhere (Spark's accumulators).
 *
 * <p>Not thread-safe: one per run, task or operator instance.
 */
public final class DeadLetterBudget {
  private final double maxDeadFraction;
  private final long minRecords;
  private long read;
  private long dead;
  private Reason last;

  DeadLetterBudget(double maxDeadFraction, long minRecords) {
    this.maxDeadFraction = maxDeadFraction;
    this.minRecords = minRecords;
  }

  /** Whether this budget can ever stop a run ({@code maxDeadFraction < 1}). */
  public boolean enabled() {
    return maxDeadFraction < 1;
  }

  /** One record read (before its outcome is known). */
  public void read() {
    read++;
    if (read == minRecords && dead > 0) {
      check(read, dead, last);
    }
  }

  /** One record dead-lettered with {@code reason}; throws if the budget is now exceeded. */
  public void dead(Reason reason) {
    dead++;
    last = reason;
    if (read >= minRecords) {
      check(read, dead, reason);
    }
  }

  public long readCount() {
    return read;
  }

  public long deadCount() {
    return dead;
  }

  /** Judges a finished run's totals (summed over tasks), by the same rule as during a run. */
  public void checkFinal(long totalRead, long totalDead) {
    if (totalRead >= minRecords) {
      check(totalRead, totalDead, last);
    }
  }

  private void check(long read, long dead, Reason last) {
    if (dead > maxDeadFraction * read) {
      throw new DeadLetterBudgetExceeded(read, dead, maxDeadFraction, minRecords, last);
    }
  }
}
