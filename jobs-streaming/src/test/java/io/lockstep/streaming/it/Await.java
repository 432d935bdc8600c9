package io.lockstep.streaming.it;

import java.time.Duration;

/** Bounded waits on a condition, for integration tests: never a bare sleep that hopes the job caught up. */
final class Await {
  private static final long POLL_MS = 100;

  private Await() {}

  /** A condition that may fail while it is checked (an I/O error ends the wait as a test failure). */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns as soon as {@code condition} holds; fails with {@code what} once {@code timeout} passed.
   *
   * @throws AssertionError naming what was awaited and for how long
   */
  static void until(Duration timeout, Condition condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check(condition, what)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
      }
      try {
        Thread.sleep(POLL_MS); // the poll interval of a bounded wait, not a wait for the job
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      }
    }
  }

  private static boolean check(Condition condition, String what) {
    try {
      return condition.holds();
    } catch (Exception e) {
      throw new AssertionError("failed while waiting until " + what + ": " + e.getMessage(), e);
    }
  }
}
