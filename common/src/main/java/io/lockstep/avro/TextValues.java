package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Reads field values from text (CSV cells, JSON strings for NaN/Infinity) the way docs/spec.md, Reading inputs
 * says: decimal numbers only (no {@code 0x1p3}, no {@code 1.5d} that Java would accept),
 * {@code NaN}/{@code Infinity}/{@code -Infinity} in float and double fields, booleans
 * {@code true}/{@code false} in any case, ints in 32 bits.
 */
final class TextValues {
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private TextValues() {}

  /** Thrown with the field's {@code decode:} reason. */
  static final class BadValue extends Exception {
    final Reason reason;

    BadValue(Reason reason) {
      super(reason.text(), null, false, false);
      this.reason = reason;
    }
  }

  /** Parses {@code text} as a value of the (non-null) Avro type {@code type}. */
  static Object parse(String text, Schema type, String field) throws BadValue {
    switch (type.getType()) {
      case STRING:
        return text;
      case INT:
        if (INTEGER.matcher(text).matches()) {
          try {
            return Integer.parseInt(text);
          } catch (NumberFormatException e) {
            // out of 32 bits
          }
        }
        throw new BadValue(Reason.decode(field));
      case LONG:
        if (INTEGER.matcher(text).matches()) {
          try {
            return Long.parseLong(text);
          } catch (NumberFormatException e) {
            // out of 64 bits
          }
        }
        throw new BadValue(Reason.decode(field));
      case DOUBLE:
        return parseDouble(text, field);
      case FLOAT:
        return (float) parseDouble(text, field);
      case BOOLEAN:
        String b = text.toLowerCase(Locale.ROOT);
        if (b.equals("true")) {
          return Boolean.TRUE;
        }
        if (b.equals("false")) {
          return Boolean.FALSE;
        }
        throw new BadValue(Reason.decode(field));
      case ENUM:
        if (type.hasEnumSymbol(text)) {
          return new org.apache.avro.generic.GenericData.EnumSymbol(type, text);
        }
        throw new BadValue(Reason.decode(field));
      default:
        throw new BadValue(Reason.decode(field));
    }
  }

  static double parseDouble(String text, String field) throws BadValue {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
      case "+Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        if (DECIMAL.matcher(text).matches()) {
          return Double.parseDouble(text);
        }
        throw new BadValue(Reason.decode(field));
    }
  }

  /** The non-null branch of a field schema and whether null is allowed. */
  static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      for (Schema b : s.getTypes()) {
        if (b.getType() != Schema.Type.NULL) {
          return b;
        }
      }
    }
    return s;
  }

  static boolean nullable(Schema s) {
    if (s.getType() == Schema.Type.NULL) {
      return true;
    }
    return s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
  }
}
