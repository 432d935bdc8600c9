package io.lockstep.avro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes a flat record as a plain JSON object (not Avro's union-wrapped JSON encoding): the format
 * of JSON-lines files and of {@code --input-format json} Kafka values. Non-finite floats are written
 * as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which the decoders read back.
 */
public final class PlainJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlainJson() {}

  public static ObjectNode toNode(GenericRecord record) {
    ObjectNode n = JSON.createObjectNode();
    for (Schema.Field f : record.getSchema().getFields()) {
      put(n, f.name(), record.get(f.pos()));
    }
    return n;
  }

  public static void put(ObjectNode n, String name, Object v) {
    if (v == null) {
      n.putNull(name);
    } else if (v instanceof Integer i) {
      n.put(name, i);
    } else if (v instanceof Long l) {
      n.put(name, l);
    } else if (v instanceof Float f) {
      if (Float.isFinite(f)) {
        n.put(name, f);
      } else {
        n.put(name, nonFinite(f));
      }
    } else if (v instanceof Double d) {
      if (Double.isFinite(d)) {
        n.put(name, d);
      } else {
        n.put(name, nonFinite(d));
      }
    } else if (v instanceof Boolean b) {
      n.put(name, b);
    } else {
      n.put(name, v.toString());
    }
  }

  private static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  public static String toJson(GenericRecord record) {
    return toNode(record).toString();
  }
}
