package io.lockstep.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One rejected input (docs/spec.md, Dead letters). Serialised as one JSON object with fields {@code reason, level,
 * time, source, key?, original, original_encoding?}.
 *
 * @param original the input line for text formats, else the record's bytes (written as base64)
 */
public record DeadLetter(Reason reason, Level level, Instant time, String source, String key,
                         String originalText, byte[] originalBytes) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the record was rejected. */
  public enum Level {
    SINGLE_NODE("single-node"), SPARK("spark"), FLINK("flink");

    private final String text;

    Level(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public static DeadLetter ofText(Reason reason, Level level, String source, String key, String line) {
    return new DeadLetter(reason, level, Instant.now(), source, key, line, null);
  }

  public static DeadLetter ofBytes(Reason reason, Level level, String source, String key, byte[] bytes) {
    return new DeadLetter(reason, level, Instant.now(), source, key, null, bytes);
  }

  /** The same dead letter with another reason (e.g. a model failure found after feature extraction). */
  public DeadLetter withReason(Reason newReason) {
    return new DeadLetter(newReason, level, time, source, key, originalText, originalBytes);
  }

  public ObjectNode toJsonNode() {
    ObjectNode n = JSON.createObjectNode();
    n.put("reason", reason.text());
    n.put("level", level.text());
    n.put("time", time.toString());
    n.put("source", source);
    if (key != null) {
      n.put("key", key);
    }
    if (originalBytes != null) {
      n.put("original", Base64.getEncoder().encodeToString(originalBytes));
      n.put("original_encoding", "base64");
    } else {
      n.put("original", originalText == null ? "" : originalText);
    }
    return n;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonNode());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /** What went wrong, for counts by kind. */
  public Reason.Kind reasonKind() {
    return reason.kind();
  }
}
