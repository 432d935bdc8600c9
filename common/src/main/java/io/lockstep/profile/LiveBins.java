package io.lockstep.profile;

import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.ArrayList;
import java.util.List;

/**
 * Live values binned on a profile's reference histograms, for PSI per column: what the batch
 * summaries print and what the streaming job computes per window. Columns are matched by name
 * (feature column names from the pipeline, prediction field names); a column that the profile
 * does not know is ignored. Memory: one counter per bin.
 */
public final class LiveBins implements ScoredRows.Observer {
  private final List<ColumnProfile> columns = new ArrayList<>();
  private final int[] featureColumn;
  private final int[] outputField;
  private final PredictionField.Type[] outputType;
  private final long[][] counts;
  /** Each column's bin boundaries, held directly: the per-row path does one binary search per column and no lookups. */
  private final double[][] cuts;
  private long rows;

  public LiveBins(Profile profile, List<String> featureColumns, List<PredictionField> fields) {
    List<Integer> feat = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    for (ColumnProfile c : profile.columns()) {
      if (c.histogram().bins() == 0) {
        continue;
      }
      if (c.kind() == ColumnProfile.Kind.FEATURE && featureColumns.contains(c.name())) {
        columns.add(c);
        feat.add(featureColumns.indexOf(c.name()));
        out.add(-1);
      } else if (c.kind() == ColumnProfile.Kind.PREDICTION) {
        for (int f = 0; f < fields.size(); f++) {
          if (fields.get(f).name().equals(c.name()) && ScoredRows.isNumeric(fields.get(f))) {
            columns.add(c);
            feat.add(-1);
            out.add(f);
          }
        }
      }
    }
    featureColumn = feat.stream().mapToInt(Integer::intValue).toArray();
    outputField = out.stream().mapToInt(Integer::intValue).toArray();
    outputType = new PredictionField.Type[outputField.length];
    for (int i = 0; i < outputField.length; i++) {
      outputType[i] = outputField[i] < 0 ? null : fields.get(outputField[i]).type();
    }
    counts = new long[columns.size()][];
    cuts = new double[columns.size()][];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new long[columns.get(i).histogram().bins()];
      cuts[i] = columns.get(i).histogram().cuts();
    }
  }

  @Override
  public void scored(float[] features, BatchScorer batch, int row) {
    rows++;
    for (int i = 0; i < counts.length; i++) {
      add(i, featureColumn[i] >= 0 ? features[featureColumn[i]] : output(i, batch, row));
    }
  }

  /** As {@link #scored(float[], BatchScorer, int)}, reading the features in place: the streaming path, no copy per row. */
  public void scored(BatchScorer batch, int row) {
    rows++;
    for (int i = 0; i < counts.length; i++) {
      add(i, featureColumn[i] >= 0 ? batch.feature(row, featureColumn[i]) : output(i, batch, row));
    }
  }

  private double output(int i, BatchScorer batch, int row) {
    if (outputType[i] == PredictionField.Type.FLOAT) {
      return batch.getFloat(outputField[i], row); // unboxed: this runs for every streamed record
    }
    if (outputType[i] == PredictionField.Type.LONG) {
      return batch.getLong(outputField[i], row);
    }
    return ScoredRows.value(batch, outputField[i], row);
  }

  /** The position of {@code column} in {@link #columns()}, or -1 when the profile has no such column. */
  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  /** Adds one value of column {@code i} (in {@link #columns()} order); non-finite values are skipped. */
  public void add(int i, double v) {
    if (Double.isFinite(v)) {
      counts[i][Histogram.bin(cuts[i], v)]++;
    }
  }

  public List<ColumnProfile> columns() {
    return columns;
  }

  public long rows() {
    return rows;
  }

  /** PSI of every matched column, in profile order. */
  public List<PsiRow> psi() {
    List<PsiRow> out = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      ColumnProfile c = columns.get(i);
      out.add(new PsiRow(c.name(), c.kind(), Psi.of(c.histogram().fractions(), counts[i]), counts[i].clone()));
    }
    return out;
  }

  /** A copy of the counts per column and bin, in {@link #columns()} order: what a Spark task hands to the driver. */
  public long[][] counts() {
    long[][] c = new long[counts.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts[i].clone();
    }
    return c;
  }

  /**
   * Adds counts taken by another {@code LiveBins} over the same profile, feature columns and fields
   * (another partition of the same run).
   */
  public void merge(long[][] other) {
    if (other.length != counts.length) {
      throw new IllegalArgumentException("drift counts of " + other.length + " columns cannot merge into " + counts.length);
    }
    for (int i = 0; i < counts.length; i++) {
      if (other[i].length != counts[i].length) {
        throw new IllegalArgumentException("drift counts of column " + columns.get(i).name() + " have " + other[i].length
            + " bins, expected " + counts[i].length);
      }
      for (int b = 0; b < counts[i].length; b++) {
        counts[i][b] += other[i][b];
      }
    }
  }

  /** Starts a new window: clears the counts. */
  public void reset() {
    rows = 0;
    for (long[] c : counts) {
      java.util.Arrays.fill(c, 0);
    }
  }

  /**
   * The PSI table the batch levels print at the end of their summary (the same lines at level 1
   * and on Spark): a header naming the threshold, then one line per column, {@code DRIFT} marking
   * those above it.
   */
  public static List<String> table(List<PsiRow> rows, double threshold) {
    List<String> lines = new ArrayList<>();
    lines.add("PSI against the bundle's profile (threshold " + threshold + "):");
    rows.forEach(r -> lines.add(r.table(threshold)));
    return lines;
  }

  /** PSI of one column over the values seen. */
  public record PsiRow(String column, ColumnProfile.Kind kind, double psi, long[] counts) {
    public String table(double threshold) {
      return String.format("  %-28s %-10s %8.4f%s", column, kind.text(), psi, psi > threshold ? "  DRIFT" : "");
    }
  }
}
