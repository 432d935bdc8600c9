package io.lockstep.batch.spark;

import io.lockstep.batch.io.FileFormat;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts CSV, JSON-lines and Avro files into {@link FileRange}s, one task each, sized as Spark sizes
 * its own file splits ({@code spark.sql.files.maxPartitionBytes}, {@code openCostInBytes},
 * {@code minPartitionNum}): a large single file no longer runs on one core.
 *
 * <p>A file of more than one range gets one cheap {@link RangeScan} per range, in parallel (one
 * read of its bytes, no decoding), whose counts give every range its exact first line or record
 * number: dead-letter sources stay {@code file:line} / {@code file:record}, the same records level 1
 * names.
 *
 * <p><b>The CSV rule.</b> A text range starts at a line start and ends just after a {@code '\n'}.
 * RFC 4180 allows a quoted field to hold line breaks, and a range must never start inside one. A
 * CSV file is read whole (one task, as level 1 reads it) when any of these holds, so no split can
 * be wrong: {@code --multiline-csv}; its header line has an odd number of {@code '"'} (the header
 * spans lines); a range start follows an odd number of {@code '"'} from the start of the file
 * (in a well-formed file, that start is inside a quoted field); a lone {@code '\r'} (a line end
 * ranges do not split at). A stray quote can still make the count even inside a quoted field;
 * that case is caught exactly when the range before ends inside an open quoted field
 * ({@link FileRecords}), and the job reads the file again whole ({@link SparkScoreJob}).
 */
final class SplitPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(SplitPlanner.class);

  private SplitPlanner() {}

  /** A nominal byte range before scanning. */
  private record Nominal(String path, int fileIndex, long start, long end) implements Serializable {}

  /**
   * @param readWhole indexes of files to read whole (found not splittable by an earlier attempt)
   */
  static List<FileRange> plan(SparkSession spark, List<String> files, FileFormat format, boolean multilineCsv,
                              Set<Integer> readWhole) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long[] lengths = lengths(files, conf);
    long maxSplit = maxSplitBytes(spark, lengths);
    List<Nominal> nominal = new ArrayList<>();
    List<FileRange> out = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      boolean whole = readWhole.contains(f) || (format == FileFormat.CSV && multilineCsv) || lengths[f] <= maxSplit;
      for (long s = 0; !whole && s < lengths[f]; s += maxSplit) {
        nominal.add(new Nominal(files.get(f), f, s, Math.min(lengths[f], s + maxSplit)));
      }
    }
    long scanStart = System.nanoTime();
    List<Object> scans = scan(spark, nominal, format);
    double scanSeconds = (System.nanoTime() - scanStart) / 1e9;
    int next = 0;
    for (int f = 0; f < files.size(); f++) {
      int from = next;
      while (next < nominal.size() && nominal.get(next).fileIndex() == f) {
        next++;
      }
      if (from == next) {
        out.add(FileRange.whole(files.get(f), f, format == FileFormat.AVRO ? 0 : 1));
      } else if (format == FileFormat.AVRO) {
        out.addAll(avroRanges(nominal.subList(from, next), scans.subList(from, next)));
      } else {
        out.addAll(textRanges(nominal.subList(from, next), scans.subList(from, next), format));
      }
    }
    LOG.info("{} file(s) read in {} task(s) (ranges of at most {} bytes; counting pass over {} range(s): {} s)", files.size(),
        out.size(), maxSplit, nominal.size(), String.format("%.2f", scanSeconds));
    return out;
  }

  private static List<Object> scan(SparkSession spark, List<Nominal> nominal, FileFormat format) {
    if (nominal.isEmpty()) {
      return List.of();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    boolean avro = format == FileFormat.AVRO;
    return jsc.parallelize(nominal, nominal.size())
        .map(n -> avro ? (Object) RangeScan.avroRecords(n.path(), n.start(), n.end(), conf.value().value())
            : RangeScan.text(n.path(), n.start(), n.end(), conf.value().value()))
        .collect();
  }

  private static List<FileRange> avroRanges(List<Nominal> nominal, List<Object> counts) {
    List<FileRange> out = new ArrayList<>();
    long before = 0;
    long blocksBefore = 0;
    for (int i = 0; i < nominal.size(); i++) {
      Nominal n = nominal.get(i);
      long[] count = (long[]) counts.get(i);
      if (count == null) {
        LOG.warn("{}: read in one task, not split: a block cannot be read (the damage is reported by the read)", n.path());
        return List.of(FileRange.whole(n.path(), n.fileIndex(), 0));
      }
      // A range without records is still read: it may be the one that finds the file cut short.
      out.add(new FileRange(n.path(), n.fileIndex(), n.start(), n.end(), before, i == nominal.size() - 1 ? FileRange.TO_END : 0,
          blocksBefore));
      before += count[0];
      blocksBefore += count[1];
    }
    return out;
  }

  /** Ranges from one line start to the next; or the whole file when the CSV rule says a start may be inside a quoted field. */
  private static List<FileRange> textRanges(List<Nominal> nominal, List<Object> scans, FileFormat format) {
    Nominal first = nominal.get(0);
    List<long[]> starts = new ArrayList<>();   // {offset, line}
    long newlines = 0;
    long quotes = 0;
    for (int i = 0; i < nominal.size(); i++) {
      RangeScan.Text t = (RangeScan.Text) scans.get(i);
      if (format == FileFormat.CSV) {
        String why = t.loneCr() ? "it has a lone '\\r' line end"
            : i == 0 && t.headerQuotes() % 2 != 0 ? "its header line has an open quote"
            : i > 0 && t.lineStart() >= 0 && (quotes + t.quotesBeforeLineStart()) % 2 != 0
                ? "a quoted field spans the line break before byte " + t.lineStart() : null;
        if (why != null) {
          LOG.warn("{}: read in one task, not split: {} (RFC 4180 quoting; see docs/spark.md, Reading)", first.path(), why);
          return List.of(FileRange.whole(first.path(), first.fileIndex(), 1));
        }
      }
      if (t.lineStart() >= 0) {
        long line = 1 + newlines + (t.lineStart() == nominal.get(i).start() ? 0 : 1);
        starts.add(new long[] {t.lineStart(), line});
      }
      newlines += t.newlines();
      quotes += t.quotes();
    }
    List<FileRange> out = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      boolean last = i == starts.size() - 1;
      out.add(new FileRange(first.path(), first.fileIndex(), starts.get(i)[0], last ? FileRange.TO_END : starts.get(i + 1)[0],
          starts.get(i)[1], last ? FileRange.TO_END : starts.get(i + 1)[1], 0));
    }
    return out;
  }

  /** Spark's own split size ({@code FilePartition.maxSplitBytes}): at most maxPartitionBytes, spread over the cores for small inputs. */
  private static long maxSplitBytes(SparkSession spark, long[] lengths) {
    SQLConf conf = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().conf();
    long openCost = conf.filesOpenCostInBytes();
    long total = 0;
    for (long l : lengths) {
      total += l + openCost;
    }
    int minPartitions = conf.filesMinPartitionNum().isDefined() ? ((Number) conf.filesMinPartitionNum().get()).intValue()
        : spark.sparkContext().defaultParallelism();
    return Math.max(1, Math.min(conf.filesMaxPartitionBytes(), Math.max(openCost, total / Math.max(1, minPartitions))));
  }

  private static long[] lengths(List<String> files, Configuration conf) {
    long[] out = new long[files.size()];
    for (int i = 0; i < files.size(); i++) {
      Path p = new Path(files.get(i));
      try {
        out[i] = p.getFileSystem(conf).getFileStatus(p).getLen();
      } catch (IOException e) {
        throw new UncheckedIOException(p + ": cannot read: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
