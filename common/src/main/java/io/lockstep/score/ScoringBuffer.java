package io.lockstep.score;

import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import java.util.ArrayList;
import java.util.List;

/**
 * A micro-batch of records waiting to be scored, each with the caller's context {@code C} (its
 * source, original bytes, output key...). Engines offer records one at a time and flush when
 * {@link #isFull()}, on a timer or at the end of input; every offered record comes back exactly once,
 * either scored or with a reason, so {@code scored + dead = read} holds by construction.
 *
 * <p>Not thread-safe: one per task or partition.
 */
public final class ScoringBuffer<C> {
  private final FeaturePipeline pipeline;
  private final BatchScorer batch;
  private final List<C> contexts;
  private BatchListener listener;

  /** Receives the outcome of each record. */
  public interface Sink<C> {
    void scored(C context, BatchScorer batch, int row);

    void rejected(C context, Reason reason);
  }

  /** Told the row count and duration of every model call (metrics). */
  public interface BatchListener {
    void batch(int rows, long nanos);
  }

  /** Reports every model call to {@code l} (one listener; null for none). */
  public ScoringBuffer<C> onBatch(BatchListener l) {
    this.listener = l;
    return this;
  }

  public ScoringBuffer(FeaturePipeline pipeline, BatchScorer batch) {
    this.pipeline = pipeline;
    this.batch = batch;
    this.contexts = new ArrayList<>(batch.capacity());
  }

  /**
   * Extracts features; a record whose features fail goes to {@code sink.rejected} at once, others
   * wait for the next flush. Flushes first if the batch is full.
   */
  public void offer(FieldAccessor record, double[] windowValues, C context, Sink<C> sink) {
    if (batch.isFull()) {
      flush(sink);
    }
    Reason reason = batch.add(pipeline, record, windowValues);
    if (reason != null) {
      sink.rejected(context, reason);
    } else {
      contexts.add(context);
    }
  }

  public boolean isFull() {
    return batch.isFull();
  }

  public int size() {
    return batch.size();
  }

  /** Scores the waiting records and hands each to the sink. */
  public void flush(Sink<C> sink) {
    if (batch.isEmpty()) {
      return;
    }
    long start = listener == null ? 0 : System.nanoTime();
    batch.score();
    if (listener != null) {
      listener.batch(batch.size(), System.nanoTime() - start);
    }
    for (int r = 0; r < contexts.size(); r++) {
      Reason failure = batch.failure(r);
      if (failure != null) {
        sink.rejected(contexts.get(r), failure);
      } else {
        sink.scored(contexts.get(r), batch, r);
      }
    }
    contexts.clear();
    batch.clear();
  }

  public BatchScorer batch() {
    return batch;
  }
}
