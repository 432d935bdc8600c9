package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.SeekableInput;
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
  private final DataFileReader<GenericRecord> ranged;
  private final long end;
  private long index;
  private final OriginalBytes original = new OriginalBytes();

  public AvroFileSource(File file, Schema schema, List<String> extras) throws IOException {
    this(new DataFileReader<>(file, new GenericDatumReader<>()), file.getName(), schema, extras);
  }

  /** @param name the file's name, as dead-letter sources show it */
  public AvroFileSource(InputStream in, String name, Schema schema, List<String> extras) throws IOException {
    this(new DataFileStream<>(in, new GenericDatumReader<>()), name, schema, extras);
  }

  /**
   * The records of the blocks whose preceding sync marker starts in {@code [start, end)}: Avro's own
   * split rule (as Hadoop's {@code AvroRecordReader}), so that ranges of one container, read by
   * different tasks, hold every record exactly once. Sources number the range's records from 1.
   */
  public static AvroFileSource range(SeekableInput in, String name, Schema schema, List<String> extras, long start, long end)
      throws IOException {
    DataFileReader<GenericRecord> reader = new DataFileReader<>(in, new GenericDatumReader<>());
    reader.sync(start);
    return new AvroFileSource(reader, name, schema, extras, end);
  }

  private AvroFileSource(DataFileStream<GenericRecord> reader, String name, Schema schema, List<String> extras) {
    this(reader, name, schema, extras, -1);
  }

  private AvroFileSource(DataFileStream<GenericRecord> reader, String name, Schema schema, List<String> extras, long end) {
    this.reader = reader;
    this.ranged = end >= 0 ? (DataFileReader<GenericRecord>) reader : null;
    this.end = end;
    this.name = name;
    this.adapter = new RecordAdapter(schema, reader.getSchema(), extras);
    List<String> missing = adapter.missingRequired();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(name + ": lacks required field(s) " + missing + " of input.avsc");
    }
  }

  @Override
  public RawRecord next() throws IOException {
    if (!reader.hasNext() || (ranged != null && ranged.pastSync(end))) {
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
