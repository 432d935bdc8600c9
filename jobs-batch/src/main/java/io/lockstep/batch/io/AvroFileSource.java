package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro container files, read with their own schema and adapted to the input schema by field name.
 * Dead letters carry the record re-encoded in the file's schema, in base64.
 */
public final class AvroFileSource implements RecordSource {
  private final DataFileReader<GenericRecord> reader;
  private final RecordAdapter adapter;
  private final String name;
  private long index;
  private final OriginalBytes original = new OriginalBytes();

  public AvroFileSource(File file, Schema schema, List<String> extras) throws IOException {
    this.reader = new DataFileReader<>(file, new GenericDatumReader<>());
    this.name = file.getName();
    Schema fileSchema = reader.getSchema();
    this.adapter = new RecordAdapter(schema, fileSchema, extras);
    List<String> missing = adapter.missingRequired();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(name + ": lacks required field(s) " + missing + " of input.avsc");
    }
  }

  @Override
  public RawRecord next() throws IOException {
    if (!reader.hasNext()) {
      return null;
    }
    GenericRecord r = reader.next();
    index++;
    var d = adapter.adapt(r);
    byte[] bytes = d.isOk() ? null : original.of(r);
    return new RawRecord(d, name + ":" + index, null, bytes);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
