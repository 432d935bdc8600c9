package io.lockstep.batch.spark;

import io.lockstep.avro.Decoded;
import io.lockstep.batch.io.AvroFileSource;
import io.lockstep.batch.io.CsvSource;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.JsonlSource;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.generic.GenericData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Reads one {@link FileRange} of a CSV, JSON-lines or Avro file from any Hadoop path with the
 * single-node decoders ({@link CsvSource}, {@link JsonlSource}, {@link AvroFileSource}) and yields
 * rows in the {@link InputLayout}: the same values, the same {@code decode:}/{@code schema:}
 * reasons, the same {@code file:line} sources and originals as level 1, by construction.
 *
 * <p>A CSV range after the first is read as the file's header line followed by the range's bytes,
 * so the decoder matches columns by name as it does for the whole file. When a CSV range (not the
 * file's last) ends inside an open quoted field, the next range started inside it: the file's
 * index goes to {@code misSplit}, and the job reads that file again whole.
 */
final class FileRecords implements Iterator<Row>, AutoCloseable {
  private final InputLayout layout;
  private final FileRange range;
  private final RecordSource source;
  /** Added to the decoder's line or record number to give the number in the whole file. */
  private final long positionOffset;
  private final boolean checkLastRecord;
  private final CollectionAccumulator<Integer> misSplit;
  private RawRecord next;
  private String lastText;
  private boolean closed;

  FileRecords(FileRange range, FileFormat format, InputLayout layout, Configuration conf, CollectionAccumulator<Integer> misSplit) {
    this.layout = layout;
    this.range = range;
    this.misSplit = misSplit;
    this.checkLastRecord = format == FileFormat.CSV && !range.last();
    String name = range.name();
    try {
      Path p = new Path(range.path());
      FileSystem fs = p.getFileSystem(conf);
      switch (format) {
        case CSV -> {
          boolean header = range.start() > 0;
          InputStream in = header ? new SequenceInputStream(new ByteArrayInputStream(firstLine(fs, p)), bytes(fs, p, range)) : bytes(fs, p, range);
          this.source = new CsvSource(in, name, layout.schema(), layout.extras());
          this.positionOffset = range.first() - (header ? 2 : 1);
        }
        case JSONL -> {
          this.source = new JsonlSource(bytes(fs, p, range), name, layout.schema(), layout.extras());
          this.positionOffset = range.first() - 1;
        }
        case AVRO -> {
          this.source = range.whole() ? new AvroFileSource(fs.open(p), name, layout.schema(), layout.extras())
              : AvroFileSource.range(HadoopSeekableInput.open(fs, p), name, layout.schema(), layout.extras(), range.start(), range.end());
          this.positionOffset = range.first();
        }
        default -> throw new IllegalArgumentException("Parquet is read by Spark's own reader");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(range.path() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The range's bytes: from {@code start} to {@code end} (or the end of the file). */
  private static InputStream bytes(FileSystem fs, Path p, FileRange range) throws IOException {
    FSDataInputStream in = fs.open(p);
    if (range.start() > 0) {
      in.seek(range.start());
    }
    return range.end() == FileRange.TO_END ? in : new RangeInputStream(in, range.end() - range.start());
  }

  /** The file's first line with its {@code '\n'}: the CSV header (a header that spans lines is never split, see {@link SplitPlanner}). */
  private static byte[] firstLine(FileSystem fs, Path p) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(fs.open(p))) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(256);
      int c;
      while ((c = in.read()) >= 0) {
        line.write(c);
        if (c == '\n') {
          break;
        }
      }
      return line.toByteArray();
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !closed) {
      try {
        next = source.next();
      } catch (IOException e) {
        throw new UncheckedIOException(range.path() + ": read failed: " + e.getMessage(), e);
      }
      if (next == null) {
        if (checkLastRecord && endsInsideQuotes(lastText)) {
          misSplit.add(range.fileIndex());
        }
        close();
      } else {
        lastText = next.text();
      }
    }
    return next != null;
  }

  /**
   * The record that ran into the end of the range's bytes: it reached the range's final
   * {@code '\n'} inside a quoted field (a record that ends normally leaves its line break out of
   * its text).
   */
  private static boolean endsInsideQuotes(String text) {
    return text != null && !text.isEmpty() && (text.charAt(text.length() - 1) == '\n' || text.charAt(text.length() - 1) == '\r');
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
    values[layout.fileIndex()] = range.fileIndex();
    values[layout.posIndex()] = positionOffset + Long.parseLong(r.source().substring(r.source().lastIndexOf(':') + 1));
    values[layout.reasonIndex()] = d.reason();
    values[layout.textIndex()] = r.text();
    values[layout.bytesIndex()] = r.bytes();
    return RowFactory.create(values);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
