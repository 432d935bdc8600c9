package io.lockstep.batch.io;

import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.deadletter.Reason;
import io.lockstep.io.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/** CSV input (UTF-8, RFC 4180, header row) matched to the schema by header name. */
public final class CsvSource implements RecordSource {
  private final CsvParser parser;
  private final CsvRecordDecoder decoder;
  private final String name;
  private final BufferedReader reader;

  public CsvSource(InputStream in, String name, Schema schema, List<String> extras) throws IOException {
    this.name = name;
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    this.parser = new CsvParser(reader);
    CsvParser.Row header = parser.next();
    if (header == null) {
      throw new IllegalArgumentException(name + ": empty file; a CSV input needs a header row");
    }
    List<String> cells = header.cells().stream().map(c -> c == null ? "" : stripBom(c)).toList();
    this.decoder = new CsvRecordDecoder(schema, cells, extras, name);
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
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
    Decoded d = row.malformed() ? Decoded.failed(Reason.undecodableRecord()) : decoder.decode(row.cells());
    return new RawRecord(d, name + ":" + row.line(), row.raw(), null);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
