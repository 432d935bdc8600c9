package io.lockstep.batch.io;

import io.lockstep.avro.Decoded;
import java.util.Map;

/**
 * One input record as read from a file: decoded (or the reason why not), where it came from
 * ({@code file:line}), and its original form for dead letters (text for CSV/JSON lines, bytes for
 * binary formats and for text lines that are not UTF-8).
 *
 * @param fieldTexts for a CSV row that did not decode: each schema field's cell text (null for an
 *     empty cell), so {@code lockstep produce} can send it as JSON with the same field-level reason
 *     (docs/spec.md, CLI); null otherwise
 */
public record RawRecord(Decoded decoded, String source, String text, byte[] bytes, Map<String, String> fieldTexts) {

  public RawRecord(Decoded decoded, String source, String text, byte[] bytes) {
    this(decoded, source, text, bytes, null);
  }
}
