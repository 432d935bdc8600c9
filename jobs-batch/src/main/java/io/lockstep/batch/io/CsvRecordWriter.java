package io.lockstep.batch.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** CSV with a header row of the schema's field names. */
public final class CsvRecordWriter implements RecordWriter {
  private final BufferedWriter out;
  private final int fields;

  public CsvRecordWriter(OutputStream stream, Schema schema) throws IOException {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    this.fields = schema.getFields().size();
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(CsvText.quote(schema.getFields().get(i).name()));
    }
    out.write('\n');
  }

  @Override
  public void write(GenericRecord record) throws IOException {
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(CsvText.cell(record.get(i)));
    }
    out.write('\n');
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
