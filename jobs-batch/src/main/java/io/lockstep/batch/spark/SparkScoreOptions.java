package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterFlags;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.deadletter.DeadLetterPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the Spark job, the flags of {@code lockstep score} (docs/spec.md, CLI) with Hadoop paths:
 * validated once, here, before Spark starts anything.
 *
 * @param output a directory of part files in {@code outputFormat}; dead letters go to {@code <output>_deadletter/}
 * @param shufflePartitions partitions of the window-feature shuffle (0: the default of {@code WindowOrder.partitions})
 * @param emitFeatures also write each prediction's {@code _source} and {@code _features} (training sets, audits)
 * @param deadLetters the cap on dead letters' originals and the dead-letter budget (docs/spec.md, Dead letters)
 * @param metricsJson a local file for the run's counters at the end (docs/spec.md, Metrics), or null
 * @param multilineCsv read each CSV file in one task: for files whose quoted fields hold line breaks
 *     (see {@link SplitPlanner} for what splitting otherwise guarantees)
 */
public record SparkScoreOptions(String bundle, String input, String output, List<String> keep, int batchSize,
                                FileFormat inputFormat, FileFormat outputFormat, int shufflePartitions,
                                boolean emitFeatures, DeadLetterPolicy deadLetters, String metricsJson, boolean multilineCsv) {

  public SparkScoreOptions {
    keep = List.copyOf(keep);
    deadLetters = deadLetters == null ? DeadLetterPolicy.DEFAULTS : deadLetters;
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    }
    if (shufflePartitions < 0) {
      throw new IllegalArgumentException("--shuffle-partitions must be >= 0, got " + shufflePartitions);
    }
    if (emitFeatures && outputFormat == FileFormat.CSV) {
      throw new IllegalArgumentException("--emit-features writes an array column: use a .jsonl, .parquet or .avro output");
    }
    if (strip(input).equals(strip(output))) {
      throw new IllegalArgumentException("--output must differ from --input (" + input + ")");
    }
  }

  /** Defaults for the library API and tests: format by extension, batch 512. */
  public static SparkScoreOptions of(String bundle, String input, String output, List<String> keep) {
    return new SparkScoreOptions(bundle, input, output, keep, ScoreOptions.DEFAULT_BATCH_SIZE,
        FileFormat.of(input), FileFormat.of(output), 0, false, DeadLetterPolicy.DEFAULTS, null, false);
  }

  private static String strip(String p) {
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /**
   * Parses the job's arguments.
   *
   * @throws CommandLine.ParameterException on bad flags, with picocli's message naming the flag
   */
  public static SparkScoreOptions parse(String... args) {
    Job job = parseJob(args);
    return job == null ? null : job.options();
  }

  /**
   * What the job's main runs: one scoring run's options and, with {@code --shadow BUNDLE}, the
   * candidate scored next to the primary (see {@link SparkShadow}; kept out of the record, which
   * describes one scoring run). Null when help was asked for.
   *
   * @throws CommandLine.ParameterException on bad flags, with picocli's message naming the flag
   */
  public static Job parseJob(String... args) {
    Flags flags = new Flags();
    CommandLine cmd = new CommandLine(flags);
    cmd.parseArgs(args);
    if (cmd.isUsageHelpRequested()) {
      return null;
    }
    return new Job(flags.toOptions(), flags.shadow);
  }

  /** @param shadow the candidate bundle of {@code --shadow}, or null */
  public record Job(SparkScoreOptions options, String shadow) {}

  public static String usage() {
    return new CommandLine(new Flags()).getUsageMessage();
  }

  @Command(name = "spark-submit ... lockstep-jobs-batch.jar", mixinStandardHelpOptions = false,
      description = "Score files with a Lockstep bundle on Spark (level 2).")
  static final class Flags {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--bundle", required = true, description = "Bundle directory or .zip (any Hadoop path).")
    String bundle;

    @Option(names = "--input", required = true, description = "Input file or directory (.csv, .jsonl, .parquet, .avro).")
    String input;

    @Option(names = "--output", required = true, description = "Output directory of part files; dead letters go to <output>_deadletter/.")
    String output;

    @Option(names = "--keep", split = ",", description = "Input fields copied to every prediction, in order.")
    List<String> keep = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "" + ScoreOptions.DEFAULT_BATCH_SIZE,
        description = "Rows per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--input-format", description = "csv, jsonl, parquet or avro (default: by extension).")
    String inputFormat;

    @Option(names = "--output-format", description = "csv, jsonl, parquet or avro (default: by extension).")
    String outputFormat;

    @Option(names = "--shuffle-partitions", defaultValue = "0",
        description = "Partitions of the window-feature shuffle (default: spark.sql.shuffle.partitions if set, "
            + "else the input's partitions, at least the default parallelism).")
    int shufflePartitions;

    @Option(names = "--emit-features", description = "Also write each prediction's _source (file:line) and _features (the model input).")
    boolean emitFeatures;

    @Mixin
    DeadLetterFlags deadLetters = new DeadLetterFlags();

    @Option(names = "--metrics-json", description = "Write the run's counters to this local file at the end (docs/spec.md, Metrics).")
    String metricsJson;

    @Option(names = "--shadow", paramLabel = "BUNDLE", description = "Also score with this candidate bundle into "
        + "<output-name>.shadow.<ext> and write the divergence summary to <output>.shadow-stats.json (docs/spec.md, Divergence).")
    String shadow;

    @Option(names = "--multiline-csv", description = "Read each CSV file in one task (quoted fields hold line breaks); "
        + "by default large files are split, and a file found to need this is read again whole.")
    boolean multilineCsv;

    SparkScoreOptions toOptions() {
      return new SparkScoreOptions(bundle, input, output, keep, batchSize,
          inputFormat == null ? FileFormat.of(input) : FileFormat.named(inputFormat),
          outputFormat == null ? FileFormat.of(output) : FileFormat.named(outputFormat), shufflePartitions, emitFeatures,
          deadLetters.policy(), metricsJson, multilineCsv);
    }
  }
}
