package io.lockstep.batch.spark;

import io.lockstep.bundle.Bundle;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The scoring step as a function of datasets: decoded input rows ({@link InputLayout}) in,
 * prediction rows out. The pass runs over Spark's internal rows ({@code InternalRow}), not
 * {@code Row}s: converting every row to and from Java objects costs more than the model
 * (docs/spec.md, Stack notes). That needs the classic (non-Connect) Spark session, which spark-submit gives. Without window features it is one {@code mapPartitions} over the input as
 * it was read (no shuffle; predictions follow input order within each partition); with them the
 * input is first put in {@link WindowOrder}.
 */
public final class SparkScoring {
  private SparkScoring() {}

  /**
   * @param shufflePartitions partitions of the window shuffle; 0 picks them ({@link WindowOrder#partitions})
   */
  static Dataset<Row> score(Dataset<Row> decoded, ScoringPlan plan, ExecutorModels.Model model, int shufflePartitions) {
    return score(decoded, plan, model, shufflePartitions, WindowOrder.XXHASH64);
  }

  /** @param keyHash the 64-bit key hash of the {@link WindowOrder} (tests inject one under which keys collide) */
  static Dataset<Row> score(Dataset<Row> decoded, ScoringPlan plan, ExecutorModels.Model model, int shufflePartitions,
                            UnaryOperator<Column> keyHash) {
    Bundle bundle = model.bundle();
    Dataset<Row> ordered = model.windows().isEmpty() ? decoded
        : WindowOrder.apply(decoded, bundle.spec(), bundle.inputSchema(), shufflePartitions, keyHash);
    StructType out = outputSchema(plan, model);
    if (!(ordered instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
      throw new IllegalStateException("Lockstep scores in the executors and needs a classic Spark session "
          + "(spark-submit, local[*], a cluster); Spark Connect sessions are not supported");
    }
    RDD<InternalRow> rows = classic.queryExecution().toRdd();
    JavaRDD<InternalRow> scored = rows.toJavaRDD().mapPartitions(new PartitionScorer(plan));
    return ((SparkSession) ordered.sparkSession()).internalCreateDataFrame(scored.rdd(), out, false);
  }

  static PredictionRows predictionRows(ScoringPlan plan, ExecutorModels.Model model) {
    return new PredictionRows(model.bundle(), model.scorer().fields(), plan.keep(), plan.layout(), plan.inlineDeadLetters(),
        plan.emitFeatures());
  }

  static StructType outputSchema(ScoringPlan plan, ExecutorModels.Model model) {
    return predictionRows(plan, model).sparkSchema();
  }
}
