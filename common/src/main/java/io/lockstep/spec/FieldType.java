package io.lockstep.spec;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The kind of value an input field holds, read off {@code input.avsc}: a nullable union
 * {@code ["null", T]} is {@code T} with {@code nullable = true}.
 */
public record FieldType(Kind kind, boolean nullable, boolean micros) {

  public enum Kind { INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING, OTHER }

  public boolean isNumeric() {
    return kind == Kind.INT || kind == Kind.LONG || kind == Kind.FLOAT || kind == Kind.DOUBLE;
  }

  public boolean isIntegral() {
    return kind == Kind.INT || kind == Kind.LONG;
  }

  /** Reads the type of an Avro field schema. */
  public static FieldType of(Schema schema) {
    boolean nullable = false;
    Schema s = schema;
    if (s.getType() == Schema.Type.UNION) {
      Schema nonNull = null;
      int others = 0;
      for (Schema branch : s.getTypes()) {
        if (branch.getType() == Schema.Type.NULL) {
          nullable = true;
        } else {
          nonNull = branch;
          others++;
        }
      }
      if (others != 1) {
        return new FieldType(Kind.OTHER, nullable, false);
      }
      s = nonNull;
    }
    LogicalType logical = s.getLogicalType();
    boolean micros = logical instanceof LogicalTypes.TimestampMicros;
    Kind kind = switch (s.getType()) {
      case INT -> Kind.INT;
      case LONG -> Kind.LONG;
      case FLOAT -> Kind.FLOAT;
      case DOUBLE -> Kind.DOUBLE;
      case BOOLEAN -> Kind.BOOLEAN;
      case STRING, ENUM -> Kind.STRING;
      default -> Kind.OTHER;
    };
    return new FieldType(kind, nullable, micros);
  }
}
