package io.lockstep.spec;

import java.util.Locale;

/** Window aggregations (docs/spec.md, Window features). */
public enum Aggregation {
  COUNT, SUM, MEAN, MIN, MAX;

  /** Parses the YAML name ({@code count}, {@code sum}, ...), or returns null if unknown. */
  public static Aggregation parse(String name) {
    for (Aggregation a : values()) {
      if (a.name().toLowerCase(Locale.ROOT).equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** The YAML name. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
