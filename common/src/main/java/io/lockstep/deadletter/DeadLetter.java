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
 * time, source, key?, original, original_encoding?, original_truncated?, original_bytes?}.
 *
 * @param original the input line for text formats, else the record's bytes (written as base64)
 */
public record DeadLetter(Reason reason, Level level, Instant time, String source, String key,
                         String originalText, byte[] originalBytes) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest {@code key} written, in UTF-8 bytes: a key is an identifier, a longer one is cut and marked. */
  public static final int MAX_KEY_BYTES = 1024;

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

  /** {@link #toJsonNode(int)} with the default cap, {@link DeadLetterPolicy#DEFAULT_MAX_ORIGINAL_BYTES}. */
  public ObjectNode toJsonNode() {
    return toJsonNode(DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES);
  }

  /**
   * The JSON object of docs/spec.md, Dead letters. An original longer than {@code maxOriginalBytes}
   * (its bytes, or its text's UTF-8 bytes) keeps only its first {@code maxOriginalBytes} (text: cut at
   * a character boundary) and is marked {@code original_truncated: true} with {@code original_bytes}
   * its whole size, so a dead letter always fits its output (a Kafka record, a line a tool can read)
   * whatever the input. A key longer than {@link #MAX_KEY_BYTES} is cut the same way
   * ({@code key_truncated: true}).
   */
  public ObjectNode toJsonNode(int maxOriginalBytes) {
    ObjectNode n = JSON.createObjectNode();
    n.put("reason", reason.text());
    n.put("level", level.text());
    n.put("time", time.toString());
    n.put("source", source);
    if (key != null) {
      String cut = Utf8Prefix.of(key, MAX_KEY_BYTES);
      n.put("key", cut);
      if (cut.length() < key.length()) {
        n.put("key_truncated", true);
      }
    }
    long total;
    boolean truncated;
    if (originalBytes != null) {
      total = originalBytes.length;
      truncated = total > maxOriginalBytes;
      byte[] kept = truncated ? java.util.Arrays.copyOf(originalBytes, maxOriginalBytes) : originalBytes;
      n.put("original", Base64.getEncoder().encodeToString(kept));
      n.put("original_encoding", "base64");
    } else {
      String text = originalText == null ? "" : originalText;
      String kept = Utf8Prefix.of(text, maxOriginalBytes);
      truncated = kept.length() < text.length();
      total = truncated ? Utf8Prefix.length(text) : 0;
      n.put("original", kept);
    }
    if (truncated) {
      n.put("original_truncated", true);
      n.put("original_bytes", total);
    }
    return n;
  }

  /** The JSON text, {@code original} capped at the default {@link DeadLetterPolicy#DEFAULT_MAX_ORIGINAL_BYTES}. */
  public String toJson() {
    return toJson(DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES);
  }

  public String toJson(int maxOriginalBytes) {
    try {
      return JSON.writeValueAsString(toJsonNode(maxOriginalBytes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] toJsonBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  public byte[] toJsonBytes(int maxOriginalBytes) {
    return toJson(maxOriginalBytes).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The UTF-8 JSON with {@code original} capped at {@code maxOriginalBytes}, cut further if needed so
   * that the whole value takes at most {@code maxJsonBytes}: for a Kafka dead-letter queue, whose
   * producer refuses a record over {@code max.request.size} (and a refused dead letter would fail the
   * task, which would then replay and refuse it again, forever).
   *
   * @throws IllegalArgumentException if even an empty original does not fit (a limit far too small)
   */
  public byte[] toJsonBytesAtMost(int maxOriginalBytes, int maxJsonBytes) {
    int cap = maxOriginalBytes;
    byte[] json = toJsonBytes(cap);
    while (json.length > maxJsonBytes && cap > 0) {
      // Each original byte takes at least one JSON byte (4/3 in base64): dropping this many removes the excess.
      int over = json.length - maxJsonBytes;
      int shrink = originalBytes != null ? over * 3 / 4 + 4 : over;
      cap = (int) Math.max(0, Math.min(cap, originalLength()) - shrink);
      json = toJsonBytes(cap);
    }
    if (json.length > maxJsonBytes) {
      throw new IllegalArgumentException("a dead letter of " + source + " takes " + json.length
          + " bytes even without its original, over the limit of " + maxJsonBytes + " bytes");
    }
    return json;
  }

  private long originalLength() {
    return originalBytes != null ? originalBytes.length : Utf8Prefix.length(originalText == null ? "" : originalText);
  }

  /** What went wrong, for counts by kind. */
  public Reason.Kind reasonKind() {
    return reason.kind();
  }
}
