package io.lockstep.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The JSON plumbing shared by the lifecycle records (commands, statuses, divergence summaries): one
 * mapper, objects whose field order is the documented one, and field readers that fail with one
 * line naming the field.
 */
final class ControlJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ControlJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(ObjectNode node) {
    return text(node).getBytes(StandardCharsets.UTF_8);
  }

  static String text(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses one JSON object; the message of the exception is one line, for a rejection reason. */
  static JsonNode parseObject(byte[] value) {
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("empty value: expected one JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (java.io.IOException e) {
      String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("not JSON: " + firstLine(msg));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + abbreviate(new String(value, StandardCharsets.UTF_8)));
    }
    return node;
  }

  /** The text of {@code field}, or null when absent or JSON null. */
  static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string, got " + abbreviate(v.toString()));
    }
    return v.asText();
  }

  static String requiredText(JsonNode node, String field) {
    String v = optionalText(node, field);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return v;
  }

  static Double optionalNumber(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be a number, got " + abbreviate(v.toString()));
    }
    return v.asDouble();
  }

  static Long optionalLong(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + abbreviate(v.toString()));
    }
    return v.asLong();
  }

  static void putNullable(ObjectNode node, String field, Double value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  static void putNullable(ObjectNode node, String field, Long value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  static String abbreviate(String s) {
    String line = firstLine(s);
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
