package io.lockstep.bundle;

/**
 * What a {@code .zip} bundle may expand to (docs/spec.md, Zip bundles). A zip is refused
 * while it is read, before an entry over a limit is written out whole: a 1 MB zip that inflates
 * to 1 GiB stops after about 1 MiB.
 *
 * <p>Defaults suit real bundles (five files; ONNX weights compress by less than 2x, YAML by about
 * 10x) and can be raised per JVM with the system properties named below, e.g.
 * {@code -Dlockstep.bundle.max-bytes=3221225472} for a model over 1 GiB.
 *
 * @param maxEntries most entries (files and folders) in the zip
 * @param maxBytes most bytes all entries inflate to, together
 * @param maxRatio most an entry may inflate relative to its compressed bytes, checked once
 *     the entry is over {@link #RATIO_FLOOR} bytes (small text files may compress very well)
 */
public record BundleLimits(int maxEntries, long maxBytes, int maxRatio) {
  public static final int DEFAULT_MAX_ENTRIES = 64;
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  public static final int DEFAULT_MAX_RATIO = 100;
  /** Entries smaller than this are never refused for their compression ratio. */
  public static final long RATIO_FLOOR = 1 << 20;

  public static final String ENTRIES_PROPERTY = "lockstep.bundle.max-entries";
  public static final String BYTES_PROPERTY = "lockstep.bundle.max-bytes";
  public static final String RATIO_PROPERTY = "lockstep.bundle.max-ratio";

  public BundleLimits {
    if (maxEntries < 1 || maxBytes < 1 || maxRatio < 1) {
      throw new IllegalArgumentException("bundle zip limits must be positive: entries " + maxEntries
          + ", bytes " + maxBytes + ", ratio " + maxRatio);
    }
  }

  /** The defaults, overridden by the {@code lockstep.bundle.*} system properties where set. */
  public static BundleLimits current() {
    return new BundleLimits(
        (int) property(ENTRIES_PROPERTY, DEFAULT_MAX_ENTRIES),
        property(BYTES_PROPERTY, DEFAULT_MAX_BYTES),
        (int) property(RATIO_PROPERTY, DEFAULT_MAX_RATIO));
  }

  private static long property(String name, long fallback) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + "=" + v + ": not a whole number");
    }
  }
}
