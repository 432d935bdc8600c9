package io.lockstep.batch.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.score.PredictionField;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baselines of the cold {@code spark-submit} benchmark ({@code bench/spark-cold.sh}), each a
 * job a user could write, run in its own fresh JVM as the real job is, and timed the same way:
 * from the first read to the end of the write.
 * <ul>
 *   <li>{@code generate}: synthetic Parquet of a bundle's input schema (not timed);</li>
 *   <li>{@code io-floor}: reads every input column and writes a prediction-shaped row (key, a
 *       score computed by a Spark expression over the numeric columns, label, model): the I/O and
 *       row handling any scoring job pays, without a model;</li>
 *   <li>{@code batched}: the best hand-written scorer, a {@code mapPartitions} that computes the
 *       bundle's features (the common pipeline: features are not what is slow) and calls ONNX
 *       Runtime once per 1,024 rows through one reused direct buffer, one session per JVM.</li>
 * </ul>
 * Each prints {@code <job>: R rows in T s} on stdout.
 */
public final class SparkColdJobs {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkColdJobs.class);

  private SparkColdJobs() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      throw new IllegalArgumentException("usage: generate BUNDLE OUT - ROWS [FILES [parquet|csv]] | io-floor|batched BUNDLE INPUT OUTPUT");
    }
    String job = args[0];
    Bundle bundle = BundleLoader.load(Path.of(args[1]));
    SparkSession spark = SparkSession.builder().appName("lockstep cold " + job).getOrCreate();
    try {
      if (job.equals("generate")) {
        int files = args.length > 5 ? Integer.parseInt(args[5]) : spark.sparkContext().defaultParallelism();
        SparkBench.generate(spark, bundle, Long.parseLong(args[4]), Path.of(args[2]), files, args.length > 6 ? args[6] : "parquet");
        return;
      }
      long start = System.nanoTime();
      LOG.info("{}: timer started (first read to end of write)", job);
      switch (job) {
        case "io-floor" -> ioFloor(spark, bundle, args[2], args[3]);
        case "batched" -> batched(spark, bundle, args[2], args[3]);
        default -> throw new IllegalArgumentException("unknown job " + job);
      }
      double s = (System.nanoTime() - start) / 1e9;
      long rows = spark.read().parquet(args[3]).count();
      System.out.printf("%s: %d rows in %.2f s%n", job, rows, s);
    } finally {
      spark.stop();
    }
  }

  private static void ioFloor(SparkSession spark, Bundle bundle, String input, String output) {
    Dataset<Row> in = spark.read().parquet(input);
    Column z = lit(0.0);
    for (Schema.Field f : bundle.inputSchema().getFields()) {
      Schema.Type t = (f.schema().getType() == Schema.Type.UNION ? f.schema().getTypes().get(1) : f.schema()).getType();
      if (t == Schema.Type.INT || t == Schema.Type.LONG || t == Schema.Type.FLOAT || t == Schema.Type.DOUBLE) {
        z = z.plus(functions.coalesce(col(f.name()).cast("double"), lit(0.0)).multiply(0.01));
      }
    }
    Column score = lit(1.0).divide(lit(1.0).plus(functions.exp(z.multiply(-1))));
    in.select(col(bundle.spec().key()), score.cast("float").as("score"), score.gt(0.5).cast("long").as("label"),
        lit(bundle.id()).as("model")).write().mode(SaveMode.Overwrite).parquet(output);
  }

  private static void batched(SparkSession spark, Bundle bundle, String input, String output) throws Exception {
    Dataset<Row> in = spark.read().parquet(input);
    String[] names = bundle.inputSchema().getFields().stream().map(Schema.Field::name).toArray(String[]::new);
    Dataset<Row> ordered = in.select(java.util.Arrays.stream(names).map(functions::col).toArray(Column[]::new));
    StructType out = new StructType().add(bundle.spec().key(), DataTypes.StringType).add("score", DataTypes.FloatType)
        .add("label", DataTypes.LongType).add("model", DataTypes.StringType);
    BatchedScorer scorer = new BatchedScorer(Files.readAllBytes(bundle.dir().resolve(Bundle.MODEL_ONNX)), bundle.dir().toString(),
        bundle.inputSchema().getField(bundle.spec().key()).pos(), bundle.id());
    ordered.mapPartitions(scorer, Encoders.row(out)).write().mode(SaveMode.Overwrite).parquet(output);
  }

  /** One ORT call per 1,024 rows, a reused direct buffer, one session per JVM: what a careful user writes. */
  static final class BatchedScorer implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final int BATCH = 1024;
    private static Object[] shared;
    private final byte[] model;
    private final String bundleDir;
    private final int keyField;
    private final String modelId;

    BatchedScorer(byte[] model, String bundleDir, int keyField, String modelId) {
      this.model = model;
      this.bundleDir = bundleDir;
      this.keyField = keyField;
      this.modelId = modelId;
    }

    private synchronized Object[] open() throws OrtException {
      if (shared == null) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        shared = SparkBench.handWritten(model, bundleDir, options);
      }
      return shared;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
      Object[] s = open();
      OrtSession session = (OrtSession) s[0];
      FeaturePipeline pipeline = (FeaturePipeline) s[1];
      PredictionField field = (PredictionField) s[2];
      int width = pipeline.width();
      FloatBuffer buffer = ByteBuffer.allocateDirect(BATCH * width * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      float[] features = new float[width];
      String inputName = session.getInputNames().iterator().next();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      return new Iterator<>() {
        private final List<Row> out = new ArrayList<>(BATCH);
        private final List<String> keys = new ArrayList<>(BATCH);
        private int next;

        @Override
        public boolean hasNext() {
          if (next < out.size()) {
            return true;
          }
          out.clear();
          keys.clear();
          next = 0;
          buffer.clear();
          while (keys.size() < BATCH && rows.hasNext()) {
            Row r = rows.next();
            if (pipeline.extract(r::get, null, features, 0) == null) {
              buffer.put(features);
              keys.add(r.getString(keyField));
            }
          }
          if (keys.isEmpty()) {
            return false;
          }
          buffer.flip();
          try (OnnxTensor t = OnnxTensor.createTensor(env, buffer, new long[] {keys.size(), width});
               OrtSession.Result result = session.run(Map.of(inputName, t), java.util.Set.of(field.output()))) {
            float[][] p = (float[][]) result.get(0).getValue();
            for (int i = 0; i < keys.size(); i++) {
              float v = p[i][field.column()];
              out.add(RowFactory.create(keys.get(i), v, v > 0.5f ? 1L : 0L, modelId));
            }
          } catch (OrtException e) {
            throw new IllegalStateException(e);
          }
          return true;
        }

        @Override
        public Row next() {
          hasNext();
          return out.get(next++);
        }
      };
    }
  }
}
