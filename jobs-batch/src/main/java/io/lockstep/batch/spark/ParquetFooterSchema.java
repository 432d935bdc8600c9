package io.lockstep.batch.spark;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of a Parquet input, read on the driver from its first file's footer, as Spark
 * itself infers it without {@code mergeSchema}: the schema Spark wrote into the footer's metadata
 * if there is one, else the Parquet schema converted with the session's settings.
 *
 * <p>Why not let {@code spark.read().parquet(dir)} infer it: Spark reads that one footer in a
 * Spark job of its own (a task shipped, run and collected), which in a cold {@code spark-submit}
 * costs about a second before any data is read (issue 15: the driver log of the cold benchmark).
 * Here it is one small read of the file's tail, which {@link BundlePrefetch} can even do ahead,
 * while the session starts ({@link #readAhead}); the conversion, which depends on the session's
 * settings, always happens when the schema is asked for.
 */
final class ParquetFooterSchema {
  /** Footers read ahead, by file, each taken once. */
  private static final Map<String, Footer> AHEAD = new ConcurrentHashMap<>();

  private ParquetFooterSchema() {}

  /** What of a footer the schema needs: Spark's schema JSON from its metadata (or null) and the Parquet schema. */
  private record Footer(String sparkSchema, MessageType parquet) {}

  /** Reads {@code file}'s footer now, for a later {@link #of} of the same file (best effort: a failure is left to {@link #of}). */
  static void readAhead(String file, Configuration conf) {
    Footer f = read(file, conf);
    if (f != null) {
      AHEAD.put(file, f);
    }
  }

  /** Whether a footer of {@code file} read ahead is waiting to be taken. */
  static boolean hasReadAhead(String file) {
    return AHEAD.containsKey(file);
  }

  /** The schema, or null when the footer cannot be read here (Spark's own inference then runs, and reports). */
  static StructType of(String file, Configuration conf) {
    Footer f = AHEAD.remove(file);
    if (f == null) {
      f = read(file, conf);
    }
    if (f == null) {
      return null;
    }
    if (f.sparkSchema() != null) {
      try {
        if (DataType.fromJson(f.sparkSchema()) instanceof StructType s) {
          return s;
        }
      } catch (RuntimeException e) {
        // an old Spark's case-class string: converted from the Parquet schema below, as Spark falls back
      }
    }
    try {
      return new ParquetToSparkSchemaConverter(SQLConf.get()).convert(f.parquet());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Footer read(String file, Configuration conf) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      return new Footer(meta.getKeyValueMetaData().get(ParquetReadSupport.SPARK_METADATA_KEY()), meta.getSchema());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
