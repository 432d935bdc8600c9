package io.lockstep.streaming.scoring;

/**
 * When the scoring operator scores its micro-batch: at once when no more input is waiting, and
 * only under load does a batch grow, up to {@code batchSize} rows or {@code maxWaitMillis}.
 *
 * <p>The operator asks for a <em>drain check</em> when its batch becomes non-empty; the check runs
 * as a mail of the task's mailbox. Flink's mailbox loop, in each iteration, runs the mails that
 * were queued before the iteration began (mails queued by those mails wait for the next one), then
 * one step of input: at most one record, or nothing when no input is waiting. So the first check
 * runs before the task looks at its input again and only queues itself once more; every later check
 * has exactly one input step behind it. A check that finds no record arrived since the previous one
 * knows that step found the input empty, and scores: a lone record waits two loop iterations (a few
 * microseconds), never for the next record or a timer. While records keep arriving, each check
 * queues another and the batch fills, as dynamic batchers in serving systems do (queue delay zero
 * when idle, batches only under load). {@code maxWaitMillis} caps how long the oldest row waits
 * while the input stays busy.
 *
 * <p>Pure logic, no Flink: the operator feeds it events and obeys its answers. Not thread-safe
 * (the task's thread only).
 */
public final class BatchFlushPolicy {
  /** What the operator does next. */
  public enum Action {
    /** Nothing: a check is already queued, or nothing waits. */
    NONE,
    /** Score the batch now. */
    FLUSH,
    /** Queue a drain check in the mailbox. */
    CHECK
  }

  /** {@link #arrivalsAtLastCheck} before a queued check first ran: it cannot judge the input yet. */
  private static final long NOT_YET = -1;

  private final int batchSize;
  private final long maxWaitMillis;
  private boolean checkQueued;
  private long arrivals;
  private long arrivalsAtLastCheck;
  private long oldestSince;

  /**
   * @param batchSize rows per scoring call at most
   * @param maxWaitMillis the longest a row waits while input keeps arriving (0: every record alone)
   */
  public BatchFlushPolicy(int batchSize, long maxWaitMillis) {
    if (batchSize < 1 || maxWaitMillis < 0) {
      throw new IllegalArgumentException("batch size must be >= 1 and max wait >= 0, got " + batchSize + " and " + maxWaitMillis);
    }
    this.batchSize = batchSize;
    this.maxWaitMillis = maxWaitMillis;
  }

  /**
   * A record was read (scored later, or rejected at once).
   *
   * @param buffered rows in the batch after it
   * @param now processing time, ms
   */
  public Action onRecord(int buffered, long now) {
    arrivals++;
    if (buffered >= batchSize || (buffered > 0 && maxWaitMillis == 0)) {
      return Action.FLUSH;
    }
    if (buffered == 1) {
      oldestSince = now;
    }
    if (buffered == 0 || checkQueued) {
      return Action.NONE;
    }
    checkQueued = true;
    arrivalsAtLastCheck = NOT_YET;
    return Action.CHECK;
  }

  /**
   * The queued drain check runs.
   *
   * @param buffered rows in the batch now
   * @param now processing time, ms
   * @return {@link Action#FLUSH} if no record arrived since the last check or the oldest row waited
   *     {@code maxWaitMillis}; {@link Action#CHECK} to look again after the next record;
   *     {@link Action#NONE} if the batch is empty (it was scored meanwhile)
   */
  public Action onCheck(int buffered, long now) {
    if (buffered == 0) {
      checkQueued = false;
      return Action.NONE;
    }
    boolean drained = arrivals == arrivalsAtLastCheck;
    if (drained || now - oldestSince >= maxWaitMillis) {
      checkQueued = false;
      return Action.FLUSH;
    }
    arrivalsAtLastCheck = arrivals;
    return Action.CHECK;
  }

  /** The batch was scored (full, checkpoint, end of input): the next row starts a new wait. */
  public void flushed() {
    // A queued check stays queued; it finds an empty or a younger batch and behaves accordingly.
    oldestSince = Long.MAX_VALUE;
  }
}
