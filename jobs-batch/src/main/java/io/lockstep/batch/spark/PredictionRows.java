package io.lockstep.batch.spark;

import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Prediction rows in the bundle's prediction schema (docs/spec.md, Outputs), the one the single-node runner
 * writes, derived by the same {@link PredictionSchema}: key, {@code --keep} passthrough, each named
 * prediction field, {@code model}. Built in Spark's internal format: passthrough values are copied
 * as they are (a string stays UTF-8 bytes), predictions go in as primitives.
 */
final class PredictionRows {
  static final String DEAD_LETTER = "_dead_letter";
  static final String SOURCE = "_source";
  static final String FEATURES = "_features";

  private final Schema schema;
  private final int[] passthrough;
  private final DataType[] passthroughTypes;
  private final int predictionCount;
  private final UTF8String modelId;
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
    this.passthroughTypes = new DataType[cols.size()];
    StructType in = layout.sparkSchema();
    for (int i = 0; i < cols.size(); i++) {
      Schema.Field f = bundle.inputSchema().getField(cols.get(i));
      passthrough[i] = f != null ? f.pos() : layout.extraIndex(layout.extras().indexOf(cols.get(i)));
      passthroughTypes[i] = in.fields()[passthrough[i]].dataType();
    }
    this.predictionCount = fields.size();
    this.modelId = UTF8String.fromString(bundle.id());
    this.inlineDeadLetter = inlineDeadLetter;
  }

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

  InternalRow scored(InternalRow input, BatchScorer batch, int row) {
    Object[] v = new Object[width()];
    for (int i = 0; i < passthrough.length; i++) {
      v[i] = input.isNullAt(passthrough[i]) ? null : input.get(passthrough[i], passthroughTypes[i]);
    }
    int p = passthrough.length;
    for (int f = 0; f < predictionCount; f++) {
      Object value = batch.value(f, row);
      v[p + f] = value instanceof String s ? UTF8String.fromString(s) : value;
    }
    v[p + predictionCount] = modelId;
    if (emitFeatures) {
      v[p + predictionCount + 1] = UTF8String.fromString(layout.source(input));
      v[p + predictionCount + 2] = UnsafeArrayData.fromPrimitiveArray(batch.featureRow(row));
    }
    return new GenericInternalRow(v);
  }

  /** The inline form of a dead letter: only {@code model} and {@code _dead_letter} are set. */
  InternalRow deadLetter(String json) {
    Object[] v = new Object[width()];
    v[passthrough.length + predictionCount] = modelId;
    v[v.length - 1] = UTF8String.fromString(json);
    return new GenericInternalRow(v);
  }
}
