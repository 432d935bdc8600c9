package io.lockstep.profile;

/**
 * Reference statistics of one column: a feature column after its ops (as the model sees it) or a
 * numeric prediction output. See docs/spec.md, Profiles.
 *
 * @param nulls values that were null, NaN or infinite (not in count, min, max, mean, std or the histogram)
 * @param quantiles the values at {@link #QUANTILES}, from the sample
 * @param exact whether quantiles and histogram come from every value (count within the sample capacity)
 */
public record ColumnProfile(String name, Kind kind, long count, long nulls, double min, double max, double mean,
                            double std, double[] quantiles, Histogram histogram, boolean exact) {

  public static final double[] QUANTILES = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};

  /** What a column is. */
  public enum Kind {
    FEATURE, PREDICTION;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
