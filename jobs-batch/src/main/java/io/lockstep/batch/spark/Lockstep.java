package io.lockstep.batch.spark;

import io.lockstep.bundle.ShippedBundle;
import static org.apache.spark.sql.functions.col;

import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.score.PredictionBuilder;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Lockstep inside your own Spark code.
 *
 * <pre>{@code
 * Lockstep.Scored s = Lockstep.score(spark, events, "s3a://models/churn");
 * s.predictions().write().parquet(...);     // key, --keep fields, predictions, model
 * s.deadLetters().write().text(...);        // one JSON dead letter per rejected row (docs/spec.md, Dead letters)
 *
 * Lockstep.registerUdf(spark, "churn", "s3a://models/churn");
 * spark.sql("SELECT customer_id, churn(struct(*)).score FROM events");
 * }</pre>
 *
 * The DataFrame's columns are matched to {@code input.avsc} by name (missing nullable fields are
 * null) and scored exactly as {@code BatchScoreJob} scores files; window features are computed
 * with input order = the DataFrame's order before any shuffle.
 */
public final class Lockstep {
  private Lockstep() {}

  /**
   * Predictions and dead letters of one scoring pass. Both are views of one plan: each action on
   * either runs the scoring again, so {@code cache()} {@link #all()} if you write both.
   */
  public record Scored(Dataset<Row> all) {
    /** The prediction rows (columns of docs/spec.md, Outputs). */
    public Dataset<Row> predictions() {
      return all.filter(col(PredictionRows.DEAD_LETTER).isNull()).drop(PredictionRows.DEAD_LETTER);
    }

    /** One JSON dead letter per rejected input row, column {@code value}. */
    public Dataset<Row> deadLetters() {
      return all.filter(col(PredictionRows.DEAD_LETTER).isNotNull()).select(col(PredictionRows.DEAD_LETTER).as("value"));
    }
  }

  public static Scored score(SparkSession spark, Dataset<Row> input, String bundle) {
    return score(spark, input, bundle, List.of(), ScoreOptions.DEFAULT_BATCH_SIZE);
  }

  /**
   * @param keep input columns copied to every prediction (as {@code --keep})
   * @param batchSize rows per ONNX Runtime call
   */
  public static Scored score(SparkSession spark, Dataset<Row> input, String bundle, List<String> keep, int batchSize) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedBundle files = HadoopBundles.read(bundle, spark.sparkContext().hadoopConfiguration());
    ExecutorModels.Model model = ExecutorModels.get(files);
    InputLayout layout = new InputLayout(model.bundle().inputSchema(), PredictionBuilder.extras(model.bundle(), keep),
        SparkInput.DATAFRAME);
    ScoringPlan plan = new ScoringPlan(jsc.broadcast(files), layout, keep, batchSize, false, null, null,
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration())), null);
    return new Scored(SparkScoring.score(SparkInput.fromDataFrame(input, layout), plan, model, 0));
  }

  /**
   * Registers {@code name(struct(...))} in SQL: scores one row (fields matched by name) and returns
   * a struct of the prediction fields plus {@code dead_letter_reason} (null when scored; the
   * prediction fields are then null). One ORT call per row: for whole tables use {@link #score}.
   * Bundles with window features are refused: a row alone has no window.
   */
  public static void registerUdf(SparkSession spark, String name, String bundle) {
    ShippedBundle files = HadoopBundles.read(bundle, spark.sparkContext().hadoopConfiguration());
    ExecutorModels.Model model = ExecutorModels.get(files);
    if (!model.windows().isEmpty()) {
      throw new IllegalArgumentException("bundle " + model.bundle().id() + " has window features: a UDF sees one row "
          + "alone; use Lockstep.score(spark, df, bundle) or BatchScoreJob");
    }
    ScoreUdf udf = new ScoreUdf(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(files));
    spark.udf().register(name, udf, ScoreUdf.returnType(model));
  }
}
