package io.lockstep.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * An exact running sum of doubles that supports removal, rounded once when read (Shewchuk's
 * non-overlapping partials, as Python's {@code math.fsum}). A plain running {@code sum += x; sum -= y}
 * drifts: after a large value leaves the window its rounding error stays behind forever. With exact
 * partials the value of a window depends only on the values inside it, never on the history, which
 * is what makes batch backfills and long-running streams agree.
 */
final class ExactSum {
  private double[] partials = new double[4];
  private int size;
  private int posInf;
  private int negInf;

  void add(double x) {
    if (Double.isInfinite(x)) {
      if (x > 0) {
        posInf++;
      } else {
        negInf++;
      }
      return;
    }
    int i = 0;
    for (int j = 0; j < size; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    if (i == partials.length) {
      partials = Arrays.copyOf(partials, i * 2);
    }
    partials[i] = x;
    size = i + 1;
  }

  void remove(double x) {
    if (Double.isInfinite(x)) {
      if (x > 0) {
        posInf--;
      } else {
        negInf--;
      }
      return;
    }
    add(-x);
  }

  /** The exact sum rounded to the nearest double (ties to even). */
  double value() {
    if (posInf > 0 && negInf > 0) {
      return Double.NaN;
    }
    if (posInf > 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (negInf > 0) {
      return Double.NEGATIVE_INFINITY;
    }
    int n = size;
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))) {
      double y = lo * 2.0;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }

  void clear() {
    size = 0;
    posInf = 0;
    negInf = 0;
  }

  /** Compact form: varint count, the partials' 8 bytes each (exact), varint infinity counts. */
  void write(DataOutput out) throws IOException {
    VarInts.writeLong(out, size);
    for (int i = 0; i < size; i++) {
      out.writeDouble(partials[i]);
    }
    VarInts.writeLong(out, posInf);
    VarInts.writeLong(out, negInf);
  }

  void read(DataInput in) throws IOException {
    readPartials(in, VarInts.readCount(in));
    posInf = VarInts.readCount(in);
    negInf = VarInts.readCount(in);
  }

  /** The first format: a short count, the partials, int infinity counts. */
  void readFixedWidth(DataInput in) throws IOException {
    readPartials(in, in.readUnsignedShort());
    posInf = in.readInt();
    negInf = in.readInt();
  }

  private void readPartials(DataInput in, int n) throws IOException {
    size = n;
    if (partials.length < size) {
      partials = new double[size];
    }
    for (int i = 0; i < size; i++) {
      partials[i] = in.readDouble();
    }
  }
}
