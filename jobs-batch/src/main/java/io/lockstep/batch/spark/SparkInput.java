package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lockstep.batch.io.FileFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Input as rows of an {@link InputLayout}.
 * <ul>
 *   <li>CSV, JSON lines and Avro files: one task per file, decoded by the single-node decoders
 *       (so reasons, line numbers and originals are level 1's). A file is not split: its
 *       line numbers and RFC 4180 multi-line records need one reader from its start.</li>
 *   <li>Parquet: Spark's vectorized reader, split as Spark likes; fields are taken by name and cast
 *       to the schema's type, the position is {@code _metadata.row_index + 1}.</li>
 *   <li>A DataFrame (the library API): the same by-name selection; the position is
 *       {@code monotonically_increasing_id()}, taken before any shuffle, so it follows input order.</li>
 * </ul>
 */
public final class SparkInput {
  private SparkInput() {}

  public static Dataset<Row> read(SparkSession spark, String path, FileFormat format, InputLayout layout) {
    if (format == FileFormat.PARQUET) {
      Dataset<Row> df = spark.read().parquet(path);
      return fromColumns(df, layout, df.col("_metadata.file_path"), df.col("_metadata.row_index").plus(1));
    }
    List<String> files = listFiles(path, spark.sparkContext().hadoopConfiguration());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    JavaRDD<Row> rows = jsc.parallelize(files, Math.max(1, files.size()))
        .mapPartitions((FlatMapFunction<java.util.Iterator<String>, Row>) it -> {
          List<java.util.Iterator<Row>> parts = new ArrayList<>();
          it.forEachRemaining(f -> parts.add(new FileRecords(f, format, layout, conf.value().value())));
          return parts.stream().flatMap(p -> toStream(p)).iterator();
        });
    return spark.createDataFrame(rows, layout.sparkSchema());
  }

  /** A user's DataFrame, columns matched to {@code input.avsc} by name. */
  public static Dataset<Row> fromDataFrame(Dataset<Row> df, InputLayout layout) {
    return fromColumns(df, layout, lit("dataframe"), functions.monotonically_increasing_id().plus(1));
  }

  private static Dataset<Row> fromColumns(Dataset<Row> df, InputLayout layout, Column file, Column pos) {
    StructType have = df.schema();
    List<String> missing = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    for (Schema.Field f : layout.schema().getFields()) {
      if (!Arrays.asList(have.fieldNames()).contains(f.name())) {
        if (SparkTypes.nullable(f.schema())) {
          cols.add(lit(null).cast(SparkTypes.type(f.schema())).as(f.name()));
          continue;
        }
        missing.add(f.name());
        continue;
      }
      cols.add(convert(df.col(f.name()), have.apply(f.name()).dataType(), f.schema()).as(f.name()));
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("input lacks required field(s) " + missing + " of input.avsc; it has " + Arrays.toString(have.fieldNames()));
    }
    for (String e : layout.extras()) {
      cols.add(Arrays.asList(have.fieldNames()).contains(e) ? df.col(e).cast(DataTypes.StringType).as(e) : lit(null).cast(DataTypes.StringType).as(e));
    }
    cols.add(file.as(InputLayout.FILE));
    cols.add(pos.cast(DataTypes.LongType).as(InputLayout.POS));
    cols.add(lit(null).cast(DataTypes.StringType).as(InputLayout.REASON));
    cols.add(lit(null).cast(DataTypes.StringType).as(InputLayout.TEXT));
    cols.add(lit(null).cast(DataTypes.BinaryType).as(InputLayout.BYTES));
    return df.select(cols.toArray(new Column[0]));
  }

  /**
   * A column as the Spark type of its Avro field. Timestamps become epoch millis (or micros for
   * {@code timestamp-micros}), as features read them; other differences are a {@code try_cast}, so a
   * value that does not fit becomes null rather than failing the job (and then {@code schema:} or
   * {@code missing:} sends it to the dead letters).
   */
  private static Column convert(Column c, DataType have, Schema field) {
    DataType want = SparkTypes.type(field);
    if (have.equals(want)) {
      return c;
    }
    if (have.equals(DataTypes.TimestampType) || have.equals(DataTypes.TimestampNTZType)) {
      boolean micros = SparkTypes.nonNull(field).getLogicalType() instanceof LogicalTypes.TimestampMicros;
      Column ts = have.equals(DataTypes.TimestampType) ? c : c.cast(DataTypes.TimestampType);
      return micros ? functions.unix_micros(ts) : functions.unix_millis(ts);
    }
    return c.try_cast(want);
  }

  /** The data files under a path: the file itself, or a directory's files without {@code _}/{@code .} names, sorted. */
  static List<String> listFiles(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new IllegalArgumentException(path + ": no such input file or directory");
      }
      List<String> out = new ArrayList<>();
      if (fs.getFileStatus(p).isFile()) {
        out.add(fs.getFileStatus(p).getPath().toString());
        return out;
      }
      for (FileStatus f : fs.listStatus(p)) {
        String name = f.getPath().getName();
        if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          out.add(f.getPath().toString());
        }
      }
      out.sort(null);
      if (out.isEmpty()) {
        throw new IllegalArgumentException(path + ": directory has no data files");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot list: " + e.getMessage(), e);
    }
  }

  private static java.util.stream.Stream<Row> toStream(java.util.Iterator<Row> it) {
    return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(it, 0), false);
  }

}
