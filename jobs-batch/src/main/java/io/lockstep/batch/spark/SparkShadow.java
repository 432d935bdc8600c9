package io.lockstep.batch.spark;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.lifecycle.BundleCompatibility;
import io.lockstep.lifecycle.Divergence;
import io.lockstep.lifecycle.ScoreFields;
import io.lockstep.score.PredictionBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark job's {@code --shadow BUNDLE} (docs/spec.md, Divergence): the offline twin of a
 * streaming shadow deployment at level 2. Three steps:
 * <ol>
 *   <li>the primary run, exactly {@link SparkScoreJob#run};</li>
 *   <li>the candidate's run into {@link #shadowOutput} (its dead letters beside it by the same rule);</li>
 *   <li>a divergence pass: both bundles score the input again with each row's {@code _source}
 *       ({@code file:line}), the two are joined on it, and each partition's {@link Divergence} is
 *       merged on the driver, into {@code <output>.shadow-stats.json}.</li>
 * </ol>
 * Step 3 costs two more scoring passes and a shuffle; it keeps the primary run untouched and gives
 * the same summary as {@code lockstep score --shadow}, since a summary depends only on the pairs.
 */
public final class SparkShadow {
  private static final Logger LOG = LoggerFactory.getLogger(SparkShadow.class);
  private static final String SCORE = "_score";
  private static final String LABEL = "_label";

  private SparkShadow() {}

  /**
   * @param compatibility why a streaming job would refuse the candidate next to the primary, if it would
   */
  public record Result(SparkScoreJob.Result primary, SparkScoreJob.Result candidate, Divergence.Summary divergence,
                       String shadowOutput, String stats, Optional<String> compatibility) {}

  /** {@code out/preds.parquet} -> {@code out/preds.shadow.parquet}, as {@code lockstep score --shadow} names its file. */
  public static String shadowOutput(String output) {
    String trimmed = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    int slash = trimmed.lastIndexOf('/');
    int dot = trimmed.lastIndexOf('.');
    return dot <= slash + 1 ? trimmed + ".shadow" : trimmed.substring(0, dot) + ".shadow" + trimmed.substring(dot);
  }

  /** {@code out/preds.parquet} -> {@code out/preds.parquet.shadow-stats.json}, a file beside the output directory. */
  public static String statsPath(String output) {
    String trimmed = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    return trimmed + ".shadow-stats.json";
  }

  public static Result run(SparkSession spark, SparkScoreOptions options, String candidateBundle) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ShippedBundle primaryFiles = HadoopBundles.read(options.bundle(), conf);
    ShippedBundle candidateFiles = HadoopBundles.read(candidateBundle, conf);
    ExecutorModels.Model primaryModel = ExecutorModels.get(primaryFiles);
    ExecutorModels.Model candidateModel = ExecutorModels.get(candidateFiles);
    Optional<String> compatibility = BundleCompatibility.check(primaryModel.bundle(), candidateModel.bundle());

    SparkScoreJob.Result primary = SparkScoreJob.run(spark, options);
    SparkScoreOptions shadow = new SparkScoreOptions(candidateBundle, options.input(), shadowOutput(options.output()), options.keep(),
        options.batchSize(), options.inputFormat(), options.outputFormat(), options.shufflePartitions(), options.emitFeatures(),
        options.deadLetters(), null, options.multilineCsv());
    SparkScoreJob.Result candidate = SparkScoreJob.run(spark, shadow);

    Divergence.Summary summary = divergence(spark, options, primaryFiles, primaryModel, candidateFiles, candidateModel);
    String stats = statsPath(options.output());
    write(stats, summary.json() + "\n", conf);
    LOG.info("{}", summary.describe());
    return new Result(primary, candidate, summary, shadow.output(), stats, compatibility);
  }

  private static Divergence.Summary divergence(SparkSession spark, SparkScoreOptions options, ShippedBundle primaryFiles,
                                               ExecutorModels.Model primaryModel, ShippedBundle candidateFiles,
                                               ExecutorModels.Model candidateModel) {
    ScoreFields primaryFields = fields(primaryModel);
    ScoreFields candidateFields = fields(candidateModel);
    boolean labels = primaryFields.label() != null && candidateFields.label() != null;
    Dataset<Row> p = scored(spark, options, primaryFiles, primaryModel, primaryFields, labels, "p");
    Dataset<Row> c = scored(spark, options, candidateFiles, candidateModel, candidateFields, labels, "c");
    Dataset<Row> pairs = p.join(c, p.col(PredictionRows.SOURCE + "p").equalTo(c.col(PredictionRows.SOURCE + "c")));
    String primaryId = primaryModel.bundle().id();
    String candidateId = candidateModel.bundle().id();
    Divergence zero = new Divergence(primaryId, candidateId);
    return pairs.select(SCORE + "p", SCORE + "c", LABEL + "p", LABEL + "c").toJavaRDD().aggregate(zero,
        (d, row) -> {
          d.add(row.getDouble(0), row.getDouble(1), row.isNullAt(2) ? null : row.getString(2), row.isNullAt(3) ? null : row.getString(3));
          return d;
        },
        Divergence::merge).summary(null, null);
  }

  private static ScoreFields fields(ExecutorModels.Model model) {
    return ScoreFields.of(model.bundle().spec(), io.lockstep.avro.PredictionSchema.derive(model.bundle(), model.scorer().fields(),
        List.of(), false));
  }

  /** {@code _source<suffix>}, {@code _score<suffix>} (double), {@code _label<suffix>} (text) of every scored row. */
  private static Dataset<Row> scored(SparkSession spark, SparkScoreOptions options, ShippedBundle files, ExecutorModels.Model model,
                                     ScoreFields fields, boolean labels, String suffix) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> inputFiles = SparkInput.files(spark, options.input());
    InputLayout layout = new InputLayout(model.bundle().inputSchema(), PredictionBuilder.extras(model.bundle(), List.of()),
        SparkInput.names(inputFiles));
    Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    ScoringPlan plan = new ScoringPlan(jsc.broadcast(files), layout, List.of(), options.batchSize(), true, null, null, hadoop,
        options.deadLetters());
    // Each CSV file in one task: this pass must see every row once, without the split job's second attempt.
    List<FileRange> ranges = options.inputFormat() == FileFormat.PARQUET ? List.of()
        : SplitPlanner.plan(spark, inputFiles, options.inputFormat(), true, Set.of());
    Dataset<Row> decoded = SparkInput.read(spark, options.input(), ranges, options.inputFormat(), layout,
        SparkInput.ReadReport.register(spark.sparkContext()));
    Dataset<Row> predictions = SparkScoring.score(decoded, plan, model, options.shufflePartitions());
    Column label = labels ? predictions.col(fields.label()).cast("string") : functions.lit(null).cast("string");
    return predictions.where(predictions.col(PredictionRows.DEAD_LETTER).isNull()).select(
        predictions.col(PredictionRows.SOURCE).as(PredictionRows.SOURCE + suffix),
        predictions.col(fields.score()).cast("double").as(SCORE + suffix),
        label.as(LABEL + suffix));
  }

  private static void write(String path, String text, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot write the divergence summary: " + e.getMessage(), e);
    }
  }
}
