package io.lockstep.batch.spark;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.io.InputDamage;
import io.lockstep.metrics.RunMetrics;
import io.lockstep.profile.LiveBins;
import io.lockstep.score.PredictionBuilder;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level 2, {@code lockstep score} on Spark: read (any Hadoop path, four formats), score in
 * batches, write predictions and dead letters, count. {@link io.lockstep.batch.BatchScoreJob} is
 * its command-line face; tests and the benchmark call {@link #run} with their own session.
 */
public final class SparkScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(SparkScoreJob.class);

  private SparkScoreJob() {}

  /**
   * What a run did: its counts and where its outputs are.
   *
   * @param readTasks tasks that read CSV, JSON-lines or Avro input (one per {@link FileRange}); 0 for Parquet
   * @param attempts 2 when a CSV file was found cut inside a quoted field and read again whole, else 1
   * @param damage damaged inputs, reported as level 1 reports them (docs/spec.md, Exit codes)
   * @param drift with a profile in the bundle, PSI per column over the whole input (docs/spec.md, Drift), else empty
   */
  public record Result(ScoreCounters.RunCounts counts, String output, String deadLetters, double seconds, int readTasks,
                       int attempts, List<InputDamage> damage, List<LiveBins.PsiRow> drift) {
    public String line() {
      return "lockstep spark: " + counts.line() + " in " + String.format("%.1f", seconds) + " s";
    }

    /** The PSI table, as level 1 prints it; no lines without a profile. */
    public List<String> driftTable() {
      return drift.isEmpty() ? List.of() : LiveBins.table(drift, io.lockstep.profile.Psi.DEFAULT_THRESHOLD);
    }
  }

  public static Result run(SparkSession spark, SparkScoreOptions options) {
    return run(spark, options, BundlePrefetch.none(options.bundle()));
  }

  /**
   * As {@link #run(SparkSession, SparkScoreOptions)}, with the bundle read and its model opened by
   * {@code prefetch} (on a background thread since before the session started, in the job's main).
   * The run's time starts here all the same: waiting for the bundle counts.
   */
  public static Result run(SparkSession spark, SparkScoreOptions options, BundlePrefetch prefetch) {
    long start = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedBundle bundleFiles = prefetch.get(options.bundle(), conf);
    ExecutorModels.Model model = ExecutorModels.get(bundleFiles);
    LOG.info("bundle read and its model opened and checked in {} ms", (System.nanoTime() - start) / 1_000_000);
    List<String> files = SparkInput.files(spark, options.input());
    InputLayout layout = new InputLayout(model.bundle().inputSchema(), PredictionBuilder.extras(model.bundle(), options.keep()),
        SparkInput.names(files));
    DeadLetterFiles deadLetters = DeadLetterFiles.forOutput(options.output());
    SparkOutput.refuseOverlaps(options.input(), List.of(options.output(), deadLetters.dir()), conf);
    Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
    Broadcast<ShippedBundle> bundle = jsc.broadcast(bundleFiles);
    LOG.info("scoring {} ({} files) with {} ({} bytes broadcast), batch {}", options.input(), files.size(), model.bundle().id(),
        bundleFiles.bytes(), options.batchSize());

    Set<Integer> readWhole = new TreeSet<>();
    for (int attempt = 1; ; attempt++) {
      List<FileRange> ranges = options.inputFormat() == FileFormat.PARQUET ? List.of()
          : SplitPlanner.plan(spark, files, options.inputFormat(), options.multilineCsv(), readWhole);
      ScoreCounters counters = ScoreCounters.register(spark.sparkContext());
      SparkInput.ReadReport report = SparkInput.ReadReport.register(spark.sparkContext());
      ScoringPlan plan = new ScoringPlan(bundle, layout, options.keep(), options.batchSize(), options.emitFeatures(), deadLetters,
          counters, hadoop, options.deadLetters());
      Dataset<Row> decoded = SparkInput.read(spark, options.input(), ranges, options.inputFormat(), layout, report);
      Dataset<Row> predictions = SparkScoring.score(decoded, plan, model, options.shufflePartitions());
      deadLetters.prepare(conf);
      Schema schema = SparkScoring.predictionRows(plan, model).avroSchema();
      LOG.info("planned in {} ms since start; reading, scoring and writing", (System.nanoTime() - start) / 1_000_000);
      SparkOutput.write(predictions, options.output(), options.outputFormat(), schema);
      SparkOutput.writeSchema(options.output(), schema, conf);

      Set<Integer> cut = report.misSplitFiles();
      if (!cut.isEmpty() && readWhole.addAll(cut)) {
        LOG.warn("{}: a quoted field spans lines across a split boundary: reading {} again in one task per file "
            + "(pass --multiline-csv to skip the first attempt; see docs/spark.md, Reading)",
            cut.stream().map(layout.files()::get).toList(), cut.size() == 1 ? "it" : "them");
        continue;
      }
      ScoreCounters.RunCounts counts = counters.value();
      // Each task judged its own partition; the totals are judged once more, for inputs split into small partitions.
      options.deadLetters().newBudget().checkFinal(counts.read(), counts.dead());
      if (!counts.balanced()) {
        LOG.warn("counts do not add up ({}): a task was probably retried and counted twice; the output files are complete, "
            + "count them to be sure", counts.line());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<LiveBins.PsiRow> drift = drift(model, counters.drift().value());
      if (options.metricsJson() != null) {
        RunMetrics metrics = new RunMetrics(io.lockstep.deadletter.DeadLetter.Level.SPARK.text(), model.bundle().id());
        metrics.counts(counts.read(), counts.scored(), deadByKind(deadLetters.dir(), conf));
        metrics.batches(counters.batches().value());
        try {
          metrics.write(java.nio.file.Path.of(options.metricsJson()), seconds, drift.isEmpty() ? null : drift);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(options.metricsJson() + ": cannot write the metrics: " + e.getMessage(), e);
        }
      }
      return new Result(counts, options.output(), deadLetters.dir(), seconds, ranges.size(), attempt, report.damages(), drift);
    }
  }

  /** The PSI table of the tasks' summed drift counts: the bins of level 1's single pass, so the same table. */
  private static List<LiveBins.PsiRow> drift(ExecutorModels.Model model, long[][] counts) {
    return model.bundle().profile().map(p -> {
      LiveBins bins = new LiveBins(p, model.pipeline().columnNames(), model.scorer().fields());
      if (counts.length > 0) {
        bins.merge(counts);
      }
      return bins.psi();
    }).orElse(List.of());
  }

  /** Dead letters by reason kind, counted from the dead-letter files (few: the exceptions of a run). */
  static java.util.Map<String, Long> deadByKind(String dir, Configuration conf) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return out;
      }
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(p)) {
        String name = f.getPath().getName();
        if (!f.isFile() || name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        try (java.io.BufferedReader in = new java.io.BufferedReader(
            new java.io.InputStreamReader(fs.open(f.getPath()), java.nio.charset.StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
              String reason = json.readTree(line).path("reason").asText();
              int colon = reason.indexOf(':');
              out.merge(colon < 0 ? reason : reason.substring(0, colon), 1L, Long::sum);
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(dir + ": cannot read the dead letters to count them: " + e.getMessage(), e);
    }
    return out;
  }
}
