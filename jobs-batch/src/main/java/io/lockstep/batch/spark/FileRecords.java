package io.lockstep.batch.spark;

import io.lockstep.avro.Decoded;
import io.lockstep.batch.io.AvroFileSource;
import io.lockstep.batch.io.CsvSource;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.JsonlSource;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.generic.GenericData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Reads one CSV, JSON-lines or Avro file from any Hadoop path with the single-node decoders
 * ({@link CsvSource}, {@link JsonlSource}, {@link AvroFileSource}) and yields rows in the
 * {@link InputLayout}: the same values, the same {@code decode:}/{@code schema:} reasons, the same
 * {@code file:line} sources and originals as level 1, by construction.
 */
final class FileRecords implements Iterator<Row>, AutoCloseable {
  private final InputLayout layout;
  private final String path;
  private final int fileIndex;
  private final String name;
  private final RecordSource source;
  private RawRecord next;

  /** @param fileIndex the file's position in {@link InputLayout#files()} */
  FileRecords(String path, int fileIndex, FileFormat format, InputLayout layout, Configuration conf) {
    this.layout = layout;
    this.path = path;
    this.fileIndex = fileIndex;
    this.name = path.substring(path.lastIndexOf('/') + 1);
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      InputStream in = fs.open(p);
      this.source = switch (format) {
        case CSV -> new CsvSource(in, name, layout.schema(), layout.extras());
        case JSONL -> new JsonlSource(in, name, layout.schema(), layout.extras());
        case AVRO -> new AvroFileSource(in, name, layout.schema(), layout.extras());
        case PARQUET -> throw new IllegalArgumentException("Parquet is read by Spark's own reader");
      };
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = source.next();
      } catch (IOException e) {
        throw new UncheckedIOException(path + ": read failed: " + e.getMessage(), e);
      }
      if (next == null) {
        close();
      }
    }
    return next != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RawRecord r = next;
    next = null;
    return toRow(r);
  }

  private Row toRow(RawRecord r) {
    Object[] values = new Object[layout.bytesIndex() + 1];
    Decoded d = r.decoded();
    // A failed decode still carries the fields it could read, so its dead letter can name the key.
    GenericData.Record readable = d.readable();
    if (readable != null) {
      for (int i = 0; i < layout.fieldCount(); i++) {
        values[i] = SparkTypes.value(readable.get(i));
      }
    }
    if (d.isOk()) {
      String[] extras = d.extras();
      for (int e = 0; extras != null && e < layout.extras().size(); e++) {
        values[layout.extraIndex(e)] = extras[e];
      }
    }
    values[layout.fileIndex()] = fileIndex;
    values[layout.posIndex()] = Long.parseLong(r.source().substring(r.source().lastIndexOf(':') + 1));
    values[layout.reasonIndex()] = d.reason() == null ? null : d.reason().text();
    values[layout.textIndex()] = r.text();
    values[layout.bytesIndex()] = r.bytes();
    return RowFactory.create(values);
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
