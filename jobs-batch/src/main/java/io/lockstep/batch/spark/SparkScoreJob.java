package io.lockstep.batch.spark;

import io.lockstep.bundle.ShippedBundle;
import io.lockstep.score.PredictionBuilder;
import java.util.List;
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

  /** What a run did: its counts and where its outputs are. */
  public record Result(ScoreCounters.RunCounts counts, String output, String deadLetters, double seconds) {
    public String line() {
      return "lockstep spark: " + counts.line() + " in " + String.format("%.1f", seconds) + " s";
    }
  }

  public static Result run(SparkSession spark, SparkScoreOptions options) {
    long start = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedBundle bundleFiles = HadoopBundles.read(options.bundle(), conf);
    ExecutorModels.Model model = ExecutorModels.get(bundleFiles);
    List<String> files = SparkInput.files(spark, options.input());
    InputLayout layout = new InputLayout(model.bundle().inputSchema(), PredictionBuilder.extras(model.bundle(), options.keep()),
        SparkInput.names(files));
    DeadLetterFiles deadLetters = DeadLetterFiles.forOutput(options.output());
    ScoreCounters counters = ScoreCounters.register(spark.sparkContext());
    Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
    ScoringPlan plan = new ScoringPlan(jsc.broadcast(bundleFiles), layout, options.keep(), options.batchSize(),
        options.emitFeatures(), deadLetters, counters, hadoop, options.deadLetters());
    LOG.info("scoring {} ({} files) with {} ({} bytes broadcast), batch {}", options.input(), files.size(), model.bundle().id(),
        bundleFiles.bytes(), options.batchSize());

    Dataset<Row> decoded = SparkInput.read(spark, options.input(), files, options.inputFormat(), layout);
    Dataset<Row> predictions = SparkScoring.score(decoded, plan, model, options.shufflePartitions());
    deadLetters.prepare(conf);
    SparkOutput.write(predictions, options.output(), options.outputFormat(), SparkScoring.predictionRows(plan, model).avroSchema());
    SparkOutput.writeSchema(options.output(), SparkScoring.predictionRows(plan, model).avroSchema(), conf);

    ScoreCounters.RunCounts counts = counters.value();
    // Each task judged its own partition; the totals are judged once more, for inputs split into small partitions.
    options.deadLetters().newBudget().checkFinal(counts.read(), counts.dead());
    if (!counts.balanced()) {
      LOG.warn("counts do not add up ({}): a task was probably retried and counted twice; the output files are complete, "
          + "count them to be sure", counts.line());
    }
    return new Result(counts, options.output(), deadLetters.dir(), (System.nanoTime() - start) / 1e9);
  }
}
