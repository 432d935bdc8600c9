package io.lockstep.deadletter;

import java.io.Serializable;
import java.util.Locale;

/**
 * Why a record was dead-lettered: a {@link Kind} plus a detail (the field, feature or message). The
 * wire text is {@code kind:detail} ({@code decode:age}, {@code model:...}), as docs/spec.md, Dead
 * letters fixes; counts and policies use the kind, never a parsed prefix. Every level builds
 * reasons only through the factories below, so the vocabulary lives in this one place.
 *
 * @param kind what went wrong
 * @param detail the field, feature or message it concerns (never null, may be empty)
 */
public record Reason(Kind kind, String detail) implements Serializable {

  /** The detail of a reason about the whole record rather than one field ({@code decode:record}). */
  public static final String RECORD = "record";

  /** Reason kinds; {@link #prefix()} is the wire text before the colon. */
  public enum Kind {
    /** A value's text or bytes cannot be read as the field's type, or the record cannot be decoded. */
    DECODE,
    /** A required field is absent or null, or the record was written with another schema. */
    SCHEMA,
    /** Null or NaN reaches a feature whose ops do not start with impute (or a window key/time is null). */
    MISSING,
    /** A feature is NaN or ±Inf after its ops. */
    NAN,
    /** The ONNX run failed for this record alone. */
    MODEL,
    /** Streaming: an event later than the watermark bound of a window feature. */
    LATE;

    private final String prefix = name().toLowerCase(Locale.ROOT);

    public String prefix() {
      return prefix;
    }

    /** The kind whose prefix is {@code prefix}, or null. */
    public static Kind ofPrefix(String prefix) {
      for (Kind k : values()) {
        if (k.prefix.equals(prefix)) {
          return k;
        }
      }
      return null;
    }
  }

  public Reason {
    if (kind == null) {
      throw new IllegalArgumentException("reason kind is null");
    }
    detail = detail == null ? "" : detail;
  }

  /** A value's text or bytes cannot be read as the field's type; {@code decode:record} for the whole record. */
  public static Reason decode(String field) {
    return new Reason(Kind.DECODE, field);
  }

  /** The whole record cannot be decoded: {@code decode:record}. */
  public static Reason undecodableRecord() {
    return UNDECODABLE_RECORD;
  }

  /** A required field is absent or null, or ({@code schema:record}) the record was written with another schema. */
  public static Reason schema(String field) {
    return new Reason(Kind.SCHEMA, field);
  }

  /** Null or NaN reaches a feature whose ops do not start with impute. */
  public static Reason missing(String field) {
    return new Reason(Kind.MISSING, field);
  }

  /** A feature is NaN or ±Inf after its ops. */
  public static Reason nan(String feature) {
    return new Reason(Kind.NAN, feature);
  }

  /** The ONNX run failed for this record alone; the message is kept on one line. */
  public static Reason model(String message) {
    return new Reason(Kind.MODEL, message == null ? "unknown error" : message.replace('\n', ' ').replace('\r', ' '));
  }

  /** Streaming: an event later than the watermark bound. */
  public static Reason late(String detail) {
    return new Reason(Kind.LATE, detail);
  }

  private static final Reason UNDECODABLE_RECORD = decode(RECORD);

  /**
   * Reads the wire text back, for engines that carry a reason through a text column (Spark rows).
   *
   * @throws IllegalArgumentException if the text has no known kind: a bug, not bad input
   */
  public static Reason parse(String text) {
    int i = text.indexOf(':');
    Kind kind = Kind.ofPrefix(i < 0 ? text : text.substring(0, i));
    if (kind == null) {
      throw new IllegalArgumentException("not a dead-letter reason: '" + text + "'");
    }
    return new Reason(kind, i < 0 ? "" : text.substring(i + 1));
  }

  /** The wire text, {@code kind:detail}. */
  public String text() {
    return kind.prefix() + ":" + detail;
  }

  @Override
  public String toString() {
    return text();
  }
}
