package io.lockstep.batch.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.batch.local.SourceColumn;
import io.lockstep.profile.Histogram;
import io.lockstep.profile.LiveBins;
import io.lockstep.profile.Psi;
import io.lockstep.profile.ReservoirSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares two prediction outputs (docs/spec.md, Verify): joins them by key or by source position,
 * compares every prediction field present on both sides (floats within 4 ulp or the tolerance,
 * everything else exactly), and the dead letters by source and reason.
 *
 * <p>Memory: the right side's join keys and compared values are held in a hash map (about 100
 * bytes a row plus the key text), at most {@link VerifySettings#maxRows} rows, and the left side
 * streams through; statistics use fixed-size samples. Beyond the limit the comparison stops with
 * an error naming the flag; sort both outputs by key and compare them in slices instead.
 */
public final class Comparison {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Fields that describe a run, not a prediction: never compared. */
  private static final Set<String> RUN_FIELDS = Set.of("model", "scored_at", "_features", SourceColumn.NAME);
  /** Upper bounds of the |difference| histogram; the last bucket is open. */
  static final double[] DIFF_BUCKETS = {0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};

  private final VerifySettings settings;
  private final LiveBins leftDrift;
  private final LiveBins rightDrift;

  /**
   * @param leftDrift and {@code rightDrift}: prediction columns binned on a reference profile for
   *     PSI bars (both null without a profile)
   */
  public Comparison(VerifySettings settings, LiveBins leftDrift, LiveBins rightDrift) {
    this.settings = settings;
    this.leftDrift = leftDrift;
    this.rightDrift = rightDrift;
  }

  public VerifyReport compare(PredictionFiles left, PredictionFiles right) throws IOException {
    return compare(left, right, null);
  }

  /** @param psiProfile per-column PSI computed elsewhere (feature columns of a scoring run), or null */
  public VerifyReport compare(PredictionFiles left, PredictionFiles right, List<VerifyReport.ProfilePsi> psiProfile)
      throws IOException {
    Side r = new Side();
    List<String> fields;
    Map<String, Object[]> rightRows = new HashMap<>();
    try (PredictionFiles.Rows rows = right.rows()) {
      Map<String, Object> row = rows.next();
      fields = row == null ? List.of() : comparedFields(row);
      Map<String, Integer> occurrences = new HashMap<>();
      for (; row != null; row = rows.next()) {
        r.rows++;
        if (r.rows > settings.maxRows()) {
          throw new IllegalArgumentException(right.path() + ": more than " + settings.maxRows()
              + " rows to hold for the join; raise --max-rows (about 100 bytes a row) or compare slices");
        }
        String key = joinKey(row, right, occurrences);
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = row.get(fields.get(i));
        }
        rightRows.put(key, values);
        observe(rightDrift, row);
      }
    }
    Map<String, Kind> kinds = new LinkedHashMap<>();
    Stats stats = new Stats();
    Side l = new Side();
    try (PredictionFiles.Rows rows = left.rows()) {
      Map<String, Integer> occurrences = new HashMap<>();
      int[] rightIndex = null;
      for (Map<String, Object> row = rows.next(); row != null; row = rows.next()) {
        l.rows++;
        if (rightIndex == null) {
          rightIndex = shared(fields, row, kinds, left);
        }
        String key = joinKey(row, left, occurrences);
        observe(leftDrift, row);
        Object[] other = rightRows.remove(key);
        if (other == null) {
          l.only++;
          l.examples(key);
          continue;
        }
        stats.joined++;
        int k = 0;
        for (Map.Entry<String, Kind> e : kinds.entrySet()) {
          stats.compare(key, e.getKey(), e.getValue(), row.get(e.getKey()), other[rightIndex[k++]]);
        }
      }
    }
    r.only = rightRows.size();
    rightRows.keySet().stream().sorted().limit(10).forEach(r::examples);
    DeadLetterSet leftDead = DeadLetterSet.read(left.deadLetters(), settings.maxRows());
    DeadLetterSet rightDead = DeadLetterSet.read(right.deadLetters(), settings.maxRows());
    return report(left, right, l, r, stats, leftDead, rightDead, psiProfile);
  }

  private void observe(LiveBins bins, Map<String, Object> row) {
    if (bins == null) {
      return;
    }
    for (int i = 0; i < bins.columns().size(); i++) {
      if (row.get(bins.columns().get(i).name()) instanceof Number n) {
        bins.add(i, n.doubleValue());
      }
    }
  }

  /** The fields of the first right row that can be compared: all but join keys and run metadata. */
  private List<String> comparedFields(Map<String, Object> row) {
    List<String> out = new ArrayList<>();
    for (String f : row.keySet()) {
      if (!RUN_FIELDS.contains(f) && !settings.key().contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /** Fields present on both sides, classified on the left's first row; their positions in the right arrays. */
  private int[] shared(List<String> rightFields, Map<String, Object> first, Map<String, Kind> kinds, PredictionFiles left) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < rightFields.size(); i++) {
      String f = rightFields.get(i);
      if (first.containsKey(f)) {
        kinds.put(f, isScore(left, f, first.get(f)) ? Kind.SCORE : Kind.LABEL);
        idx.add(i);
      }
    }
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean isScore(PredictionFiles side, String field, Object value) {
    if (side.schema() != null && side.schema().getField(field) != null) {
      String t = side.schema().getField(field).schema().toString();
      return t.contains("\"float\"") || t.contains("\"double\"");
    }
    return value instanceof Double;
  }

  private String joinKey(Map<String, Object> row, PredictionFiles side, Map<String, Integer> occurrences) {
    String key;
    if (settings.key().isEmpty()) {
      if (!row.containsKey(SourceColumn.NAME)) {
        throw new IllegalArgumentException(side.path() + ": no --key given and the predictions have no " + SourceColumn.NAME
            + " column to join by source position: pass --key COLS, or score with --emit-source (Spark: --emit-features)");
      }
      key = String.valueOf(row.get(SourceColumn.NAME));
    } else {
      StringBuilder b = new StringBuilder();
      for (String k : settings.key()) {
        if (!row.containsKey(k)) {
          throw new IllegalArgumentException(side.path() + ": --key column '" + k + "' is not in the predictions (columns: "
              + String.join(", ", row.keySet()) + ")");
        }
        b.append(b.length() == 0 ? "" : ",").append(row.get(k));
      }
      key = b.toString();
    }
    int n = occurrences.merge(key, 1, Integer::sum);
    return n == 1 ? key : key + " #" + n;
  }

  private VerifyReport report(PredictionFiles left, PredictionFiles right, Side l, Side r, Stats stats, DeadLetterSet ld,
                              DeadLetterSet rd, List<VerifyReport.ProfilePsi> psiProfile) {
    ObjectNode n = JSON.createObjectNode();
    n.put("left", left.path().toString());
    n.put("right", right.path().toString());
    n.put("join", settings.key().isEmpty() ? "source (" + SourceColumn.NAME + ")" : "key " + String.join(",", settings.key()));
    n.put("rows_left", l.rows);
    n.put("rows_right", r.rows);
    n.put("joined", stats.joined);
    side(n.putObject("only_left"), l);
    side(n.putObject("only_right"), r);

    ObjectNode dead = n.putObject("dead_letters");
    dead.put("left", ld.count);
    dead.put("right", rd.count);
    List<String> deadOnlyLeft = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(ld.reasonBySource).entrySet()) {
      String other = rd.reasonBySource.get(e.getKey());
      if (other == null) {
        deadOnlyLeft.add(e.getKey() + " " + e.getValue());
      } else if (!other.equals(e.getValue())) {
        changed.add(e.getKey() + ": " + e.getValue() + " -> " + other);
      }
    }
    List<String> deadOnlyRight = new TreeMap<>(rd.reasonBySource).entrySet().stream()
        .filter(e -> !ld.reasonBySource.containsKey(e.getKey())).map(e -> e.getKey() + " " + e.getValue()).toList();
    dead.put("only_left", deadOnlyLeft.size());
    dead.put("only_right", deadOnlyRight.size());
    dead.put("reason_changed", changed.size());
    ArrayNode examples = dead.putArray("examples");
    deadOnlyLeft.stream().limit(5).forEach(s -> examples.add("only left: " + s));
    deadOnlyRight.stream().limit(5).forEach(s -> examples.add("only right: " + s));
    changed.stream().limit(5).forEach(s -> examples.add("reason changed: " + s));
    ObjectNode byReason = dead.putObject("by_reason");
    TreeMap<String, long[]> reasons = new TreeMap<>();
    ld.countByReason.forEach((k, v) -> reasons.computeIfAbsent(k, x -> new long[2])[0] = v);
    rd.countByReason.forEach((k, v) -> reasons.computeIfAbsent(k, x -> new long[2])[1] = v);
    reasons.forEach((k, v) -> byReason.putObject(k).put("left", v[0]).put("right", v[1]));

    stats.scoreDiff(n.putObject("score_diff"), settings);
    stats.flips(n.putObject("label_flips"));
    ObjectNode psi = n.putObject("psi_score");
    double maxPsi = 0;
    for (Map.Entry<String, ReservoirSample[]> e : stats.samples.entrySet()) {
      double[] ls = e.getValue()[0].sorted();
      Histogram h = Histogram.ofSample(ls, ls.length);
      long[] counts = new long[h.bins()];
      for (double v : e.getValue()[1].sorted()) {
        counts[h.bin(v)]++;
      }
      double p = Psi.of(h.fractions(), counts);
      psi.put(e.getKey(), p);
      maxPsi = Math.max(maxPsi, p);
    }
    stats.top(n.putArray("top_keys"));
    stats.quantiles(n.putObject("score_quantiles"));
    List<VerifyReport.ProfilePsi> profileRows = new ArrayList<>(psiProfile == null ? List.of() : psiProfile);
    if (leftDrift != null && rightDrift != null) {
      List<LiveBins.PsiRow> lp = leftDrift.psi();
      List<LiveBins.PsiRow> rp = rightDrift.psi();
      for (int i = 0; i < lp.size(); i++) {
        profileRows.add(new VerifyReport.ProfilePsi(lp.get(i).column(), lp.get(i).kind().text(), lp.get(i).psi(), rp.get(i).psi()));
      }
    }
    if (!profileRows.isEmpty()) {
      ArrayNode a = n.putArray("psi_profile");
      profileRows.forEach(p -> a.addObject().put("column", p.column()).put("kind", p.kind()).put("left", p.left()).put("right", p.right()));
    }
    VerifyReport.Verdict verdict = verdict(l, r, deadOnlyLeft, deadOnlyRight, changed, stats, maxPsi);
    ObjectNode v = n.putObject("verdict");
    v.put("pass", verdict.pass());
    if (!verdict.pass()) {
      v.put("check", verdict.check());
    }
    v.put("message", verdict.message());
    ObjectNode th = n.putObject("thresholds");
    th.put("tolerance", settings.tolerance());
    th.put("ulps", VerifySettings.ULPS);
    th.put("max_flip_rate", settings.maxFlipRate());
    if (!Double.isNaN(settings.maxPsi())) {
      th.put("max_psi", settings.maxPsi());
    }
    return new VerifyReport(n, verdict);
  }

  private VerifyReport.Verdict verdict(Side l, Side r, List<String> deadOnlyLeft, List<String> deadOnlyRight, List<String> changed,
                                       Stats stats, double maxPsi) {
    if (l.only > 0) {
      return VerifyReport.Verdict.fail("only_left", l.only + " row(s) only in left, first: " + l.firstExamples());
    }
    if (r.only > 0) {
      return VerifyReport.Verdict.fail("only_right", r.only + " row(s) only in right, first: " + r.firstExamples());
    }
    if (!deadOnlyLeft.isEmpty() || !deadOnlyRight.isEmpty() || !changed.isEmpty()) {
      String first = !changed.isEmpty() ? "reason changed at " + changed.get(0)
          : !deadOnlyLeft.isEmpty() ? "only in left: " + deadOnlyLeft.get(0) : "only in right: " + deadOnlyRight.get(0);
      return VerifyReport.Verdict.fail("dead_letters", (deadOnlyLeft.size() + deadOnlyRight.size() + changed.size())
          + " dead letter(s) differ, first " + first);
    }
    if (stats.beyond > 0) {
      Diff d = stats.firstBeyond;
      return VerifyReport.Verdict.fail("score_diff", stats.beyond + " score(s) differ by more than "
          + (settings.tolerance() > 0 ? settings.tolerance() + " and " : "") + VerifySettings.ULPS + " ulp, first at " + d.key
          + " " + d.field + ": " + d.left + " vs " + d.right);
    }
    double rate = stats.joined == 0 ? 0 : (double) stats.flips / stats.joined;
    if (rate > settings.maxFlipRate()) {
      Diff d = stats.firstFlip;
      return VerifyReport.Verdict.fail("label_flips", String.format("%d label flip(s) (rate %.4f > --max-flip-rate %s), first at %s %s: %s vs %s",
          stats.flips, rate, settings.maxFlipRate(), d.key, d.field, d.left, d.right));
    }
    if (!Double.isNaN(settings.maxPsi()) && maxPsi > settings.maxPsi()) {
      return VerifyReport.Verdict.fail("psi_score", String.format("score PSI %.4f > --max-psi %s", maxPsi, settings.maxPsi()));
    }
    return VerifyReport.Verdict.pass(String.format("%,d rows joined by %s: same rows, same dead letters, scores within %s, %d label flip(s)",
        stats.joined, settings.key().isEmpty() ? "source" : "key",
        VerifySettings.ULPS + " ulp" + (settings.tolerance() > 0 ? " or " + settings.tolerance() : ""), stats.flips));
  }

  private static void side(ObjectNode o, Side s) {
    o.put("count", s.only);
    ArrayNode a = o.putArray("examples");
    s.examples.forEach(a::add);
  }

  enum Kind { SCORE, LABEL }

  /** One compared value pair. */
  record Diff(String key, String field, Object left, Object right, double diff) {}

  /** Row counts of one side. */
  private static final class Side {
    long rows;
    long only;
    final List<String> examples = new ArrayList<>();

    void examples(String key) {
      if (examples.size() < 10) {
        examples.add(key);
      }
    }

    String firstExamples() {
      return String.join(", ", examples.subList(0, Math.min(3, examples.size())));
    }
  }

  /** Differences over the joined rows, with fixed memory. */
  private final class Stats {
    long joined;
    long compared;
    long beyond;
    long flips;
    double max;
    Diff firstBeyond;
    Diff firstFlip;
    final ReservoirSample diffs = new ReservoirSample(ReservoirSample.DEFAULT_CAPACITY, 3);
    final long[] buckets = new long[DIFF_BUCKETS.length + 1];
    final Map<String, double[]> fieldMax = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> flipPairs = new LinkedHashMap<>();
    final List<String> flipKeys = new ArrayList<>();
    final Map<String, ReservoirSample[]> samples = new LinkedHashMap<>();
    final PriorityQueue<Diff> top = new PriorityQueue<>(Comparator.comparingDouble(Diff::diff));

    void compare(String key, String field, Kind kind, Object left, Object right) {
      if (kind == Kind.SCORE) {
        double a = number(left);
        double b = number(right);
        ReservoirSample[] s = samples.computeIfAbsent(field, f -> new ReservoirSample[] {
            new ReservoirSample(ReservoirSample.DEFAULT_CAPACITY, 11), new ReservoirSample(ReservoirSample.DEFAULT_CAPACITY, 11)});
        if (Double.isFinite(a)) {
          s[0].add(a);
        }
        if (Double.isFinite(b)) {
          s[1].add(b);
        }
        double diff = Double.isNaN(a) && Double.isNaN(b) ? 0 : Math.abs(a - b);
        if (Double.isNaN(diff)) {
          diff = Double.POSITIVE_INFINITY;
        }
        compared++;
        diffs.add(diff);
        max = Math.max(max, diff);
        int i = 0;
        while (i < DIFF_BUCKETS.length && diff > DIFF_BUCKETS[i]) {
          i++;
        }
        buckets[i]++;
        double[] fm = fieldMax.computeIfAbsent(field, f -> new double[2]);
        fm[0] = Math.max(fm[0], diff);
        Diff d = new Diff(key, field, left, right, diff);
        if (!settings.within(a, b)) {
          beyond++;
          fm[1]++;
          if (firstBeyond == null) {
            firstBeyond = d;
          }
        }
        if (diff > 0 && settings.top() > 0) {
          if (top.size() < settings.top()) {
            top.add(d);
          } else if (diff > top.peek().diff) {
            top.poll();
            top.add(d);
          }
        }
      } else if (!sameLabel(left, right)) {
        flips++;
        if (flipKeys.size() < 100) {
          flipKeys.add(key);
        }
        if (firstFlip == null) {
          firstFlip = new Diff(key, field, left, right, 1);
        }
        Map<String, Long> pairs = flipPairs.computeIfAbsent(field, f -> new TreeMap<>());
        String pair = left + " -> " + right;
        if (pairs.size() < 100 || pairs.containsKey(pair)) {
          pairs.merge(pair, 1L, Long::sum);
        }
      } else {
        flipPairs.computeIfAbsent(field, f -> new TreeMap<>());
      }
    }

    private static boolean sameLabel(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return x.doubleValue() == y.doubleValue();
      }
      return Objects.equals(a == null ? null : a.toString(), b == null ? null : b.toString());
    }

    private static double number(Object v) {
      return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    void scoreDiff(ObjectNode o, VerifySettings s) {
      o.put("compared", compared);
      o.put("max", max);
      o.put("p99", compared == 0 ? 0 : diffs.quantile(0.99));
      o.put("beyond_tolerance", beyond);
      o.put("tolerance", s.tolerance());
      ArrayNode h = o.putArray("histogram");
      for (int i = 0; i < buckets.length; i++) {
        ObjectNode b = h.addObject();
        if (i < DIFF_BUCKETS.length) {
          b.put("le", DIFF_BUCKETS[i]);
        } else {
          b.put("gt", DIFF_BUCKETS[DIFF_BUCKETS.length - 1]);
        }
        b.put("count", buckets[i]);
      }
      ObjectNode f = o.putObject("fields");
      fieldMax.forEach((k, v) -> f.putObject(k).put("max", v[0]).put("beyond_tolerance", (long) v[1]));
    }

    void flips(ObjectNode o) {
      o.put("count", flips);
      o.put("rate", joined == 0 ? 0 : (double) flips / joined);
      ArrayNode keys = o.putArray("examples");
      flipKeys.forEach(keys::add);
      ObjectNode f = o.putObject("fields");
      flipPairs.forEach((k, v) -> {
        ObjectNode x = f.putObject(k);
        x.put("count", v.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode p = x.putObject("pairs");
        v.forEach(p::put);
      });
    }

    void top(ArrayNode a) {
      List<Diff> all = new ArrayList<>(top);
      all.sort(Comparator.comparingDouble((Diff d) -> d.diff).reversed());
      for (Diff d : all) {
        ObjectNode o = a.addObject();
        o.put("key", d.key);
        o.put("field", d.field);
        o.put("left", number(d.left));
        o.put("right", number(d.right));
        o.put("diff", d.diff);
      }
    }

    /** Percentiles 1..99 of each score field on both sides: the data of the QQ plot. */
    void quantiles(ObjectNode o) {
      samples.forEach((field, s) -> {
        ArrayNode pts = o.putArray(field);
        if (s[0].size() == 0 || s[1].size() == 0) {
          return;
        }
        for (int p = 0; p <= 100; p++) {
          pts.addArray().add(s[0].quantile(p / 100.0)).add(s[1].quantile(p / 100.0));
        }
      });
    }
  }
}
