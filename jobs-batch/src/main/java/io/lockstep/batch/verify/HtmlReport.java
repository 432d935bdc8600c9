package io.lockstep.batch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.profile.Psi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report of {@code lockstep verify}: one self-contained file (inline CSS and SVG, no
 * script, nothing fetched) drawn from the JSON report, so both always agree. Sections: verdict and
 * summary, histogram of score differences, QQ plot of left against right scores, dead-letter
 * reasons side by side, PSI per column against the bundle's profile (when there is one), and the
 * largest differences.
 */
final class HtmlReport {
  private static final String LEFT = "#3b6fb6";
  private static final String RIGHT = "#e08a2c";

  private HtmlReport() {}

  static String render(JsonNode r) {
    StringBuilder h = new StringBuilder(16_384);
    JsonNode v = r.path("verdict");
    boolean pass = v.path("pass").asBoolean();
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>lockstep verify: ")
        .append(pass ? "PASS" : "FAIL").append("</title><style>").append(CSS).append("</style></head><body>");
    h.append("<h1>lockstep verify</h1><p class=\"paths\"><span class=\"l\">left</span> ").append(esc(r.path("left").asText()))
        .append("<br><span class=\"r\">right</span> ").append(esc(r.path("right").asText()))
        .append("<br>joined by ").append(esc(r.path("join").asText())).append("</p>");
    h.append("<div class=\"verdict ").append(pass ? "pass" : "fail").append("\"><b>").append(pass ? "PASS" : "FAIL: " + esc(v.path("check").asText()))
        .append("</b> ").append(esc(v.path("message").asText())).append("</div>");
    summary(h, r);
    h.append("<div class=\"grid\">");
    card(h, "Score differences |left − right|", diffHistogram(r.path("score_diff").path("histogram")));
    card(h, "Left vs right scores (QQ, percentiles 0–100)", qq(r.path("score_quantiles")));
    card(h, "Dead letters by reason", deadLetters(r.path("dead_letters").path("by_reason")));
    if (r.has("psi_profile")) {
      card(h, "PSI per column against the reference profile", psiBars(r.path("psi_profile")));
    }
    h.append("</div>");
    topKeys(h, r.path("top_keys"));
    h.append("<p class=\"foot\">Scores are identical within ").append(r.path("thresholds").path("ulps").asInt())
        .append(" float32 ulp or the tolerance (").append(r.path("thresholds").path("tolerance").asDouble())
        .append("). PSI: &lt; 0.1 stable, 0.1–0.2 moderate, &gt; 0.2 shifted.</p></body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, JsonNode r) {
    JsonNode d = r.path("dead_letters");
    JsonNode s = r.path("score_diff");
    JsonNode f = r.path("label_flips");
    h.append("<table class=\"summary\"><tr><th></th><th class=\"l\">left</th><th class=\"r\">right</th></tr>");
    row(h, "rows", r.path("rows_left").asText(), r.path("rows_right").asText(), false);
    row(h, "rows only on this side", r.path("only_left").path("count").asText(), r.path("only_right").path("count").asText(),
        r.path("only_left").path("count").asLong() + r.path("only_right").path("count").asLong() > 0);
    row(h, "dead letters", d.path("left").asText(), d.path("right").asText(), false);
    row(h, "dead letters only on this side", d.path("only_left").asText(), d.path("only_right").asText(),
        d.path("only_left").asLong() + d.path("only_right").asLong() > 0);
    h.append("</table><table class=\"summary\">");
    kv(h, "joined rows", r.path("joined").asText(), false);
    kv(h, "dead letters with another reason", d.path("reason_changed").asText(), d.path("reason_changed").asLong() > 0);
    kv(h, "scores compared", s.path("compared").asText(), false);
    kv(h, "max |score diff|", num(s.path("max").asDouble()), false);
    kv(h, "p99 |score diff|", num(s.path("p99").asDouble()), false);
    kv(h, "scores beyond tolerance", s.path("beyond_tolerance").asText(), s.path("beyond_tolerance").asLong() > 0);
    kv(h, "label flips", f.path("count").asText() + String.format(Locale.ROOT, " (rate %.4f)", f.path("rate").asDouble()),
        f.path("count").asLong() > 0);
    for (Iterator<Map.Entry<String, JsonNode>> it = r.path("psi_score").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      kv(h, "PSI of " + e.getKey() + " (right vs left)", String.format(Locale.ROOT, "%.4f", e.getValue().asDouble()),
          e.getValue().asDouble() > Psi.DEFAULT_THRESHOLD);
    }
    h.append("</table>");
    JsonNode ex = d.path("examples");
    if (ex.size() > 0) {
      h.append("<p class=\"ex\">");
      ex.forEach(e -> h.append(esc(e.asText())).append("<br>"));
      h.append("</p>");
    }
  }

  private static void row(StringBuilder h, String name, String l, String r, boolean bad) {
    h.append("<tr").append(bad ? " class=\"bad\"" : "").append("><td>").append(esc(name)).append("</td><td>").append(esc(l))
        .append("</td><td>").append(esc(r)).append("</td></tr>");
  }

  private static void kv(StringBuilder h, String name, String value, boolean bad) {
    h.append("<tr").append(bad ? " class=\"bad\"" : "").append("><td>").append(esc(name)).append("</td><td>").append(esc(value))
        .append("</td></tr>");
  }

  private static void card(StringBuilder h, String title, String svg) {
    h.append("<div class=\"card\"><h2>").append(esc(title)).append("</h2>").append(svg).append("</div>");
  }

  private static String diffHistogram(JsonNode buckets) {
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (JsonNode b : buckets) {
      labels.add(b.has("le") ? (b.path("le").asDouble() == 0 ? "0" : "≤" + power(b.path("le").asDouble()))
          : ">" + power(b.path("gt").asDouble()));
      values.add(new double[] {b.path("count").asDouble()});
    }
    return bars(labels, values, new String[] {LEFT}, false, Double.NaN);
  }

  private static String deadLetters(JsonNode byReason) {
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    byReason.fields().forEachRemaining(e -> {
      labels.add(e.getKey());
      values.add(new double[] {e.getValue().path("left").asDouble(), e.getValue().path("right").asDouble()});
    });
    if (labels.isEmpty()) {
      return "<p class=\"none\">no dead letters on either side</p>";
    }
    return hbars(labels, values, Double.NaN) + legend();
  }

  private static String psiBars(JsonNode rows) {
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (JsonNode p : rows) {
      labels.add(p.path("column").asText() + (p.path("kind").asText().equals("prediction") ? " (pred)" : ""));
      values.add(new double[] {p.path("left").asDouble(), p.path("right").asDouble()});
    }
    return hbars(labels, values, Psi.DEFAULT_THRESHOLD) + legend();
  }

  private static String legend() {
    return "<p class=\"legend\"><span class=\"sw\" style=\"background:" + LEFT + "\"></span>left "
        + "<span class=\"sw\" style=\"background:" + RIGHT + "\"></span>right</p>";
  }

  /** Vertical bars, one group per label. */
  private static String bars(List<String> labels, List<double[]> values, String[] colors, boolean legend, double line) {
    int w = 460;
    int hgt = 230;
    int left = 44;
    int bottom = 40;
    double max = 1;
    for (double[] v : values) {
      for (double x : v) {
        max = Math.max(max, x);
      }
    }
    max = max <= 4 ? 4 : niceCeil(max);
    double plotW = w - left - 10;
    double plotH = hgt - bottom - 10;
    double group = plotW / Math.max(1, labels.size());
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", w, hgt, w, hgt));
    axisY(s, left, 10, plotH, max, w);
    for (int i = 0; i < labels.size(); i++) {
      double[] v = values.get(i);
      double bw = (group - 6) / v.length;
      for (int j = 0; j < v.length; j++) {
        double bh = v[j] / max * plotH;
        double x = left + i * group + 3 + j * bw;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>",
            x, 10 + plotH - bh, Math.max(1, bw - 1), bh, colors[j % colors.length], esc(labels.get(i)), shortNum(v[j])));
        if (v[j] > 0) {
          s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%s</text>", x + bw / 2, 10 + plotH - bh - 3,
              shortNum(v[j])));
        }
      }
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\" transform=\"rotate(35 %.1f %d)\">%s</text>",
          left + i * group + group / 2, hgt - bottom + 14, left + i * group + group / 2, hgt - bottom + 14, esc(labels.get(i))));
    }
    s.append("</svg>");
    return s.toString();
  }

  /** Horizontal bar pairs (left, right) per label, with an optional threshold line. */
  private static String hbars(List<String> labels, List<double[]> values, double threshold) {
    int w = 460;
    int labelW = 170;
    int rowH = 24;
    int hgt = labels.size() * rowH + 30;
    double max = Double.isNaN(threshold) ? 0 : threshold * 1.25;
    for (double[] v : values) {
      for (double x : v) {
        max = Math.max(max, x);
      }
    }
    max = max <= 0 ? 1 : max;
    if (!Double.isNaN(threshold)) {
      max = Math.min(max, threshold * 2.5); // a huge PSI must not squash the others: longer bars are cut, marked »
    }
    double plotW = w - labelW - 50;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", w, hgt, w, hgt));
    for (int i = 0; i < labels.size(); i++) {
      double y = 6 + i * rowH;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%s</text>", labelW - 6, y + 14, esc(clip(labels.get(i), 26))));
      double[] v = values.get(i);
      for (int j = 0; j < v.length; j++) {
        boolean cut = v[j] > max;
        double bw = Math.min(v[j], max) / max * plotW;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"9\" fill=\"%s\"><title>%s %s: %s</title></rect>",
            labelW, y + 2 + j * 10, Math.max(0.5, bw), j == 0 ? LEFT : RIGHT, esc(labels.get(i)), j == 0 ? "left" : "right", shortNum(v[j])));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"hv\">%s%s</text>", labelW + Math.max(0.5, bw) + 3,
            y + 10 + j * 10, cut ? "» " : "", shortNum(v[j])));
      }
    }
    if (!Double.isNaN(threshold)) {
      double x = labelW + threshold / max * plotW;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"%d\" class=\"thr\"/>"
          + "<text x=\"%.1f\" y=\"%d\" class=\"thrl\">threshold %s</text>", x, x, hgt - 18, x, hgt - 6, shortNum(threshold)));
    }
    s.append("</svg>");
    return s.toString();
  }

  /** QQ plot of the first score field (the others in the JSON). */
  private static String qq(JsonNode quantiles) {
    Iterator<Map.Entry<String, JsonNode>> it = quantiles.fields();
    if (!it.hasNext()) {
      return "<p class=\"none\">no score compared</p>";
    }
    Map.Entry<String, JsonNode> first = it.next();
    JsonNode pts = first.getValue();
    if (pts.size() == 0) {
      return "<p class=\"none\">no score compared</p>";
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (JsonNode p : pts) {
      lo = Math.min(lo, Math.min(p.get(0).asDouble(), p.get(1).asDouble()));
      hi = Math.max(hi, Math.max(p.get(0).asDouble(), p.get(1).asDouble()));
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    int size = 230;
    int pad = 44;
    double plot = size - pad - 12;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", size + 230, size, size + 230, size));
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"12\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>", pad, plot, plot));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"12\" class=\"diag\"/>", pad, 12 + plot, pad + plot));
    for (JsonNode p : pts) {
      double x = pad + (p.get(0).asDouble() - lo) / (hi - lo) * plot;
      double y = 12 + plot - (p.get(1).asDouble() - lo) / (hi - lo) * plot;
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"/>", x, y, RIGHT));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"ax\">%s</text><text x=\"%.1f\" y=\"%d\" class=\"ax\" text-anchor=\"end\">%s</text>",
        pad, size - 18, shortNum(lo), pad + plot, size - 18, shortNum(hi)));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axt\">left %s</text>", pad + plot / 2, size - 4, esc(first.getKey())));
    s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%.1f\" class=\"axt\" transform=\"rotate(-90 12 %.1f)\">right %s</text>",
        12 + plot / 2, 12 + plot / 2, esc(first.getKey())));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"40\" class=\"note\">points on the diagonal:</text>"
        + "<text x=\"%d\" y=\"56\" class=\"note\">both sides have the same</text><text x=\"%d\" y=\"72\" class=\"note\">score distribution</text>",
        size + 10, size + 10, size + 10));
    s.append("</svg>");
    return s.toString();
  }

  private static void axisY(StringBuilder s, int left, int top, double plotH, double max, int w) {
    for (int i = 0; i <= 4; i++) {
      double y = top + plotH - i * plotH / 4;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"gl\"/>"
          + "<text x=\"%d\" y=\"%.1f\" class=\"yt\">%s</text>", left, y, w - 10, y, left - 4, y + 4, shortNum(max * i / 4)));
    }
  }

  private static void topKeys(StringBuilder h, JsonNode top) {
    if (top.size() == 0) {
      return;
    }
    h.append("<h2>Largest score differences</h2><table class=\"top\"><tr><th>key / source</th><th>field</th>"
        + "<th class=\"l\">left</th><th class=\"r\">right</th><th>|diff|</th></tr>");
    for (JsonNode t : top) {
      h.append("<tr><td>").append(esc(t.path("key").asText())).append("</td><td>").append(esc(t.path("field").asText()))
          .append("</td><td>").append(t.path("left").asText()).append("</td><td>").append(t.path("right").asText())
          .append("</td><td>").append(num(t.path("diff").asDouble())).append("</td></tr>");
    }
    h.append("</table>");
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  /** {@code 1e-3} for 0.001, {@code 1} for 1. */
  private static String power(double v) {
    int e = (int) Math.round(Math.log10(v));
    return e == 0 ? "1" : "1e" + e;
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}: a round axis maximum. */
  private static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String num(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String shortNum(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return String.valueOf((long) v);
    }
    double a = Math.abs(v);
    if (a >= 0.001 && a < 1e4) {
      return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.1e", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final String CSS = """
      body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1d2430;margin:24px 32px;background:#f6f7f9}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:14px;margin:0 0 8px;color:#39424e}
      .paths{color:#5a6472;font-size:12px;margin:0 0 12px;font-family:'DejaVu Sans Mono',monospace}
      .l{color:#3b6fb6;font-weight:600}.r{color:#e08a2c;font-weight:600}
      .verdict{padding:10px 14px;border-radius:6px;margin:0 0 14px;font-size:15px}
      .pass{background:#e3f4e6;border:1px solid #7cc48b}.fail{background:#fbe6e4;border:1px solid #e08a80}
      table.summary{border-collapse:collapse;display:inline-table;vertical-align:top;margin:0 18px 12px 0;background:#fff}
      table.summary td,table.summary th{border:1px solid #dfe3e8;padding:4px 10px;text-align:right}
      table.summary td:first-child{text-align:left;color:#39424e}
      tr.bad td{background:#fdeceb;font-weight:600}
      .ex{font-family:'DejaVu Sans Mono',monospace;font-size:12px;color:#8a2b22}
      .grid{display:grid;grid-template-columns:repeat(2,minmax(480px,1fr));gap:14px}
      .card{background:#fff;border:1px solid #dfe3e8;border-radius:6px;padding:12px}
      svg text{font-size:10px;fill:#39424e}.xl{text-anchor:start}.yt{text-anchor:end}.yl{text-anchor:end;font-size:11px}
      .val{text-anchor:middle;font-size:9px}.hv{font-size:9px}line.gl{stroke:#e6e9ee}
      .thr{stroke:#c0392b;stroke-dasharray:4 3}.thrl{fill:#c0392b;text-anchor:middle}
      .frame{fill:none;stroke:#c9ced6}.diag{stroke:#9aa3ae;stroke-dasharray:3 3}.ax{font-size:10px}.axt{font-size:11px;text-anchor:middle}
      .note{font-size:11px;fill:#5a6472}
      .legend{font-size:12px;margin:4px 0 0}.sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
      .none{color:#5a6472}
      table.top{border-collapse:collapse;background:#fff;margin-top:4px}table.top td,table.top th{border:1px solid #dfe3e8;padding:3px 10px;font-size:12px}
      .foot{color:#5a6472;font-size:12px;margin-top:16px}
      """;
}
