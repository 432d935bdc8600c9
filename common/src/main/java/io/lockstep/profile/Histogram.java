package io.lockstep.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A histogram whose bin boundaries are reference quantiles (the 5%, 10%, …, 95% points), so each
 * bin holds about a twentieth of the reference: the bins used for PSI. Bin {@code i} holds the
 * values {@code x} with {@code cuts[i-1] < x <= cuts[i]}; the first bin is open below, the last
 * open above, so live values outside the reference range still land in a bin.
 *
 * <p>Repeated quantiles (a 0/1 column, an integer label) are merged, and a cut equal to the maximum
 * is dropped (its bin above would be empty in the reference): a discrete column gets one bin per
 * distinct region instead of twenty. {@code edges} is {@code [min, cuts…, max]} for display.
 *
 * @param fractions share of the reference in each bin, from the sample (exact below its capacity)
 * @param counts {@code fractions} times the column's count, rounded
 */
public record Histogram(double[] edges, double[] cuts, double[] fractions, long[] counts) {
  public static final int BINS = 20;

  public static Histogram ofSample(double[] sorted, long total) {
    int n = sorted.length;
    if (n == 0) {
      return new Histogram(new double[0], new double[0], new double[0], new long[0]);
    }
    double max = sorted[n - 1];
    List<Double> cuts = new ArrayList<>();
    for (int i = 1; i < BINS; i++) {
      double c = sorted[(int) Math.floor((double) i / BINS * (n - 1))];
      if (c < max && (cuts.isEmpty() || c > cuts.get(cuts.size() - 1))) {
        cuts.add(c);
      }
    }
    double[] c = cuts.stream().mapToDouble(Double::doubleValue).toArray();
    long[] sampleCounts = new long[c.length + 1];
    for (double v : sorted) {
      sampleCounts[bin(c, v)]++;
    }
    double[] fractions = new double[sampleCounts.length];
    long[] counts = new long[sampleCounts.length];
    for (int i = 0; i < fractions.length; i++) {
      fractions[i] = (double) sampleCounts[i] / n;
      counts[i] = Math.round(fractions[i] * total);
    }
    double[] edges = new double[c.length + 2];
    edges[0] = sorted[0];
    System.arraycopy(c, 0, edges, 1, c.length);
    edges[edges.length - 1] = max;
    return new Histogram(edges, c, fractions, counts);
  }

  public int bins() {
    return fractions.length;
  }

  /** The bin of {@code x}: the number of cuts strictly below it. */
  public int bin(double x) {
    return bin(cuts, x);
  }

  /**
   * The number of {@code cuts} strictly below {@code x} ({@code <} of IEEE 754: -0.0 and 0.0 are
   * equal). A branch-free count over at most 19 cuts, not a binary search: this runs for every
   * binned column of every sampled streamed record, and the count took a third of the time of
   * {@code Arrays.binarySearch}, whose branches the CPU cannot predict (about 9 vs 28 ns a value).
   */
  static int bin(double[] cuts, double x) {
    int below = 0;
    for (double c : cuts) {
      below += c < x ? 1 : 0;
    }
    return below;
  }
}
