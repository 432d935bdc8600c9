package io.lockstep.deadletter;

import java.util.Locale;

/**
 * A run dead-lettered more than its budget allows ({@code --max-dead-fraction} after
 * {@code --min-records}). Its message is the one line a user reads: the counts, the limit, the
 * last reason and what to do.
 */
public final class DeadLetterBudgetExceeded extends RuntimeException {
  private final long read;
  private final long dead;

  DeadLetterBudgetExceeded(long read, long dead, double maxDeadFraction, long minRecords, Reason last) {
    super(String.format(Locale.ROOT,
        "dead-letter budget exceeded: %d of %d records read were dead-lettered (%.2f%%), over --max-dead-fraction %s"
            + " (judged after --min-records %d)%s; check the input and the bundle, or raise --max-dead-fraction",
        dead, read, 100.0 * dead / read, maxDeadFraction, minRecords, last == null ? "" : "; last reason " + last.text()));
    this.read = read;
    this.dead = dead;
  }

  public long read() {
    return read;
  }

  public long dead() {
    return dead;
  }
}
