package io.lockstep.batch.spark;

import io.lockstep.features.FieldAccessor;
import org.apache.avro.Schema;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads the input fields of an {@link InputLayout} row in Spark's internal format, by position,
 * only when a feature asks: no conversion of the whole row to a {@code Row} of Java objects (the
 * cost measured in docs/spec.md, Stack notes), and a string becomes a Java {@code String} only if a feature reads
 * it as text. Point it at the next row with {@link #of}; one instance per task.
 */
final class InternalFields implements FieldAccessor {
  private enum Kind { BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, BINARY }

  private final Kind[] kinds;
  private InternalRow row;

  InternalFields(Schema input) {
    kinds = new Kind[input.getFields().size()];
    for (Schema.Field f : input.getFields()) {
      kinds[f.pos()] = switch (SparkTypes.nonNull(f.schema()).getType()) {
        case BOOLEAN -> Kind.BOOLEAN;
        case INT -> Kind.INT;
        case LONG -> Kind.LONG;
        case FLOAT -> Kind.FLOAT;
        case DOUBLE -> Kind.DOUBLE;
        case BYTES, FIXED -> Kind.BINARY;
        default -> Kind.STRING;
      };
    }
  }

  InternalFields of(InternalRow r) {
    this.row = r;
    return this;
  }

  /** A separate accessor bound to one row (for rows handed back after a batch). */
  InternalFields copyFor(InternalRow r) {
    InternalFields f = new InternalFields(kinds);
    f.row = r;
    return f;
  }

  private InternalFields(Kind[] kinds) {
    this.kinds = kinds;
  }

  @Override
  public Object get(int i) {
    if (row.isNullAt(i)) {
      return null;
    }
    return switch (kinds[i]) {
      case BOOLEAN -> row.getBoolean(i);
      case INT -> row.getInt(i);
      case LONG -> row.getLong(i);
      case FLOAT -> row.getFloat(i);
      case DOUBLE -> row.getDouble(i);
      case STRING -> row.getUTF8String(i).toString();
      case BINARY -> row.getBinary(i);
    };
  }
}
