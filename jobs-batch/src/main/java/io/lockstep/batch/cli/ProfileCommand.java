package io.lockstep.batch.cli;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.profile.ColumnProfile;
import io.lockstep.profile.Profile;
import io.lockstep.profile.ProfileBuilder;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep profile}: scores a reference input on this machine and writes the statistics of
 * every feature column and numeric prediction output ({@code profile.json}, docs/spec.md, Profiles).
 * Features come from the same single-node run as {@code lockstep score} (the one feature code in
 * {@code common}); memory per column is fixed (a 32,768-value sample for quantiles).
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
    description = "Write reference statistics (profile.json) of every feature and prediction output of a bundle on an input.")
final class ProfileCommand implements Callable<Integer> {
  @Option(names = "--bundle", required = true, description = "Bundle directory or .zip.") Path bundlePath;
  @Option(names = "--input", required = true, description = "Reference input (.csv, .jsonl, .parquet, .avro).") Path input;
  @Option(names = "--out", defaultValue = "profile.json", description = "Profile to write (default: ${DEFAULT-VALUE}).") Path out;
  @Option(names = "--input-format", description = "csv, jsonl, parquet or avro (default: by extension).") String inputFormat;

  @Override
  public Integer call() throws Exception {
    Profile profile = profile(bundlePath, input, inputFormat == null ? FileFormat.of(input.toString()) : FileFormat.named(inputFormat));
    profile.write(out);
    System.out.printf("lockstep profile: %s on %s: %,d records, %,d scored, %d columns -> %s%n", profile.model(), input,
        profile.records(), profile.scored(), profile.columns().size(), out);
    System.out.printf("  %-28s %-10s %10s %12s %12s %12s %12s%n", "column", "kind", "count", "min", "mean", "std", "max");
    for (ColumnProfile c : profile.columns()) {
      System.out.printf("  %-28s %-10s %,10d %12.5g %12.5g %12.5g %12.5g%n", c.name(), c.kind().text(), c.count(), c.min(),
          c.mean(), c.std(), c.max());
    }
    return 0;
  }

  /** Profiles {@code input} with the bundle, scoring it once (predictions go to a deleted temporary file). */
  static Profile profile(Path bundlePath, Path input, FileFormat format) throws Exception {
    Bundle bundle = BundleLoader.load(bundlePath);
    Path tmp = Files.createTempDirectory("lockstep-profile-");
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
      ProfileBuilder builder = new ProfileBuilder(bundle.id(), pipeline.columnNames(), scorer.fields());
      ScoreOptions options = new ScoreOptions(bundlePath, input, tmp.resolve("predictions.jsonl"), List.of(),
          ScoreOptions.DEFAULT_BATCH_SIZE, format, FileFormat.JSONL, 1, null);
      RunSummary summary = new SingleNodeRunner(options, System.err).observe(builder).run(bundle, scorer);
      java.util.Map<String, Long> dead = new java.util.TreeMap<>();
      summary.deadByReason().forEach((k, v) -> dead.put(k.prefix(), v));
      return builder.build(input.getFileName().toString(), summary.read(), summary.scored(), dead);
    } finally {
      VerifyFiles.deleteTree(tmp);
    }
  }
}
