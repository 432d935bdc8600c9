package io.lockstep.features;

/**
 * The text of a field value as {@code one_hot} and {@code hash_bucket} see it: strings as they are,
 * integers in decimal, booleans as {@code true}/{@code false}, integral doubles without a decimal
 * point (so a {@code 3.0} matches {@code 3}), other doubles in Java's shortest round-trip form.
 */
public final class ValueText {
  private ValueText() {}

  public static String of(Object v) {
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Double || v instanceof Float) {
      return ofNumber(((Number) v).doubleValue());
    }
    return String.valueOf(v);
  }

  public static String ofNumber(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
