package io.lockstep.profile;

/**
 * Population stability index of live counts against a reference histogram:
 * {@code Σ (a - e) · ln(a / e)} over the bins, with {@code a} and {@code e} the live and reference
 * shares. A share of zero is taken as {@link #FLOOR} so that an empty bin gives a large but finite
 * term. Usual reading: below 0.1 stable, 0.1–0.2 moderate shift, above 0.2 a significant shift.
 */
public final class Psi {
  public static final double FLOOR = 1e-4;
  public static final double DEFAULT_THRESHOLD = 0.2;

  private Psi() {}

  public static double of(double[] expectedFractions, long[] actualCounts) {
    long total = 0;
    for (long c : actualCounts) {
      total += c;
    }
    if (total == 0 || expectedFractions.length == 0) {
      return 0.0;
    }
    double psi = 0;
    for (int i = 0; i < expectedFractions.length; i++) {
      double e = Math.max(expectedFractions[i], FLOOR);
      double a = Math.max((double) actualCounts[i] / total, FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
