package io.lockstep.batch.bench;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.spark.SparkScoreJob;
import io.lockstep.batch.spark.SparkScoreOptions;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionField;
import io.lockstep.score.ScorerOptions;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.Op;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Spark throughput, all in one run and one session, on synthetic Parquet input generated from the
 * bundle's own schema and spec:
 * <ol>
 *   <li>ours: {@link SparkScoreJob} (Parquet in, Parquet predictions out) on the lr bundle;</li>
 *   <li>naive: what users hand-write, a Spark UDF that computes the same features and calls ONNX
 *       Runtime once per row with a {@code float[][]} input (one session per JVM, as a careful user
 *       would), on a subset of the rows: its rate is rows / seconds of that subset;</li>
 *   <li>no-op: read the same Parquet input and write it back;</li>
 *   <li>windows: the windows bundle with its window features (shuffle by key, sort, state) over the
 *       same job on a copy of the bundle whose window features are replaced by row features of the
 *       same width (same model, same input, no shuffle).</li>
 * </ol>
 * Every measurement is taken three times (alternating) after one warm-up and the best is reported:
 * on a shared machine the least disturbed run is the one closest to the code's own cost.
 *
 * <pre>deploy/bin/spark-submit --master 'local[2]' --driver-memory 4g --class io.lockstep.batch.bench.SparkBench \
 *     jobs-batch/target/lockstep-jobs-batch.jar --rows 2000000</pre>
 */
public final class SparkBench {
  private SparkBench() {}

  /** Flags of the benchmark. */
  record Options(long rows, long naiveRows, int batchSize, Path dir, Path lrBundle, Path windowsBundle, int runs,
                 int shufflePartitions) {
    static Options parse(String[] args) {
      long rows = 2_000_000;
      long naive = 500_000;
      int batch = 1024;
      int runs = 3;
      int shuffle = 0;
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lockstep-spark-bench");
      Path golden = Path.of("common/src/test/resources/golden");
      Path lr = golden.resolve("lr/bundle");
      Path windows = golden.resolve("windows/bundle");
      for (int i = 0; i < args.length; i += 2) {
        String v = args[i + 1];
        switch (args[i]) {
          case "--rows" -> rows = Long.parseLong(v);
          case "--naive-rows" -> naive = Long.parseLong(v);
          case "--batch-size" -> batch = Integer.parseInt(v);
          case "--runs" -> runs = Integer.parseInt(v);
          case "--shuffle-partitions" -> shuffle = Integer.parseInt(v);
          case "--dir" -> dir = Path.of(v);
          case "--bundle" -> lr = Path.of(v);
          case "--windows-bundle" -> windows = v.equals("none") ? null : Path.of(v);   // none: skip (d)
          default -> throw new IllegalArgumentException("unknown flag " + args[i]
              + "; flags: --rows --naive-rows --batch-size --runs --dir --bundle --windows-bundle --shuffle-partitions");
        }
      }
      return new Options(rows, Math.min(naive, rows), batch, dir, lr, windows, runs, shuffle);
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    SparkSession spark = SparkSession.builder().appName("lockstep SparkBench").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      run(spark, o);
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, Options o) throws Exception {
    Files.createDirectories(o.dir());
    Bundle lr = BundleLoader.load(o.lrBundle());
    String input = generate(spark, lr, o.rows(), o.dir().resolve("lr-" + o.rows() + ".parquet"));
    String naiveInput = generate(spark, lr, o.naiveRows(), o.dir().resolve("lr-" + o.naiveRows() + ".parquet"));
    System.out.printf("Spark %s, master %s, %d cores; %,d rows of %s (%d features), batch %d%n", spark.version(),
        spark.sparkContext().master(), spark.sparkContext().defaultParallelism(), o.rows(), lr.id(), lr.spec().width(), o.batchSize());

    ours(spark, o, lr.dir(), input, "warm-up");
    noop(spark, input, o.dir());
    naive(spark, lr, naiveInput, o.dir());
    double ours = 0;
    double noop = 0;
    double naive = 0;
    for (int r = 0; r < o.runs(); r++) {
      ours = Math.max(ours, ours(spark, o, lr.dir(), input, "run " + (r + 1)));
      noop = Math.max(noop, noop(spark, input, o.dir()));
      naive = Math.max(naive, naive(spark, lr, naiveInput, o.dir()));
    }
    System.out.printf("%n(a) lockstep job        %,12.0f rows/s%n", ours);
    System.out.printf("(b) naive per-row UDF   %,12.0f rows/s  (on %,d rows, rate = rows / seconds of that run)%n", naive, o.naiveRows());
    System.out.printf("(c) no-op read->write   %,12.0f rows/s%n", noop);
    System.out.printf("ours / naive = %.1fx (goal >= 10x); ours / no-op = %.2f (goal >= 0.6)%n", ours / naive, ours / noop);

    if (o.windowsBundle() == null) {
      return;
    }
    Bundle windows = BundleLoader.load(o.windowsBundle());
    Path rowOnly = rowFeaturesOnly(windows, o.dir().resolve("windows-row-features-bundle"));
    String wInput = generate(spark, windows, o.rows(), o.dir().resolve("windows-" + o.rows() + ".parquet"));
    ours(spark, o, windows.dir(), wInput, "warm-up windows");
    ours(spark, o, rowOnly, wInput, "warm-up row features only");
    double with = 0;
    double without = 0;
    for (int r = 0; r < o.runs(); r++) {
      with = Math.max(with, ours(spark, o, windows.dir(), wInput, "windows run " + (r + 1)));
      without = Math.max(without, ours(spark, o, rowOnly, wInput, "row-features-only run " + (r + 1)));
    }
    System.out.printf("%n(d) backfill with %d window features %,12.0f rows/s; same job without them %,12.0f rows/s; ratio %.2f (goal >= 0.5)%n",
        windows.spec().windowFeatures().size(), with, without, with / without);
  }

  private static double ours(SparkSession spark, Options o, Path bundle, String input, String label) {
    String out = o.dir().resolve("ours-out.parquet").toString();
    SparkScoreJob.Result r = SparkScoreJob.run(spark, new SparkScoreOptions(bundle.toString(), input, out, List.of(),
        o.batchSize(), FileFormat.PARQUET, FileFormat.PARQUET, o.shufflePartitions(), false, DeadLetterPolicy.DEFAULTS, null, false));
    double rate = r.counts().read() / r.seconds();
    System.out.printf("  ours (%s, %s): %s = %,.0f rows/s%n", bundle.getFileName(), label, r.line(), rate);
    return rate;
  }

  private static double noop(SparkSession spark, String input, Path dir) {
    long start = System.nanoTime();
    Dataset<Row> in = spark.read().parquet(input);
    in.write().mode(SaveMode.Overwrite).parquet(dir.resolve("noop-out.parquet").toString());
    double s = (System.nanoTime() - start) / 1e9;
    long rows = spark.read().parquet(dir.resolve("noop-out.parquet").toString()).count();
    System.out.printf("  no-op read->write: %,d rows in %.1f s = %,.0f rows/s%n", rows, s, rows / s);
    return rows / s;
  }

  private static double naive(SparkSession spark, Bundle bundle, String input, Path dir) throws IOException {
    long start = System.nanoTime();
    Dataset<Row> in = spark.read().parquet(input);
    Column[] fields = bundle.inputSchema().getFields().stream().map(f -> col(f.name())).toArray(Column[]::new);
    UserDefinedFunction score = functions.udf(new NaiveUdf(Files.readAllBytes(bundle.dir().resolve(Bundle.MODEL_ONNX)),
        bundle.dir().toString()), DataTypes.FloatType);
    in.select(col(bundle.spec().key()), score.apply(functions.struct(fields)).as("score"), lit(bundle.id()).as("model"))
        .write().mode(SaveMode.Overwrite).parquet(dir.resolve("naive-out.parquet").toString());
    double s = (System.nanoTime() - start) / 1e9;
    long rows = spark.read().parquet(input).count();
    System.out.printf("  naive per-row UDF: %,d rows in %.1f s = %,.0f rows/s%n", rows, s, rows / s);
    return rows / s;
  }

  /**
   * The hand-written scorer: features from the same pipeline (they are not what is slow), then one
   * {@code session.run} per row with {@code float[1][F]}, all outputs, as the ORT Java samples do.
   */
  static final class NaiveUdf implements UDF1<Row, Float>, Serializable {
    private static final Map<String, Object[]> SESSIONS = new ConcurrentHashMap<>();
    private final byte[] model;
    private final String bundleDir;

    NaiveUdf(byte[] model, String bundleDir) {
      this.model = model;
      this.bundleDir = bundleDir;
    }

    @Override
    public Float call(Row row) throws OrtException {
      Object[] s = SESSIONS.computeIfAbsent(bundleDir, d -> open());
      OrtSession session = (OrtSession) s[0];
      FeaturePipeline pipeline = (FeaturePipeline) s[1];
      PredictionField score = (PredictionField) s[2];
      float[][] x = new float[1][pipeline.width()];
      if (pipeline.extract(i -> row.get(i), null, x[0], 0) != null) {
        return null;
      }
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OnnxTensor t = OnnxTensor.createTensor(env, x);
           OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), t))) {
        float[][] p = (float[][]) r.get(score.output()).orElseThrow().getValue();
        return p[0][score.column()];
      }
    }

    private Object[] open() {
      return handWritten(model, bundleDir, new OrtSession.SessionOptions());
    }
  }

  /**
   * What a hand-written scorer opens once per JVM: {@code {OrtSession, FeaturePipeline, the first
   * PredictionField}} (the field tells which output and column hold the score).
   */
  static Object[] handWritten(byte[] model, String bundleDir, OrtSession.SessionOptions options) {
    try {
      Bundle b = BundleLoader.load(Path.of(bundleDir));
      PredictionField score;
      try (OnnxScorer s = OnnxScorer.open(b, ScorerOptions.defaults())) {
        score = s.fields().get(0);
      }
      OrtSession session = OrtEnvironment.getEnvironment().createSession(model, options);
      return new Object[] {session, FeaturePipeline.compile(b.spec(), b.inputSchema()), score};
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Synthetic input from the bundle's schema: valid values for every field, keys and times for windows. */
  static String generate(SparkSession spark, Bundle bundle, long rows, Path out) {
    return generate(spark, bundle, rows, out, spark.sparkContext().defaultParallelism(), "parquet");
  }

  /** As above, into {@code files} part files of {@code format} ({@code parquet} or {@code csv}, with a header). */
  static String generate(SparkSession spark, Bundle bundle, long rows, Path out, int files, String format) {
    if (Files.exists(out)) {
      return out.toString();
    }
    List<Column> cols = new ArrayList<>();
    long keys = Math.max(1, rows / 40);
    for (Schema.Field f : bundle.inputSchema().getFields()) {
      Schema t = f.schema().getType() == Schema.Type.UNION ? f.schema().getTypes().get(1) : f.schema();
      Column rand = functions.rand(f.pos());
      Column c = switch (t.getType()) {
        case STRING -> f.name().equals(bundle.spec().key())
            ? functions.concat(lit("k"), col("id").mod(keys).cast("string"))
            : pick(oneHotValues(bundle, f.name()), rand);
        case LONG -> f.name().equals(bundle.spec().time())
            ? lit(1_764_000_000_000L).plus(col("id").multiply(50)).plus(rand.multiply(5000).cast("long"))
            : col("id");
        case INT -> rand.multiply(80).cast("int");
        case FLOAT -> rand.multiply(50).cast("float");
        case DOUBLE -> rand.multiply(200);
        case BOOLEAN -> rand.gt(0.5);
        default -> lit(null);
      };
      cols.add(c.as(f.name()));
    }
    System.out.printf("generating %,d rows for %s into %s ...%n", rows, bundle.id(), out);
    spark.range(0, rows, 1, files).select(cols.toArray(new Column[0]))
        .write().mode(SaveMode.Overwrite).option("header", "true").format(format).save(out.toString());
    return out.toString();
  }

  private static List<String> oneHotValues(Bundle bundle, String field) {
    List<String> values = new ArrayList<>();
    for (FeatureDef d : bundle.spec().features()) {
      if (field.equals(d.from())) {
        d.ops().stream().filter(op -> op instanceof Op.OneHot).forEach(op -> values.addAll(((Op.OneHot) op).values()));
      }
    }
    values.add("other");
    return values;
  }

  private static Column pick(List<String> values, Column rand) {
    Column[] lits = values.stream().map(functions::lit).toArray(Column[]::new);
    return functions.element_at(functions.array(lits), rand.multiply(values.size()).cast("int").plus(1));
  }

  /**
   * The bundle with each window feature replaced by a row feature of the same width (the window's
   * {@code of} field, or the first of them): same model, same input, no shuffle.
   */
  static Path rowFeaturesOnly(Bundle bundle, Path out) throws IOException {
    String of = bundle.spec().windowFeatures().stream().map(d -> d.window().of()).filter(java.util.Objects::nonNull)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no window feature reads a field"));
    String spec = Files.readString(bundle.dir().resolve(Bundle.FEATURES_YAML)).replaceAll("window: \\{[^}]*}", "from: " + of);
    Path specFile = Files.createDirectories(out.resolveSibling(out.getFileName() + "-src")).resolve(Bundle.FEATURES_YAML);
    Files.writeString(specFile, spec);
    return BundleWriter.write(specFile, bundle.dir().resolve(Bundle.INPUT_AVSC), bundle.dir().resolve(Bundle.MODEL_ONNX), null,
        bundle.name() + "-row-features", bundle.version(), "bench: window features replaced by row features", out);
  }
}
