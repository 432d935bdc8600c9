package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.local.SingleNodeWindows;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.score.PredictionBuilder;
import io.lockstep.window.WindowSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window sort of the backfill ({@link WindowOrder}) and the pass over it: exact under key-hash
 * collisions, and its sort group orders by the hash's high half, then by time.
 */
class WindowOrderTest {
  static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("WindowOrderTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /**
   * The golden {@code windows} input (40-odd keys, ties in event time, late events) with a key hash
   * under which every key collides: all keys form one run, interleaved by time. Every feature vector
   * is still bitwise the single-node one, and the one the job computes with the real hash.
   */
  @Test
  void keysThatAllShareOneHashGetTheSingleNodeWindowFeatures() throws IOException {
    GoldenFixture fx = GoldenFixture.of("windows");
    Map<Long, float[]> single = singleNodeFeaturesByRecord(fx);
    Map<Long, float[]> collided = sparkFeaturesByRecord(fx, k -> lit(0L));
    Map<Long, float[]> hashed = sparkFeaturesByRecord(fx, WindowOrder.XXHASH64);
    assertThat(single).hasSizeGreaterThan(500);
    assertThat(collided.keySet()).isEqualTo(single.keySet());
    assertThat(hashed.keySet()).isEqualTo(single.keySet());
    for (Map.Entry<Long, float[]> e : single.entrySet()) {
      assertThat(bits(collided.get(e.getKey()))).as("record %d, all keys colliding", e.getKey()).isEqualTo(bits(e.getValue()));
      assertThat(bits(hashed.get(e.getKey()))).as("record %d, xxhash64", e.getKey()).isEqualTo(bits(e.getValue()));
    }
  }

  @Test
  void theSortGroupOrdersByTheHashHighHalfThenByTheTimeBucket() {
    StructType schema = new StructType().add("h", DataTypes.LongType).add("t", DataTypes.LongType);
    long[][] cases = {
        {-1L, 5_000L}, {-1L << 32, 0L}, {Long.MIN_VALUE, Long.MAX_VALUE}, {0L, -5L}, {0L, 0L}, {0L, 1023L}, {0L, 1024L},
        {0xFFFF_FFFFL, 1_795_000_000_000L}, {1L << 32, Long.MIN_VALUE}, {Long.MAX_VALUE, Long.MAX_VALUE}, {7L << 32, 1L << 52}};
    List<Row> rows = new ArrayList<>();
    for (long[] c : cases) {
      rows.add(RowFactory.create(c[0], c[1]));
    }
    List<Row> out = spark.createDataFrame(rows, schema).select(col("h"), col("t"), WindowOrder.group(col("h"), col("t")).as("g"))
        .collectAsList();
    for (Row r : out) {
      long h = r.getLong(0);
      long t = r.getLong(1);
      long g = r.getLong(2);
      assertThat(WindowOrder.run(g)).as("run of %x", h).isEqualTo(h >> 32);
      assertThat(g & 0xFFFF_FFFFL).as("bucket of %d", t).isEqualTo(Math.max(0L, Math.min(0xFFFF_FFFFL, t >> 10)));
    }
    Row noTime = spark.createDataFrame(List.of(RowFactory.create(5L, null)), schema)
        .select(WindowOrder.group(col("h"), col("t")).as("g")).first();
    assertThat(noTime.isNullAt(0)).as("no time, no group").isTrue();
    for (Row a : out) {
      for (Row b : out) {
        int byGroup = Long.signum(Long.compare(a.getLong(2), b.getLong(2)));
        int byHash = Long.compare(a.getLong(0) >> 32, b.getLong(0) >> 32);
        if (byHash != 0) {
          assertThat(byGroup).as("%s vs %s", a, b).isEqualTo(Integer.signum(byHash));
        } else if (a.getLong(1) < b.getLong(1)) {
          assertThat(byGroup).as("time order within a run: %s vs %s", a, b).isLessThanOrEqualTo(0);
        }
      }
    }
  }

  /**
   * The window shuffle's partitions: the flag; else Spark's setting when one is set; else the
   * input's partitions (an RDD's count, or the size over the split size), at least the default
   * parallelism (not Spark SQL's fixed 200).
   */
  @Test
  void theShuffleTakesTheFlagThenSparksSettingThenTheInputsPartitions() {
    StructType schema = new StructType().add("x", DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      rows.add(RowFactory.create(i));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> fiveRanges = spark.createDataFrame(jsc.parallelize(rows, 5), schema).select(col("x").plus(1).as("x"));
    Dataset<Row> small = spark.range(0, 1000, 1, 4).toDF();
    assertThat(WindowOrder.partitions(fiveRanges, 7)).isEqualTo(7);
    assertThat(WindowOrder.partitions(fiveRanges, 0)).as("spark.sql.shuffle.partitions is set (LocalSpark)").isZero();
    spark.conf().unset("spark.sql.shuffle.partitions");
    try {
      assertThat(WindowOrder.partitions(fiveRanges, 0)).as("an RDD input: its partitions").isEqualTo(5);
      assertThat(WindowOrder.partitions(small, 0)).as("8 kB: at least the default parallelism").isEqualTo(2);
      spark.conf().set("spark.sql.files.maxPartitionBytes", "1000");
      assertThat(WindowOrder.partitions(small, 0)).as("8,000 bytes in splits of 1,000").isEqualTo(8);
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", "3");
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }

  /** Record number (1-based, in file order) to feature vector, by the Spark pass over the fixture's decodable rows. */
  private static Map<Long, float[]> sparkFeaturesByRecord(GoldenFixture fx, UnaryOperator<Column> keyHash) throws IOException {
    Dataset<Row> df = SparkScoreJobTest.goldenRowsAsDataFrame(spark, fx, tmp);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ShippedBundle files = HadoopBundles.read(fx.bundle().toString(), spark.sparkContext().hadoopConfiguration());
    ExecutorModels.Model model = ExecutorModels.get(files);
    InputLayout layout = new InputLayout(model.bundle().inputSchema(), PredictionBuilder.extras(model.bundle(), List.of()),
        SparkInput.DATAFRAME);
    ScoringPlan plan = new ScoringPlan(jsc.broadcast(files), layout, List.of(), 64, true, null, null,
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration())), null);
    Dataset<Row> all = SparkScoring.score(SparkInput.fromDataFrame(df, layout), plan, model, 0, keyHash);
    Map<Long, float[]> out = new TreeMap<>();
    for (Row r : all.filter(col(PredictionRows.DEAD_LETTER).isNull()).select(PredictionRows.SOURCE, PredictionRows.FEATURES).collectAsList()) {
      List<Float> f = r.getList(1);
      float[] v = new float[f.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = f.get(i);
      }
      assertThat(out.put((long) LocalSpark.line(r.getString(0)), v)).as("one prediction per record").isNull();
    }
    return out;
  }

  /** The same, as level 1 computes it: windows in (time, input order) over the same decodable rows. */
  private static Map<Long, float[]> singleNodeFeaturesByRecord(GoldenFixture fx) throws IOException {
    Bundle bundle = BundleLoader.load(fx.bundle());
    List<RawRecord> ok = SparkGoldenParityTest.readAll(fx.inputCsv(), FileFormat.CSV, bundle).stream()
        .filter(r -> r.decoded().isOk()).toList();
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    double[][] values = SingleNodeWindows.windowValues(ok, WindowSet.compile(bundle.spec(), bundle.inputSchema()));
    Map<Long, float[]> out = new TreeMap<>();
    for (int i = 0; i < ok.size(); i++) {
      float[] row = new float[pipeline.width()];
      if (values[i] != null && pipeline.extract(FieldAccessor.of(ok.get(i).decoded().record()), values[i], row, 0) == null) {
        out.put(i + 1L, row);
      }
    }
    return out;
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
