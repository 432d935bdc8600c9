package io.lockstep.batch.io;

import io.lockstep.avro.Decoded;
import io.lockstep.avro.JsonRecordDecoder;
import io.lockstep.deadletter.Reason;
import io.lockstep.io.InputDamage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * JSON lines: one object per line; blank lines are skipped. Lines are read as bytes so invalid UTF-8
 * is caught. A last line without a line break that is not a JSON object is the mark of a file cut
 * mid-record: it is dead-lettered and reported as {@link InputDamage} at its byte offset.
 */
public final class JsonlSource implements RecordSource {
  private final InputStream in;
  private final JsonRecordDecoder decoder;
  private final String name;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
  private int lineNo;
  private long offset;
  private final List<InputDamage> damage = new ArrayList<>();

  public JsonlSource(InputStream in, String name, Schema schema, List<String> extras) {
    this.in = new BufferedInputStream(in, 1 << 16);
    this.name = name;
    this.decoder = new JsonRecordDecoder(schema, extras);
  }

  /**
   * Numbers the lines that follow from {@code firstLine}, starting at byte {@code firstByte}: for a
   * range of a file (Spark's split reading), so sources and damage name the file's own lines.
   */
  public void numberFrom(int firstLine, long firstByte) {
    this.lineNo = firstLine - 1;
    this.offset = firstByte;
  }

  @Override
  public RawRecord next() throws IOException {
    while (true) {
      line.reset();
      long lineStart = offset;
      int c;
      boolean any = false;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
        any = true;
      }
      if (c < 0 && !any) {
        return null;
      }
      lineNo++;
      byte[] bytes = line.toByteArray();
      offset += bytes.length + (c < 0 ? 0 : 1);
      int n = bytes.length;
      if (n > 0 && bytes[n - 1] == '\r') {
        n--;
      }
      if (isBlank(bytes, n)) {
        continue;
      }
      byte[] body = n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
      Decoded d = decoder.decode(body);
      if (c < 0 && Reason.undecodableRecord().equals(d.reason())) {
        damage.add(InputDamage.atByte(name, lineStart, "the file ends inside a record (line " + lineNo
            + " has no line break and is not a JSON object; truncated?)"));
      }
      if (!d.isOk() && !isUtf8(body)) {
        // Kept as bytes: a String would replace them with U+FFFD and the dead letter would lie.
        return new RawRecord(d, name + ":" + lineNo, null, body);
      }
      return new RawRecord(d, name + ":" + lineNo, new String(body, StandardCharsets.UTF_8), null);
    }
  }

  private static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isBlank(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != ' ' && b[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<InputDamage> damage() {
    return List.copyOf(damage);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
