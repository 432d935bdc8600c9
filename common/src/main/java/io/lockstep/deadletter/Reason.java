package io.lockstep.deadletter;

/** Dead-letter reasons with their machine-readable prefixes (docs/spec.md, Dead letters). */
public final class Reason {
  private Reason() {}

  public static final String RECORD = "record";

  /** A value's text or bytes cannot be read as the field's type; {@code decode:record} for the whole record. */
  public static String decode(String field) {
    return "decode:" + field;
  }

  /** A required field is absent or null, or the record was written with another schema. */
  public static String schema(String field) {
    return "schema:" + field;
  }

  /** Null or NaN reaches a feature whose ops do not start with impute. */
  public static String missing(String field) {
    return "missing:" + field;
  }

  /** A feature is NaN or ±Inf after its ops. */
  public static String nan(String feature) {
    return "nan:" + feature;
  }

  /** The ONNX run failed for this record alone. */
  public static String model(String message) {
    return "model:" + (message == null ? "unknown error" : message.replace('\n', ' '));
  }

  /** Streaming: an event later than the watermark bound. */
  public static String late(String detail) {
    return "late:" + (detail == null ? "" : detail);
  }
}
