package io.lockstep.batch.spark;

import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FieldAccessor;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The SQL UDF of {@link Lockstep#registerUdf}: a struct of input fields in, a struct of
 * predictions and {@code dead_letter_reason} out. Same features and model code as the job, a
 * one-row batch per thread.
 */
final class ScoreUdf implements UDF1<Row, Row> {
  static final String REASON = "dead_letter_reason";
  private final Broadcast<ShippedBundle> bundle;
  private transient ThreadLocal<BatchScorer> batches;

  ScoreUdf(Broadcast<ShippedBundle> bundle) {
    this.bundle = bundle;
  }

  static StructType returnType(ExecutorModels.Model model) {
    List<StructField> fields = new ArrayList<>();
    for (PredictionField f : model.scorer().fields()) {
      fields.add(DataTypes.createStructField(f.name(), sparkType(f), true));
    }
    fields.add(DataTypes.createStructField(REASON, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  @Override
  public Row call(Row input) {
    ExecutorModels.Model model = ExecutorModels.get(bundle.value());
    int n = model.scorer().fields().size();
    Object[] out = new Object[n + 1];
    if (input == null) {
      out[n] = Reason.undecodableRecord().text();
      return RowFactory.create(out);
    }
    FieldAccessor fields = accessor(input, model.bundle().inputSchema());
    BatchScorer batch = batch(model);
    batch.clear();
    Reason reason = batch.add(model.pipeline(), fields, null);
    if (reason == null) {
      batch.score();
      reason = batch.failure(0);
    }
    if (reason != null) {
      out[n] = reason.text();
    } else {
      for (int f = 0; f < n; f++) {
        out[f] = batch.value(f, 0);
      }
    }
    batch.clear();
    return RowFactory.create(out);
  }

  private BatchScorer batch(ExecutorModels.Model model) {
    synchronized (this) {
      if (batches == null) {
        batches = ThreadLocal.withInitial(() -> model.scorer().newBatch(1));
      }
    }
    return batches.get();
  }

  /** Input fields by name: the struct may hold more columns, in any order. */
  private static FieldAccessor accessor(Row row, Schema schema) {
    StructType s = row.schema();
    List<String> names = List.of(s.fieldNames());
    int[] index = new int[schema.getFields().size()];
    for (Schema.Field f : schema.getFields()) {
      index[f.pos()] = names.indexOf(f.name());
    }
    return i -> index[i] < 0 || row.isNullAt(index[i]) ? null : row.get(index[i]);
  }

  private static DataType sparkType(PredictionField f) {
    return switch (f.type()) {
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case LONG -> DataTypes.LongType;
      case STRING -> DataTypes.StringType;
    };
  }
}
