package io.lockstep.batch.spark;

import io.lockstep.bundle.ShippedBundle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * The job's bundle, read and its model opened and checked ({@link ExecutorModels}) on a background
 * thread that {@link io.lockstep.batch.BatchScoreJob} starts before the Spark session. In a cold
 * {@code spark-submit} the session takes seconds to start on one thread; the bundle (YAML, Avro,
 * sha256 of every file) and ONNX Runtime (its native library, the session) are then ready when
 * {@link SparkScoreJob#run} asks, instead of adding their cold start to the job's own critical path
 * (issue 15, docs/performance.md: "Where the seconds went").
 *
 * <p>Same work, same checks, same errors: a bundle that fails to load fails the job with the same
 * exception when the job asks for it. The Hadoop configuration is built from the same {@code spark.*}
 * settings the session's is ({@code spark-submit} passes them as system properties), so a bundle on
 * HDFS or S3 is read through the same file system.
 */
public final class BundlePrefetch {
  private final String path;
  private final CompletableFuture<ShippedBundle> loading;

  private BundlePrefetch(String path, CompletableFuture<ShippedBundle> loading) {
    this.path = path;
    this.loading = loading;
  }

  /** Starts reading {@code path} and opening its model on a daemon thread. */
  public static BundlePrefetch start(String path) {
    return start(path, null);
  }

  /**
   * As {@link #start(String)}, then, with {@code parquetInput} not null, reads the footer of its
   * first file ahead ({@link ParquetFooterSchema#readAhead}): the job's Parquet schema then needs no
   * read of its own. For a JVM that runs one job on that input (the job's main): a footer read ahead
   * is taken by the first {@link ParquetFooterSchema#of} of its file.
   */
  public static BundlePrefetch start(String path, String parquetInput) {
    CompletableFuture<ShippedBundle> loading = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      SparkConf spark;
      Configuration conf;
      try {
        spark = new SparkConf();
        conf = SparkHadoopUtil.get().newConfiguration(spark);
        ShippedBundle files = HadoopBundles.read(path, conf);
        ExecutorModels.get(files);
        loading.complete(files);
      } catch (Throwable e) {
        loading.completeExceptionally(e);
        return;
      }
      if (parquetInput != null && !spark.getBoolean("spark.sql.parquet.mergeSchema", false)) {
        try {
          ParquetFooterSchema.readAhead(SparkInput.listFiles(parquetInput, conf).get(0), conf);
        } catch (RuntimeException e) {
          // the job lists and reads the input itself, and reports what is wrong with it
        }
      }
    }, "lockstep-bundle-prefetch");
    t.setDaemon(true);
    t.start();
    return new BundlePrefetch(path, loading);
  }

  /** No background work: {@link #get} reads the bundle when asked (the library API, tests, the shadow job). */
  public static BundlePrefetch none(String path) {
    return new BundlePrefetch(path, null);
  }

  /**
   * The shipped bundle: the prefetched one, its model already opened in this JVM (waiting for it if
   * it is still loading), or read now when nothing was prefetched for this path (the caller's
   * {@link ExecutorModels#get} then opens the model).
   */
  ShippedBundle get(String bundlePath, Configuration conf) {
    if (loading == null || !path.equals(bundlePath)) {
      return HadoopBundles.read(bundlePath, conf);
    }
    try {
      return loading.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
