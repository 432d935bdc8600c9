package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.bundle.BundleException;
import io.lockstep.bundle.ShippedBundle;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle that {@code BatchScoreJob} starts loading before the Spark session: the job scores
 * with exactly the bundle it would have read itself, and a bundle that cannot load fails the job
 * with the error it fails with when read in the job.
 */
class BundlePrefetchTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("BundlePrefetchTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void thePrefetchedBundleIsTheBundleTheJobWouldReadItself() {
    String bundle = SparkScoreJobTest.CHURN_BUNDLE.toString();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ShippedBundle prefetched = BundlePrefetch.start(bundle).get(bundle, conf);
    assertThat(prefetched.sha256()).isEqualTo(HadoopBundles.read(bundle, conf).sha256());
    assertThat(ExecutorModels.get(prefetched).bundle().id()).isEqualTo(ExecutorModels.get(HadoopBundles.read(bundle, conf)).bundle().id());
  }

  @Test
  void aJobWithAPrefetchedBundleCountsAndWritesWhatAJobWithoutOneDoes() {
    String bundle = SparkScoreJobTest.CHURN_BUNDLE.toString();
    String events = SparkScoreJobTest.CHURN_EVENTS.toString();
    SparkScoreJob.Result plain = SparkScoreJob.run(spark,
        SparkScoreOptions.of(bundle, events, tmp.resolve("plain.parquet").toString(), List.of("country")));
    SparkScoreJob.Result prefetched = SparkScoreJob.run(spark,
        SparkScoreOptions.of(bundle, events, tmp.resolve("prefetched.parquet").toString(), List.of("country")),
        BundlePrefetch.start(bundle));
    assertThat(prefetched.counts()).isEqualTo(plain.counts());
    assertThat(prefetched.counts().read()).isEqualTo(5006);
    assertThat(spark.read().parquet(tmp.resolve("prefetched.parquet").toString()).exceptAll(
        spark.read().parquet(tmp.resolve("plain.parquet").toString())).count()).isZero();
  }

  @Test
  void aBundleThatCannotLoadFailsWithTheErrorOfReadingItInTheJob() {
    String missing = tmp.resolve("no-such-bundle").toString();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    BundleException direct = org.junit.jupiter.api.Assertions.assertThrows(BundleException.class, () -> HadoopBundles.read(missing, conf));
    assertThatThrownBy(() -> BundlePrefetch.start(missing).get(missing, conf))
        .isInstanceOf(BundleException.class)
        .hasMessage(direct.getMessage());
  }

  @Test
  void aPrefetchOfAnotherPathIsNotUsed() {
    String bundle = SparkScoreJobTest.CHURN_BUNDLE.toString();
    String missing = tmp.resolve("no-such-bundle").toString();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    assertThat(BundlePrefetch.start(missing).get(bundle, conf).sha256()).isEqualTo(HadoopBundles.read(bundle, conf).sha256());
    assertThatThrownBy(() -> BundlePrefetch.none(bundle).get(missing, conf)).isInstanceOf(BundleException.class);
  }

  @Test
  void aParquetSchemaReadAheadIsTheSchemaReadWhenAskedAndIsTakenOnce() {
    Path input = tmp.resolve("events.parquet");
    spark.read().option("header", "true").option("inferSchema", "true").csv(SparkScoreJobTest.CHURN_EVENTS.toString())
        .write().parquet(input.toString());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String first = SparkInput.listFiles(input.toString(), conf).get(0);
    org.apache.spark.sql.types.StructType direct = ParquetFooterSchema.of(first, conf);
    assertThat(direct).isNotNull();
    ShippedBundle shipped = BundlePrefetch.start(SparkScoreJobTest.CHURN_BUNDLE.toString(), input.toString())
        .get(SparkScoreJobTest.CHURN_BUNDLE.toString(), conf);
    assertThat(shipped).isNotNull();
    // the footer is read after the bundle, on the same thread: wait for it to land
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!ParquetFooterSchema.hasReadAhead(first) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(ParquetFooterSchema.hasReadAhead(first)).isTrue();
    assertThat(ParquetFooterSchema.of(first, conf)).isEqualTo(direct);
    assertThat(ParquetFooterSchema.hasReadAhead(first)).isFalse();
  }
}
