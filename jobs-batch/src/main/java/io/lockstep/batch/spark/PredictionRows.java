package io.lockstep.batch.spark;

import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Prediction rows in the bundle's prediction schema (DESIGN.md §4), the one the single-node runner
 * writes, derived by the same {@link PredictionSchema}: key, {@code --keep} passthrough, each named
 * prediction field, {@code model}.
 */
final class PredictionRows {
  private final Schema schema;
  private final int[] passthrough;
  private final int predictionCount;
  private final String modelId;
  private final boolean inlineDeadLetter;
  private final boolean emitFeatures;
  private final InputLayout layout;

  /**
   * @param inlineDeadLetter adds a last column {@code _dead_letter} (the library API's single output)
   * @param emitFeatures adds {@code _source} ({@code file:line}) and {@code _features} (the float32
   *     model input): a backfilled training set, and what parity tests compare bitwise
   */
  PredictionRows(Bundle bundle, List<PredictionField> fields, List<String> keep, InputLayout layout,
                 boolean inlineDeadLetter, boolean emitFeatures) {
    this.layout = layout;
    this.emitFeatures = emitFeatures;
    this.schema = PredictionSchema.derive(bundle, fields, keep, false);
    List<String> cols = PredictionSchema.passthrough(bundle, keep);
    this.passthrough = new int[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      Schema.Field in = bundle.inputSchema().getField(cols.get(i));
      passthrough[i] = in != null ? in.pos() : layout.extraIndex(layout.extras().indexOf(cols.get(i)));
    }
    this.predictionCount = fields.size();
    this.modelId = bundle.id();
    this.inlineDeadLetter = inlineDeadLetter;
  }

  static final String DEAD_LETTER = "_dead_letter";
  static final String SOURCE = "_source";
  static final String FEATURES = "_features";

  Schema avroSchema() {
    return schema;
  }

  StructType sparkSchema() {
    StructType s = SparkTypes.struct(schema, inlineDeadLetter);
    if (emitFeatures) {
      s = s.add(SOURCE, DataTypes.StringType, true).add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true);
    }
    return inlineDeadLetter ? s.add(DEAD_LETTER, DataTypes.StringType, true) : s;
  }

  private int width() {
    return passthrough.length + predictionCount + 1 + (emitFeatures ? 2 : 0) + (inlineDeadLetter ? 1 : 0);
  }

  Row scored(Row input, BatchScorer batch, int row) {
    Object[] v = new Object[width()];
    for (int i = 0; i < passthrough.length; i++) {
      v[i] = input.get(passthrough[i]);
    }
    for (int f = 0; f < predictionCount; f++) {
      v[passthrough.length + f] = batch.value(f, row);
    }
    v[passthrough.length + predictionCount] = modelId;
    if (emitFeatures) {
      v[passthrough.length + predictionCount + 1] = layout.source(input);
      float[] f = batch.featureRow(row);
      Float[] boxed = new Float[f.length];
      for (int i = 0; i < f.length; i++) {
        boxed[i] = f[i];
      }
      v[passthrough.length + predictionCount + 2] = scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(boxed));
    }
    return RowFactory.create(v);
  }

  /** The inline form of a dead letter: only {@code model} and {@code _dead_letter} are set. */
  Row deadLetter(String json) {
    Object[] v = new Object[width()];
    v[passthrough.length + predictionCount] = modelId;
    v[v.length - 1] = json;
    return RowFactory.create(v);
  }
}
