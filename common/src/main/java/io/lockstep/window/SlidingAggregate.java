package io.lockstep.window;

import io.lockstep.spec.Aggregation;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One window feature's state for one key. Events must arrive in non-decreasing time order (every
 * level guarantees it: batch sorts by {@code (time, input order)}, streaming releases behind a
 * watermark), so expiry pops from the front of a deque: amortised O(1) per event.
 */
abstract class SlidingAggregate {

  static SlidingAggregate create(Aggregation agg) {
    return switch (agg) {
      case COUNT -> new Count();
      case SUM -> new Sum(false);
      case MEAN -> new Sum(true);
      case MIN -> new Extreme(false);
      case MAX -> new Extreme(true);
    };
  }

  /** Drops every event with {@code time <= cutoff}, i.e. outside {@code (t - over, t]}. */
  abstract void evict(long cutoff);

  /** Adds an event; {@code value} is NaN when the {@code of} field is null or NaN. */
  abstract void add(long time, double value);

  /** The aggregate over the events now in the window. */
  abstract double value();

  /** Writes the compact form; times relative to {@code reference}, the key's newest event time. */
  abstract void write(DataOutput out, long reference) throws IOException;

  /** Reads the compact form, or the first, fixed-width one ({@code fixedWidth}: older savepoints). */
  abstract void read(DataInput in, long reference, boolean fixedWidth) throws IOException;

  /** {@code count}: counts events, including those whose {@code of} would be null. */
  static final class Count extends SlidingAggregate {
    private final TimedValues events = new TimedValues();

    void evict(long cutoff) {
      while (!events.isEmpty() && events.firstTime() <= cutoff) {
        events.popFront();
      }
    }

    void add(long time, double value) {
      events.pushBack(time, 0.0);
    }

    double value() {
      return events.size();
    }

    void write(DataOutput out, long reference) throws IOException {
      events.write(out, false, reference);
    }

    void read(DataInput in, long reference, boolean fixedWidth) throws IOException {
      if (fixedWidth) {
        events.readFixedWidth(in, false);
      } else {
        events.read(in, false, reference);
      }
    }
  }

  /** {@code sum} and {@code mean}: exact sum of the non-null values; mean of none is NaN. */
  static final class Sum extends SlidingAggregate {
    private final boolean mean;
    private final TimedValues events = new TimedValues();
    private final ExactSum sum = new ExactSum();

    Sum(boolean mean) {
      this.mean = mean;
    }

    void evict(long cutoff) {
      while (!events.isEmpty() && events.firstTime() <= cutoff) {
        sum.remove(events.firstValue());
        events.popFront();
      }
      if (events.isEmpty()) {
        sum.clear();
      }
    }

    void add(long time, double value) {
      if (!Double.isNaN(value)) {
        events.pushBack(time, value);
        sum.add(value);
      }
    }

    double value() {
      if (!mean) {
        return sum.value();
      }
      return events.isEmpty() ? Double.NaN : sum.value() / events.size();
    }

    void write(DataOutput out, long reference) throws IOException {
      events.write(out, true, reference);
      sum.write(out);
    }

    void read(DataInput in, long reference, boolean fixedWidth) throws IOException {
      if (fixedWidth) {
        events.readFixedWidth(in, true);
        sum.readFixedWidth(in);
      } else {
        events.read(in, true, reference);
        sum.read(in);
      }
    }
  }

  /**
   * {@code min} / {@code max}: a monotonic deque. An event that can never be the extreme again (an
   * older one dominated by a newer one) is dropped on arrival, so the front is always the answer.
   */
  static final class Extreme extends SlidingAggregate {
    private final boolean max;
    private final TimedValues candidates = new TimedValues();

    Extreme(boolean max) {
      this.max = max;
    }

    void evict(long cutoff) {
      while (!candidates.isEmpty() && candidates.firstTime() <= cutoff) {
        candidates.popFront();
      }
    }

    void add(long time, double value) {
      if (Double.isNaN(value)) {
        return;
      }
      while (!candidates.isEmpty() && dominated(candidates.lastValue(), value)) {
        candidates.popBack();
      }
      candidates.pushBack(time, value);
    }

    private boolean dominated(double older, double newer) {
      return max ? older <= newer : older >= newer;
    }

    double value() {
      return candidates.isEmpty() ? Double.NaN : candidates.firstValue();
    }

    void write(DataOutput out, long reference) throws IOException {
      candidates.write(out, true, reference);
    }

    void read(DataInput in, long reference, boolean fixedWidth) throws IOException {
      if (fixedWidth) {
        candidates.readFixedWidth(in, true);
      } else {
        candidates.read(in, true, reference);
      }
    }
  }
}
