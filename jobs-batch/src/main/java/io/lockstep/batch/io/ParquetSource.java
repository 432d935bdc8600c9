package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** Parquet files read without Spark (parquet-avro over a local file), adapted to the input schema by name. */
public final class ParquetSource implements RecordSource {
  private final ParquetReader<GenericRecord> reader;
  private final Schema schema;
  private final List<String> extras;
  private final String name;
  private RecordAdapter adapter;
  private Schema fileSchema;
  private long index;
  private final OriginalBytes original = new OriginalBytes();

  public ParquetSource(Path file, Schema schema, List<String> extras) throws IOException {
    this.reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).withDataModel(GenericData.get()).build();
    this.schema = schema;
    this.extras = extras;
    this.name = file.getFileName().toString();
  }

  @Override
  public RawRecord next() throws IOException {
    GenericRecord r = reader.read();
    if (r == null) {
      return null;
    }
    index++;
    if (adapter == null || r.getSchema() != fileSchema) {
      fileSchema = r.getSchema();
      adapter = new RecordAdapter(schema, fileSchema, extras);
      List<String> missing = adapter.missingRequired();
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(name + ": lacks required field(s) " + missing + " of input.avsc");
      }
    }
    var d = adapter.adapt(r);
    byte[] bytes = d.isOk() ? null : original.of(r);
    return new RawRecord(d, name + ":" + index, null, bytes);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
