package io.lockstep.batch.cli;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.batch.verify.Comparison;
import io.lockstep.batch.verify.PredictionFiles;
import io.lockstep.batch.verify.VerifyReport;
import io.lockstep.batch.verify.VerifySettings;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.profile.LiveBins;
import io.lockstep.profile.Profile;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionField;
import io.lockstep.score.ScorerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep verify}: compares two prediction outputs of any level, or scores an input with a
 * bundle and a candidate and compares those (docs/spec.md, Verify). Exit 0 within thresholds, 2
 * beyond them (the verdict names the first failing check), 1 when it could not run.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Compare two prediction outputs (single-node file, Spark directory, lockstep tail file) and their dead letters,",
        "or score --input with --bundle and --candidate and compare. Exit 0: within thresholds; 2: beyond them; 1: could not run."})
final class VerifyCommand implements Callable<Integer> {
  static final int BEYOND = 2;

  @Option(names = "--left", description = "Prediction output (file or Spark directory); dead letters are read beside it.") Path left;
  @Option(names = "--right", description = "Prediction output to compare with --left.") Path right;
  @Option(names = "--bundle", description = "With --candidate and --input: the baseline bundle. With --left/--right: "
      + "a bundle whose profile gives PSI bars of the prediction columns.") Path bundle;
  @Option(names = "--candidate", description = "Candidate bundle, scored on --input and compared with --bundle.") Path candidate;
  @Option(names = "--input", description = "Input to score with --bundle and --candidate.") Path input;
  @Option(names = "--key", split = ",", description = "Join columns (default: the source position, column _source).")
  List<String> key = new ArrayList<>();
  @Option(names = "--tolerance", defaultValue = "0", description = "Absolute score difference allowed beyond 4 float32 ulp (default: ${DEFAULT-VALUE}).")
  double tolerance;
  @Option(names = "--max-flip-rate", defaultValue = "0", description = "Largest share of rows whose label may differ (default: ${DEFAULT-VALUE}).")
  double maxFlipRate;
  @Option(names = "--max-psi", description = "Largest PSI of the right scores against the left ones (default: not checked).")
  Double maxPsi;
  @Option(names = "--top", defaultValue = "10", description = "Largest differences to list (default: ${DEFAULT-VALUE}).") int top;
  @Option(names = "--max-rows", defaultValue = "" + VerifySettings.DEFAULT_MAX_ROWS,
      description = "Rows of the right side held for the join, about 100 bytes each (default: ${DEFAULT-VALUE}).") long maxRows;
  @Option(names = "--report", description = "Write the HTML report here.") Path report;
  @Option(names = "--json", description = "Write the JSON report here.") Path json;

  @Override
  public Integer call() throws Exception {
    VerifySettings settings = new VerifySettings(key, tolerance, maxFlipRate, maxPsi == null ? Double.NaN : maxPsi, top, maxRows);
    VerifyReport result;
    if (candidate != null || input != null) {
      if (bundle == null || candidate == null || input == null || left != null || right != null) {
        throw new IllegalArgumentException("scoring mode takes --bundle, --candidate and --input together (and no --left/--right)");
      }
      result = scoreAndCompare(settings);
    } else {
      if (left == null || right == null) {
        throw new IllegalArgumentException("give --left and --right, or --bundle, --candidate and --input (see: lockstep verify --help)");
      }
      result = compareFiles(settings);
    }
    if (json != null) {
      result.writeJson(json);
    }
    if (report != null) {
      result.writeHtml(report);
    }
    var j = result.json();
    System.out.printf("lockstep verify: rows %d | %d, joined %d, only left %d, only right %d, dead letters %d | %d, "
            + "max |score diff| %.3g, label flips %d%n",
        j.path("rows_left").asLong(), j.path("rows_right").asLong(), j.path("joined").asLong(), j.path("only_left").path("count").asLong(),
        j.path("only_right").path("count").asLong(), j.path("dead_letters").path("left").asLong(),
        j.path("dead_letters").path("right").asLong(), j.path("score_diff").path("max").asDouble(),
        j.path("label_flips").path("count").asLong());
    if (j.has("psi_profile")) {
      System.out.println("PSI against the reference profile (left | right):");
      j.path("psi_profile").forEach(p -> System.out.printf("  %-28s %-10s %8.4f | %8.4f%s%n", p.path("column").asText(),
          p.path("kind").asText(), p.path("left").asDouble(), p.path("right").asDouble(),
          Math.max(p.path("left").asDouble(), p.path("right").asDouble()) > io.lockstep.profile.Psi.DEFAULT_THRESHOLD ? "  DRIFT" : ""));
    }
    System.out.println(result.verdict().line());
    return result.verdict().pass() ? 0 : BEYOND;
  }

  private VerifyReport compareFiles(VerifySettings settings) throws Exception {
    PredictionFiles l = PredictionFiles.open(left);
    PredictionFiles r = PredictionFiles.open(right);
    for (PredictionFiles side : List.of(l, r)) {
      if (side.deadLetters().isEmpty()) {
        System.err.println("lockstep verify: no dead letters found beside " + side.path()
            + " (<file>.deadletter.jsonl or <dir>_deadletter/): compared as none");
      }
    }
    LiveBins lb = null;
    LiveBins rb = null;
    if (bundle != null) {
      Profile profile = BundleLoader.load(bundle).profile().orElse(null);
      if (profile == null) {
        System.err.println("lockstep verify: " + bundle + " has no profile: no PSI bars (add one with lockstep bundle --profile)");
      } else {
        List<PredictionField> named = profile.columns().stream()
            .map(c -> new PredictionField(c.name(), c.name(), PredictionField.Source.TENSOR, PredictionField.Type.DOUBLE, 0, null)).toList();
        lb = new LiveBins(profile, List.of(), named);
        rb = new LiveBins(profile, List.of(), named);
      }
    }
    return new Comparison(settings, lb, rb).compare(l, r);
  }

  /** Scores --input with both bundles into a temporary directory (with _source), then compares. */
  private VerifyReport scoreAndCompare(VerifySettings settings) throws Exception {
    Path work = Files.createTempDirectory("lockstep-verify-");
    try {
      Bundle base = BundleLoader.load(bundle);
      Bundle cand = BundleLoader.load(candidate);
      Profile profile = base.profile().orElse(null);
      LiveBins lb = score(base, bundle, profile, work.resolve("left/predictions.jsonl"));
      LiveBins rb = score(cand, candidate, profile, work.resolve("right/predictions.jsonl"));
      List<VerifyReport.ProfilePsi> psi = new ArrayList<>();
      if (lb != null) {
        List<LiveBins.PsiRow> l = lb.psi();
        List<LiveBins.PsiRow> r = rb.psi();
        for (LiveBins.PsiRow row : l) {
          double other = r.stream().filter(x -> x.column().equals(row.column())).mapToDouble(LiveBins.PsiRow::psi).findFirst().orElse(Double.NaN);
          psi.add(new VerifyReport.ProfilePsi(row.column(), row.kind().text(), row.psi(), other));
        }
      }
      VerifyReport report = new Comparison(settings, null, null).compare(
          PredictionFiles.open(work.resolve("left/predictions.jsonl")), PredictionFiles.open(work.resolve("right/predictions.jsonl")), psi);
      report.json().put("left", bundle + " (" + base.id() + ") on " + input);
      report.json().put("right", candidate + " (" + cand.id() + ") on " + input);
      return report;
    } finally {
      VerifyFiles.deleteTree(work);
    }
  }

  private LiveBins score(Bundle b, Path path, Profile profile, Path out) throws Exception {
    Files.createDirectories(out.getParent());
    try (OnnxScorer scorer = OnnxScorer.open(b, ScorerOptions.defaults())) {
      ScoreOptions options = new ScoreOptions(path, input, out, List.of(), ScoreOptions.DEFAULT_BATCH_SIZE,
          FileFormat.of(input.toString()), FileFormat.JSONL, 1, null);
      SingleNodeRunner runner = new SingleNodeRunner(options, System.err).emitSource(true);
      LiveBins bins = profile == null ? null
          : new LiveBins(profile, FeaturePipeline.compile(b.spec(), b.inputSchema()).columnNames(), scorer.fields());
      if (bins != null) {
        runner.observe(bins);
      }
      runner.run(b, scorer);
      return bins;
    }
  }
}
