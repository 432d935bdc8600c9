package io.lockstep.batch.spark;

import io.lockstep.avro.Decoded;
import io.lockstep.batch.io.AvroFileSource;
import io.lockstep.batch.io.CsvSource;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.JsonlSource;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.io.InputDamage;
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

/**
 * Reads one {@link FileRange} of a CSV, JSON-lines or Avro file from any Hadoop path with the
 * single-node decoders ({@link CsvSource}, {@link JsonlSource}, {@link AvroFileSource}) and yields
 * rows in the {@link InputLayout}: the same values, the same {@code decode:}/{@code schema:}
 * reasons, the same {@code file:line} sources and originals as level 1, by construction.
 *
 * <p>A CSV range after the first is read as the file's header line followed by the file from the
 * range's start, so the decoder matches columns by name as it does for the whole file. It keeps the
 * records that start before the next range's first line, reading on through the record that
 * crosses into it as level 1's parser would. When the last record it keeps ends on or after that
 * line, the next range started inside a quoted field: the file is reported as mis-split, and the
 * job reads it again whole. Damage found by the decoders is reported too.
 */
final class FileRecords implements Iterator<Row>, AutoCloseable {
  private final InputLayout layout;
  private final FileRange range;
  private final RecordSource source;
  private final boolean csvRange;
  private final SparkInput.ReadReport report;
  private RawRecord next;
  private boolean closed;
  /** The line the last record kept ends on (a CSV record spans lines when a quoted field holds line breaks). */
  private long lastEndLine = -1;

  FileRecords(FileRange range, FileFormat format, InputLayout layout, Configuration conf, SparkInput.ReadReport report) {
    this.layout = layout;
    this.range = range;
    this.report = report;
    this.csvRange = format == FileFormat.CSV && !range.last();
    String name = range.name();
    try {
      Path p = new Path(range.path());
      FileSystem fs = p.getFileSystem(conf);
      this.source = switch (format) {
        case CSV -> csv(fs, p, name);
        case JSONL -> {
          JsonlSource s = new JsonlSource(bytes(fs, p, range), name, layout.schema(), layout.extras());
          s.numberFrom(Math.toIntExact(range.first()), range.start());
          yield s;
        }
        case AVRO -> range.whole() ? new AvroFileSource(HadoopSeekableInput.open(fs, p), name, layout.schema(), layout.extras())
            : AvroFileSource.range(HadoopSeekableInput.open(fs, p), name, layout.schema(), layout.extras(), range.start(), range.end(),
                range.firstBlock());
        case PARQUET -> throw new IllegalArgumentException("Parquet is read by Spark's own reader");
      };
    } catch (IOException e) {
      throw new UncheckedIOException(range.path() + ": cannot read: " + e.getMessage(), e);
    }
  }

  private CsvSource csv(FileSystem fs, Path p, String name) throws IOException {
    if (range.start() == 0) {
      return new CsvSource(fs.open(p), name, layout.schema(), layout.extras());
    }
    FSDataInputStream rest = fs.open(p);
    rest.seek(range.start());
    CsvSource s = new CsvSource(new SequenceInputStream(new ByteArrayInputStream(firstLine(fs, p)), rest), name, layout.schema(),
        layout.extras());
    s.numberFrom(Math.toIntExact(range.first()));
    return s;
  }

  /** A JSON-lines range's bytes (a CSV range reads on, see the class comment). */
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
      if (csvRange && (next == null || line(next) >= range.next())) {
        if (lastEndLine >= range.next()) {
          report.misSplit(range.fileIndex());
        }
        next = null;
      } else if (csvRange) {
        lastEndLine = line(next) + lineBreaks(next);
      }
      if (next == null) {
        for (InputDamage d : source.damage()) {
          report.damage(d);
        }
        close();
      }
    }
    return next != null;
  }

  private static long lineBreaks(RawRecord r) {
    long n = 0;
    if (r.text() != null) {
      for (int i = 0; i < r.text().length(); i++) {
        n += r.text().charAt(i) == '\n' ? 1 : 0;
      }
    } else if (r.bytes() != null) {
      for (byte b : r.bytes()) {
        n += b == '\n' ? 1 : 0;
      }
    }
    return n;
  }

  private static long line(RawRecord r) {
    return Long.parseLong(r.source().substring(r.source().lastIndexOf(':') + 1));
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
    // Avro ranges number their records from 1; CSV and JSON lines are numbered as in the whole file.
    values[layout.posIndex()] = line(r) + (range.whole() || !(source instanceof AvroFileSource) ? 0 : range.first());
    values[layout.reasonIndex()] = d.reason() == null ? null : d.reason().text();
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
