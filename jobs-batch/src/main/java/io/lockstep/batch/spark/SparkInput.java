package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.lit;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.io.InputDamage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Input as rows of an {@link InputLayout}.
 * <ul>
 *   <li>CSV, JSON lines and Avro files: one task per {@link FileRange} ({@link SplitPlanner}),
 *       decoded by the single-node decoders (so reasons, line numbers and originals are level 1's).</li>
 *   <li>Parquet: Spark's vectorized reader, split as Spark likes; fields are taken by name and cast
 *       to the schema's type, the position is {@code _metadata.row_index + 1}.</li>
 *   <li>A DataFrame (the library API): the same by-name selection; the position is
 *       {@code monotonically_increasing_id()}, taken before any shuffle, so it follows input order.</li>
 * </ul>
 */
public final class SparkInput {
  private SparkInput() {}

  /**
   * The input's data files, full paths in input order: the file itself, or a directory's files
   * (recursively; names starting with {@code _} or {@code .} skipped), sorted by path.
   */
  public static List<String> files(SparkSession spark, String path) {
    return listFiles(path, spark.sparkContext().hadoopConfiguration());
  }

  /** Names (not paths) of files, as dead-letter sources show them. */
  public static List<String> names(List<String> files) {
    return files.stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).toList();
  }

  /**
   * @param ranges what each task reads ({@link SplitPlanner}); unused for Parquet, which Spark splits
   * @param report collects what the reading tasks found: damage, and CSV files cut inside a quoted field
   */
  public static Dataset<Row> read(SparkSession spark, String path, List<FileRange> ranges, FileFormat format, InputLayout layout,
                                  ReadReport report) {
    if (format == FileFormat.PARQUET) {
      Dataset<Row> df = parquet(spark, path);
      return fromColumns(df, layout, fileIndexByName(layout.files(), df.col("_metadata.file_name")), df.col("_metadata.row_index").plus(1));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    JavaRDD<Row> rows = jsc.parallelize(ranges, Math.max(1, ranges.size()))
        .mapPartitions((FlatMapFunction<java.util.Iterator<FileRange>, Row>) it -> {
          List<java.util.Iterator<Row>> parts = new ArrayList<>();
          it.forEachRemaining(r -> parts.add(new FileRecords(r, format, layout, conf.value().value(), report)));
          return parts.stream().flatMap(p -> toStream(p)).iterator();
        });
    return spark.createDataFrame(rows, layout.sparkSchema());
  }

  /** Spark's Parquet reader, given the schema of the first file's footer (no schema-inference job) unless schemas are merged. */
  private static Dataset<Row> parquet(SparkSession spark, String path) {
    org.apache.spark.sql.DataFrameReader reader = spark.read();
    if (!Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.mergeSchema", "false"))) {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      StructType schema = ParquetFooterSchema.of(listFiles(path, conf).get(0), conf);
      if (schema != null) {
        reader = reader.schema(schema);
      }
    }
    return reader.parquet(path);
  }

  /**
   * What the reading tasks report to the driver, through accumulators (a retried task may add the
   * same entry twice: read them as sets).
   *
   * @param damage damaged inputs (docs/spec.md, Exit codes), each found by the task that read it
   * @param misSplit indexes of CSV files that a range boundary cut inside a quoted field
   */
  public record ReadReport(CollectionAccumulator<InputDamage> damage, CollectionAccumulator<Integer> misSplit)
      implements java.io.Serializable {
    static ReadReport register(org.apache.spark.SparkContext sc) {
      return new ReadReport(sc.collectionAccumulator("lockstep.damage"), sc.collectionAccumulator("lockstep.misSplit"));
    }

    void damage(InputDamage d) {
      damage.add(d);
    }

    void misSplit(int fileIndex) {
      misSplit.add(fileIndex);
    }

    /** Each damage once, in file and offset order. */
    List<InputDamage> damages() {
      return damage.value().stream().distinct()
          .sorted(java.util.Comparator.comparing(InputDamage::file).thenComparingLong(InputDamage::offset)).toList();
    }

    java.util.Set<Integer> misSplitFiles() {
      return new java.util.TreeSet<>(misSplit.value());
    }
  }

  /**
   * A file's index by its name, through a map literal built once (Spark's metadata column gives
   * the name per row). Two files of one name in different subdirectories share the first's index:
   * their rows still carry their own record numbers.
   */
  private static Column fileIndexByName(List<String> names, Column name) {
    java.util.Map<String, Integer> first = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      first.putIfAbsent(names.get(i), i);
    }
    List<Column> kv = new ArrayList<>();
    first.forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return functions.element_at(functions.map(kv.toArray(new Column[0])), name);
  }

  /** The single "file" of a DataFrame input: dead-letter sources read {@code dataframe:<row id>}. */
  public static final List<String> DATAFRAME = List.of("dataframe");

  /** A user's DataFrame, columns matched to {@code input.avsc} by name; {@code layout.files()} is {@link #DATAFRAME}. */
  public static Dataset<Row> fromDataFrame(Dataset<Row> df, InputLayout layout) {
    return fromColumns(df, layout, lit(0), functions.monotonically_increasing_id().plus(1));
  }

  private static Dataset<Row> fromColumns(Dataset<Row> df, InputLayout layout, Column file, Column pos) {
    StructType have = df.schema();
    List<String> missing = new ArrayList<>();
    List<Column> cols = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    boolean canFailDecoding = false;
    for (Schema.Field f : layout.schema().getFields()) {
      if (!Arrays.asList(have.fieldNames()).contains(f.name())) {
        if (f.hasDefaultValue() || SparkTypes.nullable(f.schema())) {
          Object dflt = f.hasDefaultValue() ? SparkTypes.value(GenericData.get().getDefaultValue(f)) : null;
          cols.add(lit(dflt).cast(SparkTypes.type(f.schema())).as(f.name()));
          continue;
        }
        missing.add(f.name());
        continue;
      }
      ColumnConversion conv = ColumnConversion.of(df.col(f.name()), have.apply(f.name()).dataType(), f);
      cols.add(conv.value().as(f.name()));
      reasons.add(conv.reason());
      canFailDecoding |= conv.canFailDecoding();
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("input lacks required field(s) " + missing + " of input.avsc; it has " + Arrays.toString(have.fieldNames()));
    }
    for (String e : layout.extras()) {
      cols.add(Arrays.asList(have.fieldNames()).contains(e) ? df.col(e).cast(DataTypes.StringType).as(e) : lit(null).cast(DataTypes.StringType).as(e));
    }
    cols.add(file.cast(DataTypes.IntegerType).as(InputLayout.FILE));
    cols.add(pos.cast(DataTypes.LongType).as(InputLayout.POS));
    // The first failing field in schema order gives the reason, as on a single node. When no
    // conversion can fail, the only reasons are nulls in required fields: decodeFailure finds those.
    Column reason = reasons.isEmpty() || !canFailDecoding ? lit(null) : functions.coalesce(reasons.toArray(new Column[0]));
    cols.add(reason.cast(DataTypes.StringType).as(InputLayout.REASON));
    cols.add(lit(null).cast(DataTypes.StringType).as(InputLayout.TEXT));
    cols.add(lit(null).cast(DataTypes.BinaryType).as(InputLayout.BYTES));
    return df.select(cols.toArray(new Column[0]));
  }

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
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(p, true);
      while (it.hasNext()) {
        FileStatus f = it.next();
        if (!hidden(p, f.getPath())) {
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

  /** Hidden as Spark's readers hide: a name under {@code root} starting with {@code _} or {@code .}. */
  private static boolean hidden(Path root, Path file) {
    for (Path q = file; q != null && !q.equals(root) && q.getParent() != null; q = q.getParent()) {
      if (q.getName().startsWith("_") || q.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static java.util.stream.Stream<Row> toStream(java.util.Iterator<Row> it) {
    return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(it, 0), false);
  }

}
