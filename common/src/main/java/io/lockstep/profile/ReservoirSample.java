package io.lockstep.profile;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A bounded uniform sample of a stream of doubles (Vitter's algorithm R) from which quantiles are
 * read. Memory is fixed at {@code capacity} doubles whatever the number of values; below that
 * capacity the sample is the whole stream and quantiles are exact.
 *
 * <p>Error: for a sample of k values the empirical CDF is within ε of the stream's with
 * probability at least 1 - 2·exp(-2kε²) (Dvoretzky–Kiefer–Wolfowitz). With the default k = 32,768 a
 * quantile's rank is off by at most 0.01 (one percentile) with probability 0.997, by at most
 * 0.015 with probability 0.99999. The seed is fixed, so the same input gives the same profile.
 */
public final class ReservoirSample {
  public static final int DEFAULT_CAPACITY = 32_768;

  private final double[] values;
  private final SplittableRandom random;
  private long seen;
  private boolean sorted;

  public ReservoirSample(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("sample capacity must be >= 1, got " + capacity);
    }
    this.values = new double[capacity];
    this.random = new SplittableRandom(seed);
  }

  public ReservoirSample() {
    this(DEFAULT_CAPACITY, 0x10C5_7E9L);
  }

  public void add(double v) {
    seen++;
    if (seen <= values.length) {
      values[(int) (seen - 1)] = v;
      sorted = false;
    } else {
      long j = random.nextLong(seen);
      if (j < values.length) {
        values[(int) j] = v;
        sorted = false;
      }
    }
  }

  /** Values offered so far. */
  public long seen() {
    return seen;
  }

  /** Values held (at most the capacity). */
  public int size() {
    return (int) Math.min(seen, values.length);
  }

  public boolean isExact() {
    return seen <= values.length;
  }

  /** The sampled values, sorted ascending (a view; do not modify). */
  public double[] sorted() {
    if (!sorted) {
      Arrays.sort(values, 0, size());
      sorted = true;
    }
    return size() == values.length ? values : Arrays.copyOf(values, size());
  }

  /** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; NaN when empty. */
  public double quantile(double q) {
    int n = size();
    if (n == 0) {
      return Double.NaN;
    }
    double[] s = sorted();
    double pos = q * (n - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(n - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
