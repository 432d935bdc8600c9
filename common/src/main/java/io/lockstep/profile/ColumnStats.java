package io.lockstep.profile;

/**
 * Streaming statistics of one numeric column: count, null/NaN count, min, max, mean and standard
 * deviation (Welford, one pass), and a bounded {@link ReservoirSample} for quantiles. Memory does
 * not grow with the number of values.
 */
public final class ColumnStats {
  private final String name;
  private final ColumnProfile.Kind kind;
  private final ReservoirSample sample;
  private long count;
  private long nulls;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double m2;

  public ColumnStats(String name, ColumnProfile.Kind kind, ReservoirSample sample) {
    this.name = name;
    this.kind = kind;
    this.sample = sample;
  }

  public ColumnStats(String name, ColumnProfile.Kind kind) {
    this(name, kind, new ReservoirSample());
  }

  /** Adds a value; null, NaN and ±Inf count as null (they have no place in a histogram). */
  public void add(Double v) {
    if (v == null) {
      nulls++;
    } else {
      add(v.doubleValue());
    }
  }

  public void add(double v) {
    if (!Double.isFinite(v)) {
      nulls++;
      return;
    }
    count++;
    double d = v - mean;
    mean += d / count;
    m2 += d * (v - mean);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sample.add(v);
  }

  public ReservoirSample sample() {
    return sample;
  }

  public ColumnProfile toProfile() {
    double[] quantiles = new double[ColumnProfile.QUANTILES.length];
    for (int i = 0; i < quantiles.length; i++) {
      quantiles[i] = sample.quantile(ColumnProfile.QUANTILES[i]);
    }
    Histogram h = Histogram.ofSample(sample.sorted(), count);
    double std = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0.0;
    return new ColumnProfile(name, kind, count, nulls, count == 0 ? Double.NaN : min, count == 0 ? Double.NaN : max,
        count == 0 ? Double.NaN : mean, std, quantiles, h, sample.isExact());
  }
}
