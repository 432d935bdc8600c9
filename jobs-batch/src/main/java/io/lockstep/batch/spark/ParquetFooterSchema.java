package io.lockstep.batch.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
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
 * Here it is one small read of the file's tail.
 */
final class ParquetFooterSchema {
  private ParquetFooterSchema() {}

  /** The schema, or null when the footer cannot be read here (Spark's own inference then runs, and reports). */
  static StructType of(String file, Configuration conf) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      String sparkSchema = meta.getKeyValueMetaData().get(ParquetReadSupport.SPARK_METADATA_KEY());
      if (sparkSchema != null) {
        try {
          if (DataType.fromJson(sparkSchema) instanceof StructType s) {
            return s;
          }
        } catch (RuntimeException e) {
          // an old Spark's case-class string: converted from the Parquet schema below, as Spark falls back
        }
      }
      return new ParquetToSparkSchemaConverter(SQLConf.get()).convert(meta.getSchema());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
