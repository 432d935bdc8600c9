package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads records of a file's own schema (Parquet, Avro files) into the input schema by field name,
 * with Avro's promotions (int → long → float → double, string ↔ bytes not included): a required
 * field that is absent or null is {@code schema:<field>}; a value that cannot be promoted is
 * {@code decode:<field>}. Extra file fields are ignored unless requested as extras.
 */
public final class RecordAdapter {
  private final Schema input;
  private final int[] filePos;
  private final Schema[] types;
  private final boolean[] nullable;
  private final int[] extraPos;

  public RecordAdapter(Schema input, Schema file, List<String> extras) {
    this.input = input;
    List<Schema.Field> fields = input.getFields();
    filePos = new int[fields.size()];
    types = new Schema[fields.size()];
    nullable = new boolean[fields.size()];
    for (Schema.Field f : fields) {
      Schema.Field ff = file.getField(f.name());
      filePos[f.pos()] = ff == null ? -1 : ff.pos();
      types[f.pos()] = TextValues.nonNull(f.schema());
      nullable[f.pos()] = TextValues.nullable(f.schema());
    }
    extraPos = new int[extras.size()];
    for (int i = 0; i < extras.size(); i++) {
      Schema.Field ff = file.getField(extras.get(i));
      if (ff == null) {
        throw new IllegalArgumentException("--keep names field '" + extras.get(i) + "', which is neither in the input file nor in input.avsc");
      }
      extraPos[i] = ff.pos();
    }
  }

  /** Whether the file lacks a field the input schema requires (every record would be {@code schema:}). */
  public List<String> missingRequired() {
    return input.getFields().stream().filter(f -> filePos[f.pos()] < 0 && !nullable[f.pos()] && !f.hasDefaultValue())
        .map(Schema.Field::name).toList();
  }

  public Decoded adapt(GenericRecord rec) {
    GenericData.Record r = new GenericData.Record(input);
    Reason failure = null;
    for (Schema.Field f : input.getFields()) {
      int i = f.pos();
      Object v = filePos[i] < 0 ? null : rec.get(filePos[i]);
      if (v == null) {
        if (filePos[i] < 0 && f.hasDefaultValue()) {
          r.put(i, GenericData.get().getDefaultValue(f));
          continue;
        }
        if (!nullable[i] && failure == null) {
          failure = Reason.schema(f.name());
        }
        continue;
      }
      Object converted = promote(v, types[i]);
      if (converted == null) {
        // Keep reading: the first failure is the reason, the rest may still yield the key.
        failure = failure == null ? Reason.decode(f.name()) : failure;
        continue;
      }
      r.put(i, converted);
    }
    if (failure != null) {
      return Decoded.failed(failure, r);
    }
    String[] extras = new String[extraPos.length];
    for (int i = 0; i < extras.length; i++) {
      Object v = rec.get(extraPos[i]);
      extras[i] = v == null ? null : v.toString();
    }
    return Decoded.ok(r, extras);
  }

  private static Object promote(Object v, Schema type) {
    switch (type.getType()) {
      case INT:
        // files written by pandas/Spark often store an Avro int column as int64: accept values that fit
        if (v instanceof Long l) {
          return l == (int) (long) l ? (Object) (int) (long) l : null;
        }
        return v instanceof Integer ? v : null;
      case LONG:
        return v instanceof Integer || v instanceof Long ? ((Number) v).longValue() : null;
      case FLOAT:
        return v instanceof Integer || v instanceof Long || v instanceof Float ? ((Number) v).floatValue() : null;
      case DOUBLE:
        return v instanceof Number ? ((Number) v).doubleValue() : null;
      case BOOLEAN:
        return v instanceof Boolean ? v : null;
      case STRING:
        return v instanceof CharSequence || v instanceof GenericData.EnumSymbol ? v.toString() : null;
      case ENUM:
        return type.hasEnumSymbol(v.toString()) ? new GenericData.EnumSymbol(type, v.toString()) : null;
      default:
        return null;
    }
  }
}
