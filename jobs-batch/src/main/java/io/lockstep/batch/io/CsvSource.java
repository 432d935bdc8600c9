package io.lockstep.batch.io;

import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.deadletter.Reason;
import io.lockstep.io.CsvParser;
import io.lockstep.io.EscapingUtf8Reader;
import io.lockstep.io.InputDamage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * CSV input (UTF-8, RFC 4180, header row) matched to the schema by header name (docs/spec.md,
 * Reading inputs). A row holding bytes that are not UTF-8 is {@code decode:record} and its dead
 * letter carries the original bytes. A last row without a line break that is malformed or short of
 * cells is the mark of a file cut mid-record: it is dead-lettered and reported as {@link InputDamage}.
 */
public final class CsvSource implements RecordSource {
  private final CsvParser parser;
  private final CsvRecordDecoder decoder;
  private final String name;
  private final EscapingUtf8Reader reader;
  private final int headerSize;
  private final List<InputDamage> damage = new ArrayList<>();

  public CsvSource(InputStream in, String name, Schema schema, List<String> extras) throws IOException {
    this.name = name;
    this.reader = new EscapingUtf8Reader(in);
    this.parser = new CsvParser(reader);
    CsvParser.Row header = parser.next();
    if (header == null) {
      throw new IllegalArgumentException(name + ": empty file; a CSV input needs a header row");
    }
    if (header.invalidUtf8()) {
      throw new IllegalArgumentException(name + ": the header row is not UTF-8");
    }
    List<String> cells = header.cells().stream().map(c -> c == null ? "" : stripBom(c)).toList();
    this.headerSize = cells.size();
    this.decoder = new CsvRecordDecoder(schema, cells, extras, name);
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /**
   * Numbers the records that follow from line {@code firstLine}: for a range of a file read after
   * its header line (Spark's split reading), so sources and damage name the file's own lines.
   */
  public void numberFrom(int firstLine) {
    parser.continueAtLine(firstLine);
  }

  @Override
  public RawRecord next() throws IOException {
    CsvParser.Row row;
    do {
      row = parser.next();
      if (row == null) {
        return null;
      }
    } while (CsvParser.isBlank(row));
    String source = name + ":" + row.line();
    if (!row.terminated() && (row.malformed() || row.cells().size() < headerSize)) {
      damage.add(InputDamage.atByte(name, InputDamage.UNKNOWN, "the file ends inside a record (line " + row.line()
          + " has no line break and is incomplete; truncated?)"));
    }
    if (row.invalidUtf8()) {
      return new RawRecord(Decoded.failed(Reason.undecodableRecord()), source, null,
          EscapingUtf8Reader.originalBytes(row.raw()));
    }
    if (row.malformed()) {
      return new RawRecord(Decoded.failed(Reason.undecodableRecord()), source, row.raw(), null);
    }
    Decoded d = decoder.decode(row.cells());
    return new RawRecord(d, source, row.raw(), null, d.isOk() || d.partial() == null ? null : decoder.fieldTexts(row.cells()));
  }

  @Override
  public List<InputDamage> damage() {
    return List.copyOf(damage);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
