package io.lockstep.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How far a candidate's predictions are from the primary's on the same records (docs/spec.md,
 * Divergence): counts, mean, max and 99th percentile of the absolute score difference, and the
 * share of records whose label differs.
 *
 * <p>The streaming job computes it per subtask and per window and merges; {@code lockstep score
 * --shadow} and the Spark job compute it over a whole input. Both must print equal summaries for
 * the same records, so every statistic depends only on the multiset of pairs, never on their
 * order or on how they were split:
 * <ul>
 *   <li>the sum of differences is exact ({@link BigDecimal}, every double is exactly representable)
 *       and rounded once, by {@link MathContext#DECIMAL128} division, when the mean is read;</li>
 *   <li>{@code max} is a max;</li>
 *   <li>{@code p99} is read from a histogram with fixed buckets: a difference's bucket is its
 *       IEEE-754 exponent and the top {@value #MANTISSA_BITS} bits of its mantissa, so bucket counts
 *       add on merge. The reported value is the nearest-rank 99th percentile's bucket midpoint,
 *       capped at the exact max: within a relative 2^-11 (0.05%) of the exact nearest-rank value;
 *       0 when that difference is 0.</li>
 * </ul>
 * Not thread-safe: one per subtask, merged.
 *
 * <p>A pair whose difference is not finite (one score NaN or infinite; two NaN scores count as
 * equal, difference 0) counts in {@code records} and for labels, but not in the difference
 * statistics: the mean is over the pairs with a finite difference.
 */
public final class Divergence implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MANTISSA_BITS = 10;
  private static final int SHIFT = 52 - MANTISSA_BITS;

  private final String primary;
  private final String candidate;
  private long records;
  private long measured;
  private long flips;
  private BigDecimal sum = BigDecimal.ZERO;
  private double max;
  private final HashMap<Long, Long> buckets = new HashMap<>();

  /** @param primary {@code name@version} of the primary; @param candidate of the candidate */
  public Divergence(String primary, String candidate) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.candidate = Objects.requireNonNull(candidate, "candidate");
  }

  /**
   * One record scored by both.
   *
   * @param primaryLabel the primary's label (compared as text; null when the bundles have no label field)
   */
  public void add(double primaryScore, double candidateScore, Object primaryLabel, Object candidateLabel) {
    records++;
    if (!sameLabel(primaryLabel, candidateLabel)) {
      flips++;
    }
    double diff = Double.isNaN(primaryScore) && Double.isNaN(candidateScore) ? 0.0 : Math.abs(primaryScore - candidateScore);
    if (!Double.isFinite(diff)) {
      return;
    }
    measured++;
    sum = sum.add(new BigDecimal(diff));
    max = Math.max(max, diff);
    buckets.merge(bucketOf(diff), 1L, Long::sum);
  }

  private static boolean sameLabel(Object a, Object b) {
    return a == null ? b == null : b != null && a.toString().equals(b.toString());
  }

  /** Adds {@code other}'s pairs to this one; both must compare the same two models. */
  public Divergence merge(Divergence other) {
    if (!primary.equals(other.primary) || !candidate.equals(other.candidate)) {
      throw new IllegalArgumentException("cannot merge divergence of " + other.primary + " vs " + other.candidate
          + " into " + primary + " vs " + candidate);
    }
    records += other.records;
    measured += other.measured;
    flips += other.flips;
    sum = sum.add(other.sum);
    max = Math.max(max, other.max);
    other.buckets.forEach((k, v) -> buckets.merge(k, v, Long::sum));
    return this;
  }

  public long records() {
    return records;
  }

  public String primary() {
    return primary;
  }

  public String candidate() {
    return candidate;
  }

  /** Starts over (a new window), keeping the two models. */
  public void reset() {
    records = 0;
    measured = 0;
    flips = 0;
    sum = BigDecimal.ZERO;
    max = 0;
    buckets.clear();
  }

  /**
   * The summary of every pair added so far.
   *
   * @param windowStart when the window started (null for a whole input, offline)
   * @param windowEnd when the window ended (null for a whole input, offline)
   */
  public Summary summary(Instant windowStart, Instant windowEnd) {
    Double mean = null;
    Double maxDiff = null;
    Double p99 = null;
    if (measured > 0) {
      mean = sum.divide(BigDecimal.valueOf(measured), MathContext.DECIMAL128).doubleValue();
      maxDiff = max;
      p99 = quantile(0.99);
    }
    Double flipRate = records == 0 ? null : (double) flips / records;
    return new Summary(primary, candidate, records, mean, maxDiff, p99, flipRate, windowStart, windowEnd);
  }

  /** Nearest rank: the smallest difference with at least {@code ceil(q * n)} differences at or below it. */
  private double quantile(double q) {
    long rank = Math.max(1, (long) Math.ceil(q * measured));
    long seen = 0;
    for (Map.Entry<Long, Long> e : new TreeMap<>(buckets).entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return Math.min(midpoint(e.getKey()), max);
      }
    }
    return max;
  }

  /** Non-negative doubles order like their bit patterns, so the top bits are an ordered, fixed bucket. */
  static long bucketOf(double nonNegative) {
    return Double.doubleToLongBits(nonNegative) >>> SHIFT;
  }

  static double midpoint(long bucket) {
    if (bucket == 0) {
      return 0.0;
    }
    double lo = Double.longBitsToDouble(bucket << SHIFT);
    double hi = Double.longBitsToDouble((bucket + 1) << SHIFT);
    return lo + (hi - lo) / 2;
  }

  /**
   * The JSON written to {@code <output-topic>.shadow-stats} and {@code <output>.shadow-stats.json}, fields in
   * this order. Statistics of an empty set are null.
   *
   * @param windowStart written as ISO-8601 UTC (as drift alerts' windows); null for a whole offline input
   * @param windowEnd written as ISO-8601 UTC; null for a whole offline input
   */
  public record Summary(String primary, String candidate, long records, Double meanAbsDiff, Double maxAbsDiff,
                        Double p99AbsDiff, Double labelFlipRate, Instant windowStart, Instant windowEnd) {

    public ObjectNode toJson() {
      ObjectNode o = ControlJson.object();
      o.put("primary", primary);
      o.put("candidate", candidate);
      o.put("records", records);
      ControlJson.putNullable(o, "mean_abs_diff", meanAbsDiff);
      ControlJson.putNullable(o, "max_abs_diff", maxAbsDiff);
      ControlJson.putNullable(o, "p99_abs_diff", p99AbsDiff);
      ControlJson.putNullable(o, "label_flip_rate", labelFlipRate);
      o.put("window_start", windowStart == null ? null : windowStart.toString());
      o.put("window_end", windowEnd == null ? null : windowEnd.toString());
      return o;
    }

    public String json() {
      return ControlJson.text(toJson());
    }

    public static Summary parse(byte[] json) {
      JsonNode n = ControlJson.parseObject(json);
      Long records = ControlJson.optionalLong(n, "records");
      if (records == null) {
        throw new IllegalArgumentException("missing field 'records'");
      }
      return new Summary(ControlJson.requiredText(n, "primary"), ControlJson.requiredText(n, "candidate"), records,
          ControlJson.optionalNumber(n, "mean_abs_diff"), ControlJson.optionalNumber(n, "max_abs_diff"),
          ControlJson.optionalNumber(n, "p99_abs_diff"), ControlJson.optionalNumber(n, "label_flip_rate"),
          instant(n, "window_start"), instant(n, "window_end"));
    }

    private static Instant instant(JsonNode n, String field) {
      String text = ControlJson.optionalText(n, field);
      try {
        return text == null ? null : Instant.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("field '" + field + "' must be an ISO-8601 instant, got '" + ControlJson.abbreviate(text) + "'");
      }
    }

    /** The same statistics without the window bounds: what an offline run and a stream must agree on. */
    public Summary withoutWindow() {
      return new Summary(primary, candidate, records, meanAbsDiff, maxAbsDiff, p99AbsDiff, labelFlipRate, null, null);
    }

    /** Human lines for a run summary. */
    public String describe() {
      return String.format(java.util.Locale.ROOT,
          "divergence %s vs %s over %d records: mean |diff| %s, max %s, p99 %s, label flips %s",
          primary, candidate, records, num(meanAbsDiff), num(maxAbsDiff), num(p99AbsDiff),
          labelFlipRate == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f%%", labelFlipRate * 100));
    }

    private static String num(Double d) {
      return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.6g", d);
    }
  }
}
