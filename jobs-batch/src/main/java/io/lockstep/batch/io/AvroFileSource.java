package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro container files, read with their own schema and adapted to the input schema by field name.
 * Dead letters carry the record re-encoded in the file's schema, in base64. Reads a local file, or
 * a stream (Spark's executors read Hadoop paths).
 */
public final class AvroFileSource implements RecordSource {
  private final DataFileStream<GenericRecord> reader;
  private final RecordAdapter adapter;
  private final String name;
  private long index;
  private final OriginalBytes original = new OriginalBytes();

  public AvroFileSource(File file, Schema schema, List<String> extras) throws IOException {
    this(new DataFileReader<>(file, new GenericDatumReader<>()), file.getName(), schema, extras);
  }

  /** @param name the file's name, as dead-letter sources show it */
  public AvroFileSource(InputStream in, String name, Schema schema, List<String> extras) throws IOException {
    this(new DataFileStream<>(in, new GenericDatumReader<>()), name, schema, extras);
  }

  private AvroFileSource(DataFileStream<GenericRecord> reader, String name, Schema schema, List<String> extras) {
    this.reader = reader;
    this.name = name;
    this.adapter = new RecordAdapter(schema, reader.getSchema(), extras);
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
