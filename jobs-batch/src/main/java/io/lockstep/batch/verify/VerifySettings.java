package io.lockstep.batch.verify;

import java.util.List;

/**
 * Thresholds and limits of {@code lockstep verify}, validated once (docs/spec.md, Verify).
 *
 * @param key join columns; empty: join by source position ({@code _source})
 * @param tolerance absolute score difference allowed on top of 4 ulp of the float32 score
 * @param maxFlipRate share of joined rows whose label may differ
 * @param maxPsi largest PSI of the right scores against the left ones, or NaN for no check
 * @param top how many of the largest differences to list
 * @param maxRows rows (and dead letters) of the right side held for the join; more is an error
 */
public record VerifySettings(List<String> key, double tolerance, double maxFlipRate, double maxPsi, int top, long maxRows) {
  public static final long DEFAULT_MAX_ROWS = 5_000_000L;
  /** Scores within this many float32 ulps are identical (the parity contract of every level). */
  public static final int ULPS = 4;

  public VerifySettings {
    key = List.copyOf(key);
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("--tolerance must be >= 0, got " + tolerance);
    }
    if (!(maxFlipRate >= 0 && maxFlipRate <= 1)) {
      throw new IllegalArgumentException("--max-flip-rate must be in [0, 1], got " + maxFlipRate);
    }
    if (top < 0) {
      throw new IllegalArgumentException("--top must be >= 0, got " + top);
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("--max-rows must be >= 1, got " + maxRows);
    }
  }

  public static VerifySettings defaults() {
    return new VerifySettings(List.of(), 0.0, 0.0, Double.NaN, 10, DEFAULT_MAX_ROWS);
  }

  /** Whether two scores are the same within {@link #ULPS} float32 ulps or the tolerance. */
  public boolean within(double left, double right) {
    if (Double.isNaN(left) || Double.isNaN(right)) {
      return Double.isNaN(left) && Double.isNaN(right);
    }
    double diff = Math.abs(left - right);
    return diff <= tolerance || diff <= ULPS * (double) Math.ulp((float) right);
  }
}
