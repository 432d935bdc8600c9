package io.lockstep.batch.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The cheap pass over one nominal byte range {@code [start, end)} of a file that lets
 * {@link SplitPlanner} give every task an exact first line (or record) number: one read of the
 * bytes, no decoding. Text: counts of {@code '\n'} and {@code '"'} bytes, where the first line
 * starts, whether a lone {@code '\r'} occurs. Avro: the records in the blocks the range owns, from
 * the block headers (blocks are decompressed, records are not decoded).
 */
final class RangeScan {
  private static final int BUFFER = 1 << 16;

  private RangeScan() {}

  /**
   * What a text range holds.
   *
   * @param lineStart the first line start at or after {@code start} and before {@code end}
   *     (offset 0, or just after a {@code '\n'}), or -1 when no line starts in the range
   * @param quotesBeforeLineStart {@code '"'} bytes in {@code [start, lineStart)}
   * @param loneCr a {@code '\r'} not followed by {@code '\n'} (a line end for CSV that ranges cannot
   *     split at)
   * @param headerQuotes for the range at 0: {@code '"'} bytes in the first line (odd: the header
   *     spans lines)
   */
  record Text(long newlines, long quotes, long lineStart, long quotesBeforeLineStart, boolean loneCr, long headerQuotes)
      implements Serializable {}

  static Text text(String path, long start, long end, Configuration conf) {
    Path p = new Path(path);
    try (FSDataInputStream in = p.getFileSystem(conf).open(p)) {
      long pos = Math.max(0, start - 1);
      in.seek(pos);
      byte[] buf = new byte[BUFFER];
      long newlines = 0;
      long quotes = 0;
      long lineStart = start == 0 ? 0 : -1;
      long quotesBefore = 0;
      long headerQuotes = 0;
      boolean inHeader = start == 0;
      boolean loneCr = false;
      int prev = -1;
      // Reads one byte past the end: a '\r' at end - 1 is lone only if no '\n' follows.
      long stop = end + 1;
      int n;
      while (pos < stop && (n = in.read(buf, 0, (int) Math.min(buf.length, stop - pos))) > 0) {
        for (int i = 0; i < n; i++, pos++) {
          int b = buf[i];
          if (prev == '\r' && b != '\n' && pos - 1 >= start && pos - 1 < end) {
            loneCr = true;
          }
          prev = b;
          if (pos < start || pos >= end) {
            if (pos == start - 1 && b == '\n') {
              lineStart = start;
            }
            continue;
          }
          if (b == '\n') {
            newlines++;
            inHeader = false;
            if (lineStart < 0 && pos + 1 < end) {
              lineStart = pos + 1;
            }
          } else if (b == '"') {
            quotes++;
            if (lineStart < 0) {
              quotesBefore++;
            }
            if (inHeader) {
              headerQuotes++;
            }
          }
        }
      }
      if (prev == '\r' && pos - 1 < end) {
        loneCr = true;
      }
      return new Text(newlines, quotes, lineStart, quotesBefore, loneCr, headerQuotes);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Records and blocks in the blocks that {@code [start, end)} owns: the same loop a reading task
   * runs, without decoding; null when a block cannot be read (the file is then read whole, so its
   * record numbers after the damage are level 1's).
   */
  static long[] avroRecords(String path, long start, long end, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (DataFileReader<GenericRecord> reader = new DataFileReader<>(HadoopSeekableInput.open(fs, p), new GenericDatumReader<>())) {
        reader.sync(start);
        long records = 0;
        long blocks = 0;
        while (!reader.pastSync(end) && reader.hasNext()) {
          records += reader.getBlockCount();
          blocks++;
          reader.nextBlock();
        }
        return new long[] {records, blocks};
      } catch (IOException | RuntimeException e) {
        return null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
    }
  }
}
