package io.lockstep.spec;

/**
 * A window feature's definition: {@code window: {agg, of?, over}}.
 *
 * @param of the aggregated field, null for {@code count}
 * @param overMillis the window length; an event exactly {@code over} older is outside
 * @param overText the length as written ({@code 1h}), for messages and docs
 */
public record WindowDef(Aggregation agg, String of, long overMillis, String overText) {

  /** Parses a duration: an integer followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}. */
  public static long parseDuration(String text) {
    String t = text.trim();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i == t.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write an integer and a unit ms, s, m, h or d (e.g. 90s, 1h, 7d)");
    }
    long n = Long.parseLong(t.substring(0, i));
    long unit = switch (t.substring(i)) {
      case "ms" -> 1L;
      case "s" -> 1_000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      default -> throw new IllegalArgumentException("'" + text + "' has unknown unit '" + t.substring(i) + "': use ms, s, m, h or d");
    };
    if (n <= 0) {
      throw new IllegalArgumentException("'" + text + "' must be positive");
    }
    return Math.multiplyExact(n, unit);
  }
}
