package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import io.lockstep.io.InputDamage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Parquet files read without Spark (parquet-avro over a local file), adapted to the input schema by name.
 *
 * <p>Errors name the file (parquet-mr names its {@code LocalInputFile@14008db3}). A file whose footer
 * cannot be read (empty, not Parquet, truncated: the footer is at the end) cannot be read at all and
 * stops the run; a page that cannot be decoded after some records were read is {@link InputDamage}:
 * the records before it are kept, the rest of the file is not read.
 */
public final class ParquetSource implements RecordSource {
  private final ParquetReader<GenericRecord> reader;
  private final Schema schema;
  private final List<String> extras;
  private final String name;
  private RecordAdapter adapter;
  private Schema fileSchema;
  private long index;
  private final OriginalBytes original = new OriginalBytes();
  private final List<InputDamage> damage = new ArrayList<>();
  private boolean ended;

  public ParquetSource(Path file, Schema schema, List<String> extras) throws IOException {
    this.name = file.getFileName().toString();
    if (Files.size(file) == 0) {
      throw new IllegalArgumentException(name + ": not a readable Parquet file: the file is empty");
    }
    try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(file))) {
      footer.getFooter();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": not a readable Parquet file (" + Causes.of(e, name)
          + "); a Parquet file's footer is at its end, so a truncated file cannot be read at all", e);
    }
    this.reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).withDataModel(GenericData.get()).build();
    this.schema = schema;
    this.extras = extras;
  }

  @Override
  public RawRecord next() throws IOException {
    if (ended) {
      return null;
    }
    GenericRecord r;
    try {
      r = reader.read();
    } catch (IOException | RuntimeException e) {
      ended = true;
      damage.add(InputDamage.atByte(name, InputDamage.UNKNOWN, String.format(
          "cannot read past record %,d (%s); the rest of the file was not read", index, Causes.of(e, name))));
      return null;
    }
    if (r == null) {
      ended = true;
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
  public List<InputDamage> damage() {
    return List.copyOf(damage);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
