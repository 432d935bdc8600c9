package io.lockstep.avro;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lockstep.deadletter.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Decodes one JSON object (plain JSON values, not Avro's union-wrapped encoding) against the input
 * schema (docs/spec.md, Reading inputs). Absent or {@code null} is null; a value of the wrong JSON type is
 * {@code decode:<field>}; ints and longs must be integer literals in range; {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} strings are read in float and double fields; anything that
 * is not a UTF-8 JSON object is {@code decode:record}. Used by JSON-lines files and Kafka JSON values.
 */
public final class JsonRecordDecoder {
  /**
   * Both parsers read numbers with Jackson's FastDoubleParser: correctly rounded, so bit for bit
   * {@code Double.parseDouble} ({@code FastDecodingParityTest#fastDoubleParserGivesParseDoublesBits}),
   * at a fraction of the cost of the JDK's parser (a tenth of a JSON record's decoding time).
   */
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build()).build();
  /**
   * For {@link #decode(byte[])}: the same parser without Jackson's duplicate detection (a hash set
   * per object, a quarter of the decoding time). Duplicates are found by the decoder itself on the
   * top level; a record with a nested object or array is parsed again with {@link #JSON}.
   */
  private static final ObjectMapper FLAT = JsonMapper.builder(JsonFactory.builder()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build()).build();
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private final Schema schema;
  private final Schema[] types;
  private final boolean[] nullable;
  private final List<String> extras;
  /** Field position by name (the parser hands out names, the record is filled by position). */
  private final Map<String, Integer> positions = new HashMap<>();
  /** Field names as UTF-8, for {@link FlatJsonReader}. */
  private final byte[][] names;

  public JsonRecordDecoder(Schema schema, List<String> extras) {
    this.schema = schema;
    this.extras = List.copyOf(extras);
    List<Schema.Field> fields = schema.getFields();
    types = new Schema[fields.size()];
    nullable = new boolean[fields.size()];
    for (Schema.Field f : fields) {
      types[f.pos()] = TextValues.nonNull(f.schema());
      nullable[f.pos()] = TextValues.nullable(f.schema());
      positions.put(f.name(), f.pos());
    }
    names = FlatJsonReader.names(schema);
  }

  /**
   * Decodes UTF-8 bytes of one JSON object. Reads the tokens straight into the record (no tree of
   * the whole object: the per-record cost of a Kafka JSON value), with exactly the outcome of
   * {@link #decode(JsonNode)} on the parsed tree: same values, same first failure in schema order,
   * same extras text. Every token is decoded in full, so bytes the tree parser would reject
   * (malformed UTF-8 in an ignored field) are rejected here too. The common shape (a flat object of
   * schema fields, ASCII strings, no escapes) is read by {@link FlatJsonReader} without a parser,
   * the rest by Jackson's tokens.
   */
  public Decoded decode(byte[] utf8) {
    if (utf8 == null) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    Object[] values = new Object[types.length];
    byte[] state = new byte[types.length];
    if (new FlatJsonReader(types, names).read(utf8, values, state)) {
      return toRecord(values, state, extras.isEmpty() ? NO_EXTRAS : new String[extras.size()]);
    }
    try {
      return decodeTokens(utf8, FLAT);
    } catch (NestedObject e) {
      return decodeTokens(utf8, JSON);
    }
  }

  /** Thrown by a parse without duplicate detection that met a nested value (which may hide duplicates). */
  private static final class NestedObject extends RuntimeException {
    NestedObject() {
      super(null, null, false, false);
    }
  }

  private static final NestedObject NESTED = new NestedObject();
  /** The extras of every record when none are asked for (never written to). */
  private static final String[] NO_EXTRAS = new String[0];

  private Decoded decodeTokens(byte[] utf8, ObjectMapper mapper) {
    boolean strict = mapper == JSON;
    java.util.Set<String> otherNames = null;
    int n = types.length;
    Object[] values = new Object[n];
    byte[] state = new byte[n];
    String[] extra = extras.isEmpty() ? NO_EXTRAS : new String[extras.size()];
    try (JsonParser p = mapper.createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Decoded.failed(Reason.undecodableRecord());
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (!strict && (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY)) {
          throw NESTED;
        }
        Integer pos = positions.get(name);
        if (!strict) {
          boolean duplicate;
          if (pos != null) {
            duplicate = state[pos] != ABSENT;
          } else {
            otherNames = otherNames == null ? new java.util.HashSet<>() : otherNames;
            duplicate = !otherNames.add(name);
          }
          if (duplicate) {
            return Decoded.failed(Reason.undecodableRecord()); // as the strict parser reports it
          }
        }
        if (pos != null) {
          if (v == JsonToken.VALUE_NULL) {
            state[pos] = NULL;
          } else {
            Object value = value(p, v, types[pos]);
            state[pos] = value == null ? BAD : PRESENT;
            values[pos] = value;
          }
        } else {
          int e = extras.indexOf(name);
          if (e >= 0) {
            extra[e] = v == JsonToken.VALUE_NULL ? null : v == JsonToken.VALUE_STRING ? p.getText() : p.readValueAsTree().toString();
          }
        }
        finish(p, v);
      }
      if (t != JsonToken.END_OBJECT) {
        return Decoded.failed(Reason.undecodableRecord());
      }
    } catch (NestedObject e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    return toRecord(values, state, extra);
  }

  /** The record from the fields' states and values: the first failure in schema order, else the record. */
  private Decoded toRecord(Object[] values, byte[] state, String[] extra) {
    GenericData.Record r = new GenericData.Record(schema);
    Reason failure = null;
    for (Schema.Field f : schema.getFields()) {
      int i = f.pos();
      switch (state[i]) {
        case PRESENT -> r.put(i, values[i]);
        case BAD -> failure = failure == null ? Reason.decode(f.name()) : failure;
        default -> {
          if (state[i] == ABSENT && f.hasDefaultValue()) {
            r.put(i, GenericData.get().getDefaultValue(f));
          } else if (!nullable[i] && failure == null) {
            failure = Reason.schema(f.name());
          }
        }
      }
    }
    return failure != null ? Decoded.failed(failure, r) : Decoded.ok(r, extra);
  }

  static final byte ABSENT = 0;
  static final byte NULL = 1;
  static final byte PRESENT = 2;
  static final byte BAD = 3;

  /** The value of the current token read as {@code type}, or null when its JSON type does not fit. */
  private static Object value(JsonParser p, JsonToken t, Schema type) throws IOException {
    switch (type.getType()) {
      case STRING:
        return t == JsonToken.VALUE_STRING ? p.getText() : null;
      case BOOLEAN:
        return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
      case INT:
        return t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT ? (Object) p.getIntValue() : null;
      case LONG:
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          return p.getLongValue();
        }
        return null;
      case DOUBLE:
      case FLOAT:
        double d;
        if (t == JsonToken.VALUE_NUMBER_INT) {
          // Not getDoubleValue(): after a BigInteger token Jackson 2.18 returns that old value for
          // the next integer's double (FastDecodingParityTest#flatRecordsDecodeAsTheTreeDecodesThem found it).
          d = switch (p.getNumberType()) {
            case INT -> p.getIntValue();
            case LONG -> p.getLongValue();
            default -> p.getBigIntegerValue().doubleValue();
          };
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
          d = p.getDoubleValue();
        } else if (t == JsonToken.VALUE_STRING && special(p.getText()) != null) {
          d = special(p.getText());
        } else {
          return null;
        }
        return type.getType() == Schema.Type.FLOAT ? (Object) (float) d : (Object) d;
      case ENUM:
        return t == JsonToken.VALUE_STRING && type.hasEnumSymbol(p.getText()) ? new GenericData.EnumSymbol(type, p.getText()) : null;
      default:
        return null;
    }
  }

  /** Consumes the rest of the current value: nested values token by token, a scalar decoded in full. */
  private static void finish(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
  }

  public Decoded decode(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    GenericData.Record r = new GenericData.Record(schema);
    Reason failure = null;
    for (Schema.Field f : schema.getFields()) {
      int i = f.pos();
      JsonNode v = node.get(f.name());
      if (v == null || v.isNull()) {
        if (v == null && f.hasDefaultValue()) {
          r.put(i, GenericData.get().getDefaultValue(f));
          continue;
        }
        if (!nullable[i] && failure == null) {
          failure = Reason.schema(f.name());
        }
        continue;
      }
      Object value = value(v, types[i]);
      if (value == null) {
        // Keep reading: the first failure is the reason, the rest may still yield the key.
        failure = failure == null ? Reason.decode(f.name()) : failure;
        continue;
      }
      r.put(i, value);
    }
    if (failure != null) {
      return Decoded.failed(failure, r);
    }
    String[] extra = extras.isEmpty() ? NO_EXTRAS : new String[extras.size()];
    for (int i = 0; i < extra.length; i++) {
      JsonNode v = node.get(extras.get(i));
      extra[i] = v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }
    return Decoded.ok(r, extra);
  }

  /** The value read as {@code type}, or null when its JSON type does not fit. */
  private static Object value(JsonNode v, Schema type) {
    switch (type.getType()) {
      case STRING:
        return v.isTextual() ? v.textValue() : null;
      case BOOLEAN:
        return v.isBoolean() ? v.booleanValue() : null;
      case INT:
        if (v.isIntegralNumber()) {
          BigInteger b = v.bigIntegerValue();
          return b.compareTo(INT_MIN) >= 0 && b.compareTo(INT_MAX) <= 0 ? b.intValue() : null;
        }
        return null;
      case LONG:
        if (v.isIntegralNumber()) {
          return v.canConvertToLong() ? v.longValue() : null;
        }
        return null;
      case DOUBLE:
      case FLOAT:
        double d;
        if (v.isNumber()) {
          d = v.doubleValue();
        } else if (v.isTextual() && special(v.textValue()) != null) {
          d = special(v.textValue());
        } else {
          return null;
        }
        return type.getType() == Schema.Type.FLOAT ? (Object) (float) d : (Object) d;
      case ENUM:
        return v.isTextual() && type.hasEnumSymbol(v.textValue()) ? new GenericData.EnumSymbol(type, v.textValue()) : null;
      default:
        return null;
    }
  }

  /** The non-finite value a JSON string names in a float or double field, else null. */
  static Double special(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> null;
    };
  }
}
