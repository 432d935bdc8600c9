package io.lockstep.profile;

import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.io.Serializable;
import java.util.List;

/**
 * Tumbling windows of PSI against a profile, for a stream: a window closes at the first scored row
 * after it has lasted {@code maxMillis} or when it holds {@code maxRecords} rows, and then yields
 * the PSI of every profiled column over its binned rows. A window with fewer than {@code minRecords}
 * binned rows at its time limit is not judged (PSI over a handful of rows is noise): it runs on
 * until it has enough. Engine-free: the Flink scoring operator feeds it; tests drive it with their own clock.
 */
public final class DriftWindow {
  private final LiveBins bins;
  private final Settings settings;
  private long windowStart = -1;
  private long rows;
  /** Rows until the next sampled one; the first row is sampled. */
  private int untilSample = 1;

  /**
   * @param maxMillis processing-time length of a window
   * @param maxRecords rows after which a window closes early
   * @param minRecords binned (sampled) rows a window needs before its time limit closes it: PSI over
   *     n rows of a stable stream is about (bins − 1) / n, 0.04 at 500, so fewer would raise false alerts
   * @param threshold PSI above which a column drifts
   * @param sampleEvery bin one scored row in this many (1: every row). Binning a row's 15 columns
   *     costs about 150 ns, a fifth of the scoring path's ~650 ns of CPU a record (docs/performance.md,
   *     Drift); PSI over a uniform quarter of a 10,000-record window still separates a one-std shift
   *     (PSI ~1) from noise (~0.01)
   */
  public record Settings(long maxMillis, long maxRecords, long minRecords, double threshold, int sampleEvery)
      implements Serializable {
    public static final long DEFAULT_MILLIS = 60_000;
    public static final long DEFAULT_RECORDS = 10_000;
    public static final long DEFAULT_MIN_RECORDS = 500;
    public static final int DEFAULT_SAMPLE_EVERY = 4;

    public Settings {
      if (maxMillis < 1 || maxRecords < 1 || minRecords < 1 || !(threshold > 0) || sampleEvery < 1) {
        throw new IllegalArgumentException("drift window settings must be positive, got " + maxMillis + " ms, " + maxRecords
            + " records, " + minRecords + " min records, threshold " + threshold + ", sample 1 in " + sampleEvery);
      }
    }

    /** Every row binned. */
    public Settings(long maxMillis, long maxRecords, long minRecords, double threshold) {
      this(maxMillis, maxRecords, minRecords, threshold, 1);
    }
  }

  /** A closed window: its bounds (epoch millis), row count and the PSI of every column. */
  public record Closed(long start, long end, long records, List<LiveBins.PsiRow> psi) {}

  public DriftWindow(Profile profile, List<String> featureColumns, List<PredictionField> fields, Settings settings) {
    this.bins = new LiveBins(profile, featureColumns, fields);
    this.settings = settings;
  }

  /** The columns judged, in the order of {@link Closed#psi()}. */
  public List<ColumnProfile> columns() {
    return bins.columns();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Adds one scored row seen at {@code now} (its features are read only when the row is sampled);
   * returns the window it closed, or null. Windows count every row; PSI is over the sampled ones.
   */
  public Closed scored(BatchScorer batch, int row, long now) {
    if (windowStart < 0) {
      windowStart = now;
    }
    if (--untilSample == 0) { // a countdown, not seen % sampleEvery: no division per record
      untilSample = settings.sampleEvery();
      bins.scored(batch, row);
    }
    long n = ++rows;
    boolean timeUp = now - windowStart >= settings.maxMillis() && bins.rows() >= settings.minRecords();
    if (n >= settings.maxRecords() || timeUp) {
      Closed c = new Closed(windowStart, now, n, bins.psi());
      bins.reset();
      rows = 0;
      windowStart = now;
      return c;
    }
    return null;
  }
}
