package io.lockstep.batch.cli;

import io.lockstep.batch.ExitCode;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.ShadowRun;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.deadletter.DeadLetterBudgetExceeded;
import io.lockstep.deadletter.DeadLetterFlags;
import io.lockstep.io.InputDamage;
import io.lockstep.profile.LiveBins;
import io.lockstep.profile.Psi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockstep score}: level 1, one file in, predictions and dead letters out. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score a .csv, .jsonl, .parquet or .avro file with a bundle, on this machine (no Spark or Flink).")
final class ScoreCommand implements Callable<Integer> {

  @Option(names = "--bundle", required = true, description = "Bundle directory or .zip.")
  Path bundle;

  @Option(names = "--input", required = true, description = "Input file (.csv, .jsonl, .parquet, .avro).")
  Path input;

  @Option(names = "--output", required = true, description = "Output file; dead letters go to <output>.deadletter.jsonl.")
  Path output;

  @Option(names = "--keep", split = ",", description = "Input fields copied to every prediction, in order.")
  List<String> keep = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "" + ScoreOptions.DEFAULT_BATCH_SIZE,
      description = "Rows per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--input-format", description = "csv, jsonl, parquet or avro (default: by extension).")
  String inputFormat;

  @Option(names = "--output-format", description = "csv, jsonl, parquet or avro (default: by extension).")
  String outputFormat;

  @Option(names = "--emit-source", description = "Add a _source column (file:line) to every prediction, for lockstep verify without --key.")
  boolean emitSource;

  @Option(names = "--metrics-json", description = "Write the run's counters here at the end (docs/spec.md, Metrics).")
  Path metricsJson;

  @Option(names = "--shadow", paramLabel = "BUNDLE",
      description = "Also score with this candidate bundle into <output-name>.shadow.<ext> and write the divergence summary "
          + "to <output>.shadow-stats.json (docs/spec.md, Divergence).")
  Path shadow;

  @Mixin
  DeadLetterFlags deadLetters = new DeadLetterFlags();

  @Override
  public Integer call() throws Exception {
    ScoreOptions options = new ScoreOptions(bundle, input, output, keep, batchSize,
        inputFormat == null ? FileFormat.of(input.toString()) : FileFormat.named(inputFormat),
        outputFormat == null ? FileFormat.of(output.toString()) : FileFormat.named(outputFormat), threads,
        deadLetters.policy());
    if (shadow != null) {
      return shadow(options);
    }
    SingleNodeRunner runner = new SingleNodeRunner(options, System.err).emitSource(emitSource);
    RunSummary summary;
    try {
      summary = runner.run();
    } catch (DeadLetterBudgetExceeded e) {
      System.err.println("lockstep score: stopped: " + e.getMessage());
      return ExitCode.DEAD_LETTER_BUDGET.code();
    }
    System.out.println("lockstep score: " + summary.line());
    if (!runner.drift().isEmpty()) {
      LiveBins.table(runner.drift(), Psi.DEFAULT_THRESHOLD).forEach(System.out::println);
    }
    if (metricsJson != null) {
      runner.metrics().write(metricsJson, summary.seconds(), runner.drift().isEmpty() ? null : runner.drift());
    }
    System.out.println("predictions: " + output + (summary.dead() > 0
        ? ", dead letters: " + DeadLetterWriter.pathFor(output) : ""));
    for (InputDamage d : summary.damage()) {
      System.err.println("lockstep: damaged input: " + d.line());
    }
    return (summary.inputDamaged() ? ExitCode.INPUT_DAMAGED : ExitCode.FINISHED).code();
  }

  /** {@code --shadow}: both runs, then the divergence summary (docs/spec.md, Divergence). */
  private int shadow(ScoreOptions options) throws Exception {
    ShadowRun.Result r;
    try {
      r = new ShadowRun(options, shadow, System.err, runner -> runner.emitSource(emitSource)).run();
    } catch (DeadLetterBudgetExceeded e) {
      System.err.println("lockstep score: stopped: " + e.getMessage());
      return ExitCode.DEAD_LETTER_BUDGET.code();
    }
    System.out.println("lockstep score: primary " + r.divergence().primary() + ": " + r.primary().line());
    System.out.println("lockstep score: shadow " + r.divergence().candidate() + ": " + r.candidate().line());
    System.out.println("lockstep score: " + r.divergence().describe());
    r.compatibility().ifPresent(reason -> System.out.println("lockstep score: note: a streaming job would reject this candidate: " + reason));
    if (metricsJson != null) {
      SingleNodeRunner runner = r.primaryRunner();
      runner.metrics().write(metricsJson, r.primary().seconds(), runner.drift().isEmpty() ? null : runner.drift());
    }
    System.out.println("predictions: " + output + ", shadow predictions: " + r.shadowOutput() + ", divergence: " + r.stats());
    for (InputDamage d : r.primary().damage()) {
      System.err.println("lockstep: damaged input: " + d.line());
    }
    return (r.inputDamaged() ? ExitCode.INPUT_DAMAGED : ExitCode.FINISHED).code();
  }
}
