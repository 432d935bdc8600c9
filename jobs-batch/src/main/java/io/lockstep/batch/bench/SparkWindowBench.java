package io.lockstep.batch.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.spark.SparkScoreJob;
import io.lockstep.batch.spark.SparkScoreOptions;
import io.lockstep.batch.spark.WindowOrder;
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
 *       shuffle by key; + a sort within partitions by {@code (xxhash64(key), key, time, input order)}
 *       (Lockstep's window order before issue 15); + the sort by the hash alone (one column: Spark's
 *       radix sort, no row comparator); + the sort Lockstep's window order now makes Spark do: by one
 *       long, the group ({@link WindowOrder#group}, computed before the shuffle and shuffled with the
 *       row), also a radix sort.</li>
 * </ul>
 * Differences between neighbours give the cost of the shuffle, of each sort, of the old sort's
 * comparator (beyond the radix sort of the hash), and (window job − row job − shuffle − group sort)
 * the window pass (ordering tied rows, states, aggregates) and whatever else the window job adds;
 * from them, the ratio's ceilings. The load
 * average before and after the measured runs is printed next to the figures.
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
        shufflePartitions(spark, o, input));

    Map<String, Function<Void, Double>> jobs = new LinkedHashMap<>();
    jobs.put(WINDOW, v -> lockstep(spark, o, windows.dir(), input));
    jobs.put(ROW, v -> lockstep(spark, o, rowOnly, input));
    jobs.put(READ_WRITE, v -> plain(spark, o, input, in -> in));
    jobs.put(SHUFFLE, v -> plain(spark, o, input, in -> shuffle(in, key, o)));
    jobs.put(SORT_KEY, v -> plain(spark, o, input,
        in -> shuffle(in, key, o).sortWithinPartitions(xxhash64(col(key)), col(key), col(time), col("_order"))));
    jobs.put(SORT_HASH, v -> plain(spark, o, input,
        in -> shuffle(in, key, o).sortWithinPartitions(xxhash64(col(key)))));
    jobs.put(SORT_GROUP, v -> plain(spark, o, input,
        in -> shuffle(in.withColumn("_group", WindowOrder.group(xxhash64(col(key)), col(time))), key, o)
            .sortWithinPartitions(col("_group"))));
    String loadBefore = load();
    Map<String, Double> best = new LinkedHashMap<>();
    Map<String, Double> bestCpu = new LinkedHashMap<>();
    for (Map.Entry<String, Function<Void, Double>> job : jobs.entrySet()) {
      System.out.printf("  warm-up %s: %.2f s%n", job.getKey(), job.getValue().apply(null));
    }
    for (int r = 0; r < o.runs(); r++) {
      for (Map.Entry<String, Function<Void, Double>> job : jobs.entrySet()) {
        double cpu0 = cpuSeconds();
        double s = job.getValue().apply(null);
        double cpu = cpuSeconds() - cpu0;
        System.out.printf("  run %d %s: %.2f s, %.2f CPU s%n", r + 1, job.getKey(), s, cpu);
        best.merge(job.getKey(), s, Math::min);
        bestCpu.merge(job.getKey(), cpu, Math::min);
      }
    }
    System.out.printf("%nbest of %d, %,d rows (load average before: %s; after: %s):%n", o.runs(), o.rows(), loadBefore, load());
    System.out.printf("  %-50s %9s %12s %9s%n", "job", "s", "rows/s", "CPU s");
    best.forEach((k, s) -> System.out.printf("  %-50s %9.2f %,12.0f %9.2f%n", k, s, o.rows() / s, bestCpu.get(k)));
    report("wall clock", new Costs(best));
    report("CPU time of the JVM (all its threads; steadier than the wall clock on a loaded machine)", new Costs(bestCpu));
  }

  private static void report(String what, Costs c) {
    System.out.printf("%n%s:%nwindow / row-only = %.2f (goal >= 0.6)%n", what, c.ratio());
    System.out.printf("costs: shuffle %.2f s; sort by (hash, key, time, order) %.2f s, of which the comparator beyond the hash "
        + "prefix %.2f s; sort by the group alone (Lockstep's, a radix sort) %.2f s; window pass and the rest (window job - "
        + "row job - shuffle - group sort: states, aggregates, ordering tied rows) %.2f s%n",
        c.shuffle(), c.keySort(), c.keyComparator(), c.groupSort(), c.aggregation());
    System.out.printf("ceilings: with this sort and no aggregation cost %.2f; with no sort and no aggregation cost (the shuffle "
        + "alone) %.2f%n", c.ceilingWithSort(), c.ceilingShuffleOnly());
  }

  private static String shufflePartitions(SparkSession spark, SparkBench.Options o, String input) {
    int n = WindowOrder.partitions(spark.read().parquet(input), o.shufflePartitions());
    return n > 0 ? n + "" : spark.conf().get("spark.sql.shuffle.partitions") + " (spark.sql.shuffle.partitions)";
  }

  /** CPU time of this JVM so far: in local mode, driver and executor threads alike. */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  static final String WINDOW = "lockstep, window features";
  static final String ROW = "lockstep, row features only";
  static final String READ_WRITE = "spark: read -> write";
  static final String SHUFFLE = "spark: + shuffle by key";
  static final String SORT_KEY = "spark: + sort (hash, key, time, order)";
  static final String SORT_HASH = "spark: + sort (hash) only";
  static final String SORT_GROUP = "spark: + sort (group) only, Lockstep's order";

  /** Differences between neighbouring jobs of one run (best wall or CPU seconds, by job name). */
  record Costs(Map<String, Double> t) {
    double ratio() {
      return t.get(ROW) / t.get(WINDOW);
    }

    double shuffle() {
      return t.get(SHUFFLE) - t.get(READ_WRITE);
    }

    double keySort() {
      return t.get(SORT_KEY) - t.get(SHUFFLE);
    }

    double keyComparator() {
      return t.get(SORT_KEY) - t.get(SORT_HASH);
    }

    double groupSort() {
      return t.get(SORT_GROUP) - t.get(SHUFFLE);
    }

    double aggregation() {
      return t.get(WINDOW) - t.get(ROW) - (t.get(SORT_GROUP) - t.get(READ_WRITE));
    }

    /** The ratio if the window pass cost nothing beyond Spark's shuffle and the group sort (and scoring as in the row job). */
    double ceilingWithSort() {
      return t.get(ROW) / (t.get(ROW) + t.get(SORT_GROUP) - t.get(READ_WRITE));
    }

    /** The ratio if only the shuffle were left. */
    double ceilingShuffleOnly() {
      return t.get(ROW) / (t.get(ROW) + shuffle());
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Shuffled into as many partitions as Lockstep's window order takes ({@link WindowOrder#partitions}). */
  private static Dataset<Row> shuffle(Dataset<Row> in, String key, SparkBench.Options o) {
    Dataset<Row> ordered = in.withColumn("_order", functions.monotonically_increasing_id());
    int n = WindowOrder.partitions(in, o.shufflePartitions());
    return n > 0 ? ordered.repartition(n, col(key)) : ordered.repartition(col(key));
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
