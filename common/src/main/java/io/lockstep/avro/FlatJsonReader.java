package io.lockstep.avro;

import com.fasterxml.jackson.core.io.NumberInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Reads the common shape of a Kafka JSON value straight from its bytes, without a parser object per
 * record: one flat object whose names are all fields of the schema, with ASCII strings without
 * escapes, numbers, {@code true}, {@code false} and {@code null}. Anything else (a nested value, an
 * escape, a non-ASCII byte, a name outside the schema, a repeated name, a number of 19 digits or
 * more, a syntax error) makes {@link #read} answer {@code false}, and {@link JsonRecordDecoder}
 * reads the record with Jackson as before. So this reader only has to agree with Jackson on what it
 * accepts, and it does by construction: the grammar is JSON's, strings are the bytes themselves,
 * integers follow Jackson's int/long rules and decimals are correctly rounded, as Jackson's
 * FastDoubleParser rounds them ({@code FastDecodingParityTest} compares both on random records).
 *
 * <p>Not thread-safe: one per record.
 */
final class FlatJsonReader {
  /** Largest mantissa for which {@code m / 10^k} (k ≤ 22) is one correctly rounded IEEE operation (Clinger). */
  private static final long EXACT_MANTISSA = 1L << 53;
  private static final double[] POW10 = new double[23];
  /** Longer numbers go to Jackson, whose {@code StreamReadConstraints} limit their length. */
  private static final int MAX_NUMBER_CHARS = 100;

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private final Schema[] types;
  private final byte[][] names;

  // The value just read: its kind and where its text lies.
  private static final int STRING = 1;
  private static final int INTEGER = 2;
  private static final int DECIMAL = 3;
  private static final int TRUE = 4;
  private static final int FALSE = 5;
  private static final int NULL = 6;
  private int kind;
  private int start;
  private int end;
  private long integer;

  /**
   * One reader per record (it holds the position of the value being read), over the decoder's
   * shared arrays.
   *
   * @param types each field's non-null type, by position
   * @param names each field's name as UTF-8 ({@link #names(Schema)})
   */
  FlatJsonReader(Schema[] types, byte[][] names) {
    this.types = types;
    this.names = names;
  }

  static byte[][] names(Schema schema) {
    List<Schema.Field> fields = schema.getFields();
    byte[][] names = new byte[fields.size()][];
    for (Schema.Field f : fields) {
      names[f.pos()] = f.name().getBytes(StandardCharsets.UTF_8);
    }
    return names;
  }

  /**
   * Reads {@code in} into {@code values} and {@code states} (the {@link JsonRecordDecoder} states:
   * absent, null, present, bad), or returns false, leaving them partly filled, when the value is
   * not of the simple shape and must go through Jackson.
   */
  boolean read(byte[] in, Object[] values, byte[] states) {
    int i = skipSpace(in, 0);
    if (i >= in.length || in[i] != '{') {
      return false;
    }
    i = skipSpace(in, i + 1);
    if (i < in.length && in[i] == '}') {
      return skipSpace(in, i + 1) == in.length;
    }
    int expected = 0;
    while (true) {
      if (i >= in.length || in[i] != '"') {
        return false;
      }
      int nameEnd = stringEnd(in, i + 1);
      if (nameEnd < 0) {
        return false;
      }
      int pos = field(in, i + 1, nameEnd, expected);
      if (pos < 0 || states[pos] != JsonRecordDecoder.ABSENT) {
        return false; // a name outside the schema or a repeated one: Jackson's path handles both
      }
      i = skipSpace(in, nameEnd + 1);
      if (i >= in.length || in[i] != ':') {
        return false;
      }
      i = value(in, skipSpace(in, i + 1));
      if (i < 0) {
        return false;
      }
      if (kind == NULL) {
        states[pos] = JsonRecordDecoder.NULL;
      } else {
        Object v = convert(in, types[pos]);
        states[pos] = v == null ? JsonRecordDecoder.BAD : JsonRecordDecoder.PRESENT;
        values[pos] = v;
      }
      expected = pos + 1;
      i = skipSpace(in, i);
      if (i >= in.length) {
        return false;
      }
      if (in[i] == '}') {
        return skipSpace(in, i + 1) == in.length;
      }
      if (in[i] != ',') {
        return false;
      }
      i = skipSpace(in, i + 1);
    }
  }

  /** The schema position of the name in {@code in[from, to)}, trying {@code expected} first; -1 if none. */
  private int field(byte[] in, int from, int to, int expected) {
    if (expected < names.length && matches(names[expected], in, from, to)) {
      return expected;
    }
    for (int p = 0; p < names.length; p++) {
      if (matches(names[p], in, from, to)) {
        return p;
      }
    }
    return -1;
  }

  private static boolean matches(byte[] name, byte[] in, int from, int to) {
    if (name.length != to - from) {
      return false;
    }
    for (int k = 0; k < name.length; k++) {
      if (name[k] != in[from + k]) {
        return false;
      }
    }
    return true;
  }

  /** Index of the closing quote of an ASCII string without escapes starting at {@code from}; -1 otherwise. */
  private static int stringEnd(byte[] in, int from) {
    for (int i = from; i < in.length; i++) {
      byte b = in[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b == '\\') {  // control, escape, or (negative) a non-ASCII byte
        return -1;
      }
    }
    return -1;
  }

  /** Reads one scalar value at {@code i}; returns the index after it, or -1 for anything else. */
  private int value(byte[] in, int i) {
    if (i >= in.length) {
      return -1;
    }
    byte b = in[i];
    if (b == '"') {
      int e = stringEnd(in, i + 1);
      kind = STRING;
      start = i + 1;
      end = e;
      return e < 0 ? -1 : e + 1;
    }
    if (b == '-' || (b >= '0' && b <= '9')) {
      return number(in, i);
    }
    if (literal(in, i, "true")) {
      kind = TRUE;
      return i + 4;
    }
    if (literal(in, i, "false")) {
      kind = FALSE;
      return i + 5;
    }
    if (literal(in, i, "null")) {
      kind = NULL;
      return i + 4;
    }
    return -1;
  }

  private static boolean literal(byte[] in, int i, String word) {
    if (i + word.length() > in.length) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (in[i + k] != word.charAt(k)) {
        return false;
      }
    }
    int after = i + word.length();
    return after == in.length || delimiter(in[after]);
  }

  /** JSON's number grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, then a delimiter. */
  private int number(byte[] in, int i) {
    start = i;
    if (in[i] == '-') {
      i++;
    }
    int intStart = i;
    while (i < in.length && in[i] >= '0' && in[i] <= '9') {
      i++;
    }
    int intDigits = i - intStart;
    if (intDigits == 0 || (intDigits > 1 && in[intStart] == '0')) {
      return -1;
    }
    boolean decimal = false;
    if (i < in.length && in[i] == '.') {
      decimal = true;
      int f = ++i;
      while (i < in.length && in[i] >= '0' && in[i] <= '9') {
        i++;
      }
      if (i == f) {
        return -1;
      }
    }
    if (i < in.length && (in[i] == 'e' || in[i] == 'E')) {
      decimal = true;
      i++;
      if (i < in.length && (in[i] == '+' || in[i] == '-')) {
        i++;
      }
      int e = i;
      while (i < in.length && in[i] >= '0' && in[i] <= '9') {
        i++;
      }
      if (i == e) {
        return -1;
      }
    }
    if (i < in.length && !delimiter(in[i])) {
      return -1;
    }
    if (i - start > MAX_NUMBER_CHARS) {
      return -1; // Jackson refuses numbers over its length limit (1,000): let it decide
    }
    end = i;
    if (decimal) {
      kind = DECIMAL;
      return i;
    }
    if (intDigits > 18) {
      return -1; // Jackson decides long or BigInteger here; leave it to Jackson
    }
    long v = 0;
    for (int k = intStart; k < i; k++) {
      v = v * 10 + (in[k] - '0');
    }
    integer = in[start] == '-' ? -v : v;
    kind = INTEGER;
    return i;
  }

  private static boolean delimiter(byte b) {
    return b == ',' || b == '}' || b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static int skipSpace(byte[] in, int i) {
    while (i < in.length && (in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == '\r')) {
      i++;
    }
    return i;
  }

  /** The value read as {@code type}, or null when its JSON type does not fit: {@code JsonRecordDecoder.value}'s rules. */
  private Object convert(byte[] in, Schema type) {
    switch (type.getType()) {
      case STRING:
        return kind == STRING ? text(in) : null;
      case BOOLEAN:
        return kind == TRUE ? Boolean.TRUE : kind == FALSE ? Boolean.FALSE : null;
      case INT:
        return kind == INTEGER && integer >= Integer.MIN_VALUE && integer <= Integer.MAX_VALUE ? (Object) (int) integer : null;
      case LONG:
        return kind == INTEGER ? (Object) integer : null;
      case DOUBLE:
      case FLOAT:
        double d;
        if (kind == INTEGER) {
          d = integer;
        } else if (kind == DECIMAL) {
          d = decimal(in);
        } else if (kind == STRING && JsonRecordDecoder.special(text(in)) != null) {
          d = JsonRecordDecoder.special(text(in));
        } else {
          return null;
        }
        return type.getType() == Schema.Type.FLOAT ? (Object) (float) d : (Object) d;
      case ENUM:
        if (kind != STRING) {
          return null;
        }
        String symbol = text(in);
        return type.hasEnumSymbol(symbol) ? new GenericData.EnumSymbol(type, symbol) : null;
      default:
        return null;
    }
  }

  private String text(byte[] in) {
    return new String(in, start, end - start, StandardCharsets.ISO_8859_1); // ASCII only: the same characters
  }

  /**
   * The decimal in {@code [start, end)}, correctly rounded: one exact IEEE operation when the
   * mantissa and the power of ten are both exact doubles (Clinger's fast path), else Jackson's
   * FastDoubleParser, which is what the Jackson path uses.
   */
  private double decimal(byte[] in) {
    int i = start;
    boolean negative = in[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int scale = 0;
    boolean exact = true;
    boolean fraction = false;
    for (; i < end && in[i] != 'e' && in[i] != 'E'; i++) {
      if (in[i] == '.') {
        fraction = true;
        continue;
      }
      if (mantissa > (EXACT_MANTISSA - 9) / 10) {
        exact = false;
        break;
      }
      mantissa = mantissa * 10 + (in[i] - '0');
      if (fraction) {
        scale--;
      }
    }
    if (exact && i < end) {
      i++;
      boolean negExp = in[i] == '-';
      if (in[i] == '-' || in[i] == '+') {
        i++;
      }
      int exp = 0;
      for (; i < end; i++) {
        exp = exp * 10 + (in[i] - '0');
        if (exp > 400) {
          exact = false;
          break;
        }
      }
      scale += negExp ? -exp : exp;
    }
    if (exact && scale >= -22 && scale <= 22) {
      double d = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
      return negative ? -d : d;
    }
    return NumberInput.parseDouble(new String(in, start, end - start, StandardCharsets.ISO_8859_1), true);
  }
}
