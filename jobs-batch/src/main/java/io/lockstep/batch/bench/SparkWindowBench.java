package io.lockstep.batch.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.spark.SparkScoreJob;
import io.lockstep.batch.spark.SparkScoreOptions;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.deadletter.DeadLetterPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Where the window backfill's time goes (issue 15, item 4): in one session, on the same Parquet
 * input of the golden {@code windows} bundle's schema, best of {@code --runs} alternating runs
 * after a warm-up of each:
 * <ul>
 *   <li>Lockstep with the window features, and with them replaced by row features of the same width
 *       (same model, no shuffle): the ratio the goal is about;</li>
 *   <li>plain Spark jobs over the same input that add one step at a time: read → write; + the
 *       shuffle by key; + the sort within partitions by Lockstep's window order
 *       {@code (xxhash64(key), key, time, input order)}; + the sort by the hash alone (what the prefix
 *       comparator decides without the full-row comparator).</li>
 * </ul>
 * Differences between neighbours give the cost of the shuffle, of the sort, of the comparator, and
 * (window job − row job − shuffle − sort) the window aggregation itself.
 *
 * <pre>deploy/bin/spark-submit --master 'local[2]' --driver-memory 4g \
 *   --class io.lockstep.batch.bench.SparkWindowBench jobs-batch/target/lockstep-jobs-batch.jar --rows 2000000</pre>
 */
public final class SparkWindowBench {
  private SparkWindowBench() {}

  public static void main(String[] args) throws Exception {
    SparkBench.Options o = SparkBench.Options.parse(args);
    SparkSession spark = SparkSession.builder().appName("lockstep SparkWindowBench").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      run(spark, o);
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, SparkBench.Options o) throws Exception {
    Files.createDirectories(o.dir());
    Bundle windows = BundleLoader.load(o.windowsBundle());
    Path rowOnly = SparkBench.rowFeaturesOnly(windows, o.dir().resolve("windows-row-features-bundle"));
    String input = SparkBench.generate(spark, windows, o.rows(), o.dir().resolve("windows-" + o.rows() + ".parquet"));
    String key = windows.spec().key();
    String time = windows.spec().time();
    System.out.printf("Spark %s, master %s, %d cores; %,d rows of %s, shuffle partitions %s%n", spark.version(),
        spark.sparkContext().master(), spark.sparkContext().defaultParallelism(), o.rows(), windows.id(),
        o.shufflePartitions() > 0 ? o.shufflePartitions() : spark.conf().get("spark.sql.shuffle.partitions"));

    Map<String, Function<Void, Double>> jobs = new LinkedHashMap<>();
    jobs.put("lockstep, window features", v -> lockstep(spark, o, windows.dir(), input));
    jobs.put("lockstep, row features only", v -> lockstep(spark, o, rowOnly, input));
    jobs.put("spark: read -> write", v -> plain(spark, o, input, in -> in));
    jobs.put("spark: + shuffle by key", v -> plain(spark, o, input, in -> shuffle(in, key, o)));
    jobs.put("spark: + sort (hash, key, time, order)", v -> plain(spark, o, input,
        in -> shuffle(in, key, o).sortWithinPartitions(xxhash64(col(key)), col(key), col(time), col("_order"))));
    jobs.put("spark: + sort (hash) only", v -> plain(spark, o, input,
        in -> shuffle(in, key, o).sortWithinPartitions(xxhash64(col(key)))));
    Map<String, Double> best = new LinkedHashMap<>();
    for (Map.Entry<String, Function<Void, Double>> job : jobs.entrySet()) {
      System.out.printf("  warm-up %s: %.2f s%n", job.getKey(), job.getValue().apply(null));
    }
    for (int r = 0; r < o.runs(); r++) {
      for (Map.Entry<String, Function<Void, Double>> job : jobs.entrySet()) {
        double s = job.getValue().apply(null);
        System.out.printf("  run %d %s: %.2f s%n", r + 1, job.getKey(), s);
        best.merge(job.getKey(), s, Math::min);
      }
    }
    System.out.printf("%nbest of %d, %,d rows:%n", o.runs(), o.rows());
    best.forEach((k, s) -> System.out.printf("  %-42s %7.2f s %,12.0f rows/s%n", k, s, o.rows() / s));
    List<Double> t = List.copyOf(best.values());
    System.out.printf("window / row-only = %.2f (goal >= 0.6)%n", t.get(1) / t.get(0));
    System.out.printf("costs: shuffle %.2f s, sort %.2f s (of which the full-row comparator beyond the hash prefix %.2f s), "
        + "window job - row job - shuffle - sort = %.2f s (aggregation and the rest)%n",
        t.get(3) - t.get(2), t.get(4) - t.get(3), t.get(4) - t.get(5), t.get(0) - t.get(1) - (t.get(4) - t.get(2)));
  }

  private static Dataset<Row> shuffle(Dataset<Row> in, String key, SparkBench.Options o) {
    Dataset<Row> ordered = in.withColumn("_order", functions.monotonically_increasing_id());
    return o.shufflePartitions() > 0 ? ordered.repartition(o.shufflePartitions(), col(key)) : ordered.repartition(col(key));
  }

  private static double lockstep(SparkSession spark, SparkBench.Options o, Path bundle, String input) {
    SparkScoreJob.Result r = SparkScoreJob.run(spark, new SparkScoreOptions(bundle.toString(), input,
        o.dir().resolve("window-bench-out.parquet").toString(), List.of(), o.batchSize(), FileFormat.PARQUET, FileFormat.PARQUET,
        o.shufflePartitions(), false, DeadLetterPolicy.DEFAULTS, null, false));
    return r.seconds();
  }

  private static double plain(SparkSession spark, SparkBench.Options o, String input, Function<Dataset<Row>, Dataset<Row>> step) {
    long start = System.nanoTime();
    step.apply(spark.read().parquet(input)).write().mode(SaveMode.Overwrite).parquet(o.dir().resolve("window-bench-plain.parquet").toString());
    return (System.nanoTime() - start) / 1e9;
  }
}
