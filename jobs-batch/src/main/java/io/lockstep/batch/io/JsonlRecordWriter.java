package io.lockstep.batch.io;

import io.lockstep.avro.PlainJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericRecord;

/** One plain JSON object per line. */
public final class JsonlRecordWriter implements RecordWriter {
  private final BufferedWriter out;

  public JsonlRecordWriter(OutputStream stream) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
  }

  @Override
  public void write(GenericRecord record) throws IOException {
    out.write(PlainJson.toJson(record));
    out.write('\n');
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
