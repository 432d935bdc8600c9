package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.lockstep.deadletter.Reason;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * One input column read as its {@code input.avsc} field, with the dead-letter reason it earns:
 * the Spark twin of {@code common}'s {@code RecordAdapter}, so a Parquet file or a DataFrame gives
 * the same reasons on Spark as on a single node. Accepted are Avro's promotions (int → long →
 * float → double), an int64 column for an {@code int} field when the value fits (pandas writes
 * ints as int64), and timestamps as epoch millis or micros. Anything else — a value that does not
 * fit, a double for a {@code float}, a string for a number — is {@code decode:<field>}; a null in
 * a field that is not a union with null is {@code schema:<field>}.
 *
 * @param value  the column as the field's Spark type (null where {@code reason} is set)
 * @param reason null, or the field's dead-letter reason for this row
 * @param canFailDecoding whether a non-null value can fail ({@code decode:}); when no column of an
 *     input can, its reasons are only {@code schema:} for nulls in required fields, which
 *     {@link InputLayout#decodeFailure} finds by itself in the same (schema) order, so the reason
 *     column need not be computed per row
 */
record ColumnConversion(Column value, Column reason, boolean canFailDecoding) {

  static ColumnConversion of(Column c, DataType have, Schema.Field field) {
    Schema type = SparkTypes.nonNull(field.schema());
    DataType want = SparkTypes.type(field.schema());
    Column nullReason = SparkTypes.nullable(field.schema()) ? lit(null) : lit(Reason.schema(field.name()).text());
    Column value;
    Column bad;
    boolean canFail = true;
    if (have.equals(want)) {
      value = c;
      bad = lit(false);
      canFail = false;
    } else if (have.equals(DataTypes.TimestampType) || have.equals(DataTypes.TimestampNTZType)) {
      boolean micros = type.getLogicalType() instanceof LogicalTypes.TimestampMicros;
      Column ts = have.equals(DataTypes.TimestampType) ? c : c.cast(DataTypes.TimestampType);
      value = micros ? functions.unix_micros(ts) : functions.unix_millis(ts);
      bad = lit(false);
      canFail = false;
    } else if (promotes(have, type.getType())) {
      value = c.try_cast(want);
      bad = value.isNull();                       // only an int64 that does not fit an int
    } else {
      value = lit(null).cast(want);
      bad = lit(true);
    }
    Column reason = when(c.isNull(), nullReason)
        .otherwise(when(bad, lit(Reason.decode(field.name()).text())).otherwise(lit(null)));
    if (!canFail) {
      return new ColumnConversion(value, reason.cast(DataTypes.StringType), false);
    }
    return new ColumnConversion(when(bad, lit(null).cast(want)).otherwise(value), reason.cast(DataTypes.StringType), true);
  }

  /** Whether a column of Spark type {@code have} may be read as an Avro {@code want}, as single node does. */
  private static boolean promotes(DataType have, Schema.Type want) {
    boolean integral = have instanceof IntegerType || have instanceof LongType || have instanceof ShortType || have instanceof ByteType;
    return switch (want) {
      case INT, LONG -> integral;
      case FLOAT -> integral || have.equals(DataTypes.FloatType);
      case DOUBLE -> integral || have.equals(DataTypes.FloatType) || have.equals(DataTypes.DoubleType);
      default -> false;
    };
  }
}
