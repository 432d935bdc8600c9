package io.lockstep.avro;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lockstep.deadletter.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
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
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private final Schema schema;
  private final Schema[] types;
  private final boolean[] nullable;
  private final List<String> extras;

  public JsonRecordDecoder(Schema schema, List<String> extras) {
    this.schema = schema;
    this.extras = List.copyOf(extras);
    List<Schema.Field> fields = schema.getFields();
    types = new Schema[fields.size()];
    nullable = new boolean[fields.size()];
    for (Schema.Field f : fields) {
      types[f.pos()] = TextValues.nonNull(f.schema());
      nullable[f.pos()] = TextValues.nullable(f.schema());
    }
  }

  /** Decodes UTF-8 bytes of one JSON object. */
  public Decoded decode(byte[] utf8) {
    JsonNode node;
    try {
      node = JSON.readTree(utf8);
    } catch (IOException | RuntimeException e) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    return decode(node);
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
    String[] extra = new String[extras.size()];
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
        } else if (v.isTextual()) {
          switch (v.textValue()) {
            case "NaN" -> d = Double.NaN;
            case "Infinity" -> d = Double.POSITIVE_INFINITY;
            case "-Infinity" -> d = Double.NEGATIVE_INFINITY;
            default -> {
              return null;
            }
          }
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
}
