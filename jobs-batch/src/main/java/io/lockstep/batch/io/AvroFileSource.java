package io.lockstep.batch.io;

import io.lockstep.avro.RecordAdapter;
import io.lockstep.io.InputDamage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro container files, read with their own schema and adapted to the input schema by field name.
 * Dead letters carry the record re-encoded in the file's schema, in base64. Reads a local file, any
 * {@link SeekableInput}, or a plain stream (Spark's executors read Hadoop paths).
 *
 * <p>Damage (docs/spec.md, Exit codes): Avro's reader ends quietly at a truncated block and throws
 * whatever the decoder hits in a corrupt one. Over a seekable input, a block that cannot be read is
 * reported as {@link InputDamage} with its index and byte offset, and reading resumes at the next
 * sync marker; a file that ends inside a block is reported too (the position after the last complete
 * block is short of the file's length). Over a plain stream there is no position: a corrupt block is
 * reported and ends the reading, and a cut at the end cannot be told from the end.
 */
public final class AvroFileSource implements RecordSource {
  private final SeekableInput input;
  private final long length;
  private DataFileStream<GenericRecord> reader;
  private long retriedAt = -1;
  private final RecordAdapter adapter;
  private final String name;
  private final List<InputDamage> damage = new ArrayList<>();
  private final OriginalBytes original = new OriginalBytes();
  private long index;
  private long block;
  private long blockRemaining;
  private boolean ended;
  /** Where a range ends ({@link #range}), or -1 for the whole file. */
  private long rangeEnd = -1;

  public AvroFileSource(File file, Schema schema, List<String> extras) throws IOException {
    this((SeekableInput) new SeekableFileInput(file), file.getName(), schema, extras);
  }

  /** @param name the file's name, as dead-letter sources show it */
  public AvroFileSource(SeekableInput in, String name, Schema schema, List<String> extras) throws IOException {
    this(openSeekable(in, name), in, in.length(), name, schema, extras);
  }

  /** @param name the file's name, as dead-letter sources show it */
  public AvroFileSource(InputStream in, String name, Schema schema, List<String> extras) throws IOException {
    this(openStream(in, name), null, -1, name, schema, extras);
  }

  /**
   * The records of the blocks whose preceding sync marker starts in {@code [start, end)}: Avro's own
   * split rule (as Hadoop's {@code AvroRecordReader}), so that ranges of one container, read by
   * different tasks, hold every record exactly once. Sources number the range's records from 1;
   * damage is reported as for the whole file (a cut end only by the range that reaches it), blocks
   * numbered from {@code blocksBefore}.
   */
  public static AvroFileSource range(SeekableInput in, String name, Schema schema, List<String> extras, long start, long end,
                                     long blocksBefore) throws IOException {
    AvroFileSource s = new AvroFileSource(in, name, schema, extras);
    ((DataFileReader<GenericRecord>) s.reader).sync(start);
    s.rangeEnd = end;
    s.block = blocksBefore;
    return s;
  }

  private boolean pastRange() throws IOException {
    return rangeEnd >= 0 && ((DataFileReader<GenericRecord>) reader).pastSync(rangeEnd);
  }

  private AvroFileSource(DataFileStream<GenericRecord> reader, SeekableInput input, long length, String name, Schema schema,
                         List<String> extras) {
    this.reader = reader;
    this.input = input;
    this.length = length;
    this.name = name;
    this.adapter = new RecordAdapter(schema, reader.getSchema(), extras);
    List<String> missing = adapter.missingRequired();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(name + ": lacks required field(s) " + missing + " of input.avsc");
    }
  }

  private static DataFileReader<GenericRecord> openSeekable(SeekableInput in, String name) throws IOException {
    try {
      in.seek(0);
      return new DataFileReader<>(in, new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      long length = in.length();
      in.close();
      throw notAvro(name, length, e);
    }
  }

  private static DataFileStream<GenericRecord> openStream(InputStream in, String name) throws IOException {
    try {
      return new DataFileStream<>(in, new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw notAvro(name, -1, e);
    }
  }

  private static IllegalArgumentException notAvro(String name, long length, Exception e) {
    String what = length == 0 ? "the file is empty" : "its header cannot be read (" + Causes.of(e, name) + ")";
    return new IllegalArgumentException(name + ": not a readable Avro container file: " + what);
  }

  @Override
  public RawRecord next() throws IOException {
    while (!ended) {
      try {
        // Before hasNext(), which reads the next block: one that belongs to the next range is its to report.
        if (blockRemaining == 0 && pastRange()) {
          ended = true;
          return null;
        }
        if (!reader.hasNext()) {
          ended = true;
          checkComplete();
          return null;
        }
        if (blockRemaining == 0) {
          blockRemaining = reader.getBlockCount();
        }
        GenericRecord r = reader.next();
        if (--blockRemaining == 0) {
          block++;
        }
        index++;
        var d = adapter.adapt(r);
        byte[] bytes = d.isOk() ? null : original.of(r);
        return new RawRecord(d, name + ":" + index, null, bytes);
      } catch (IOException | RuntimeException e) {
        skipDamagedBlock(e);
      }
    }
    return null;
  }

  /**
   * After a block that cannot be read: report it, and go on at the next sync marker when the input
   * can seek. A fresh reader is opened there, since Avro's reader keeps state of the failed block.
   * Between blocks the failure may belong to the block just finished (bytes left over), so the next
   * block is tried once before it is skipped too.
   */
  private void skipDamagedBlock(Exception e) throws IOException {
    if (input == null) {
      damage.add(InputDamage.inBlock(name, block, InputDamage.UNKNOWN,
          "corrupt block (" + Causes.of(e, name) + "); the rest of the file was not read"));
      ended = true;
      return;
    }
    long start = ((DataFileReader<GenericRecord>) reader).previousSync();
    boolean betweenBlocks = blockRemaining == 0;
    if (damage.isEmpty() || damage.get(damage.size() - 1).offset() != start) {
      damage.add(InputDamage.inBlock(name, block, start, "corrupt block (" + Causes.of(e, name) + "); skipped to the next block"));
    }
    DataFileReader<GenericRecord> fresh = openSeekable(input, name);
    if (betweenBlocks && retriedAt != start) {
      retriedAt = start;
      fresh.seek(start);
    } else {
      fresh.sync(start);
      block++;
    }
    reader = fresh;
    blockRemaining = 0;
    if (fresh.previousSync() >= length) {
      ended = true;
    }
  }

  /** A seekable file must end right after its last complete block; anything else was cut. */
  private void checkComplete() {
    if (input == null) {
      return;
    }
    long end = ((DataFileReader<GenericRecord>) reader).previousSync();
    if (end < length && damage.stream().noneMatch(d -> d.offset() == end)) {
      damage.add(InputDamage.inBlock(name, block, end, String.format(
          "the file ends inside a block (%,d bytes after the last complete block could not be read; truncated?)",
          length - end)));
    }
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
