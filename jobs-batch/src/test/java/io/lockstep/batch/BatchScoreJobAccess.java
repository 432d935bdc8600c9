package io.lockstep.batch;

/** Test access to {@link BatchScoreJob}'s package-private helpers. */
public final class BatchScoreJobAccess {
  private BatchScoreJobAccess() {}

  public static boolean budgetExceeded(Throwable t) {
    return BatchScoreJob.budgetExceeded(t);
  }
}
