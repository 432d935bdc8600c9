package io.lockstep.batch.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Avro schemas (the bundle's {@code input.avsc} and the derived prediction schema) as Spark types,
 * and Avro values as Spark values. Timestamps stay {@code long} epoch values, as the feature spec
 * reads them (docs/spec.md, features.yaml); every column is nullable, nulls are judged by the feature code.
 */
public final class SparkTypes {
  private SparkTypes() {}

  /** Every column nullable: input rows that failed to decode have nulls anywhere. */
  public static StructType struct(Schema record) {
    return struct(record, true);
  }

  /** @param allNullable false: nullable only where the Avro field is a union with null */
  public static StructType struct(Schema record, boolean allNullable) {
    List<StructField> fields = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      fields.add(DataTypes.createStructField(f.name(), type(f.schema()), allNullable || nullable(f.schema())));
    }
    return DataTypes.createStructType(fields);
  }

  public static DataType type(Schema schema) {
    Schema s = nonNull(schema);
    return switch (s.getType()) {
      case BOOLEAN -> DataTypes.BooleanType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case BYTES, FIXED -> DataTypes.BinaryType;
      default -> DataTypes.StringType;
    };
  }

  /** Whether the field accepts null (a union with null). */
  public static boolean nullable(Schema schema) {
    if (schema.getType() == Schema.Type.NULL) {
      return true;
    }
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    for (Schema t : schema.getTypes()) {
      if (t.getType() != Schema.Type.NULL) {
        return t;
      }
    }
    return schema;
  }

  /** An Avro runtime value (Utf8, enum symbol, ByteBuffer...) as the Spark value of {@link #type}. */
  public static Object value(Object avro) {
    if (avro == null || avro instanceof Number || avro instanceof Boolean || avro instanceof String) {
      return avro;
    }
    if (avro instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    if (avro instanceof org.apache.avro.generic.GenericFixed f) {
      return f.bytes();
    }
    return avro.toString();
  }
}
