package io.lockstep.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/** A growable ring deque of {@code (time, value)} pairs: push at the back, pop at either end. */
final class TimedValues {
  private long[] times = new long[4];
  private double[] values = new double[4];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long firstTime() {
    return times[head];
  }

  double firstValue() {
    return values[head];
  }

  double lastValue() {
    return values[(head + size - 1) & (times.length - 1)];
  }

  void pushBack(long time, double value) {
    if (size == times.length) {
      grow();
    }
    int i = (head + size) & (times.length - 1);
    times[i] = time;
    values[i] = value;
    size++;
  }

  void popFront() {
    head = (head + 1) & (times.length - 1);
    size--;
  }

  void popBack() {
    size--;
  }

  private void grow() {
    int n = times.length;
    long[] t = new long[n * 2];
    double[] v = new double[n * 2];
    for (int i = 0; i < size; i++) {
      t[i] = times[(head + i) & (n - 1)];
      v[i] = values[(head + i) & (n - 1)];
    }
    times = t;
    values = v;
    head = 0;
  }

  /**
   * Compact form: the count, then each time as the (zig-zag varint) distance to the previous one,
   * the first to {@code reference} (the key's newest event time), and each value as its 8 bytes
   * (values stay bit-exact).
   */
  void write(DataOutput out, boolean withValues, long reference) throws IOException {
    VarInts.writeLong(out, size);
    long previous = reference;
    for (int i = 0; i < size; i++) {
      int j = (head + i) & (times.length - 1);
      VarInts.writeLong(out, times[j] - previous);
      previous = times[j];
      if (withValues) {
        out.writeDouble(values[j]);
      }
    }
  }

  void read(DataInput in, boolean withValues, long reference) throws IOException {
    int n = VarInts.readCount(in);
    allocate(n);
    long previous = reference;
    for (int i = 0; i < n; i++) {
      times[i] = previous + VarInts.readLong(in);
      previous = times[i];
      values[i] = withValues ? in.readDouble() : 0.0;
    }
  }

  /** The first format (savepoints before the compact one): an int count, 8-byte times and values. */
  void readFixedWidth(DataInput in, boolean withValues) throws IOException {
    int n = in.readInt();
    allocate(n);
    for (int i = 0; i < n; i++) {
      times[i] = in.readLong();
      values[i] = withValues ? in.readDouble() : 0.0;
    }
  }

  private void allocate(int n) {
    int cap = Integer.highestOneBit(Math.max(4, n) * 2 - 1);
    times = new long[cap];
    values = new double[cap];
    head = 0;
    size = n;
  }

  @Override
  public String toString() {
    return "TimedValues" + Arrays.toString(Arrays.copyOf(times, size));
  }
}
