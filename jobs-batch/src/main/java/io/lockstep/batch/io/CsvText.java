package io.lockstep.batch.io;

/**
 * CSV cell text for output values. Numbers are written so they read back to the same value: a
 * {@code float} with {@link Float#toString} (not widened to the double's long decimal), a
 * {@code double} with {@link Double#toString}. Null is an empty cell.
 */
public final class CsvText {
  private CsvText() {}

  public static String cell(Object v) {
    if (v == null) {
      return "";
    }
    String s;
    if (v instanceof Float f) {
      s = Float.toString(f);
    } else if (v instanceof Double d) {
      s = Double.toString(d);
    } else {
      s = v.toString();
    }
    return quote(s);
  }

  public static String quote(String s) {
    boolean needs = s.isEmpty() ? false : s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    if (!needs) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
