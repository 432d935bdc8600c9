package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.ShadowRun;
import io.lockstep.bundle.TestBundles;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.lifecycle.Divergence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job's {@code --shadow} gives the summary of {@code lockstep score --shadow} on the same file (docs/spec.md, Divergence). */
class SparkShadowTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkShadowTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void levelOneAndTwoGiveEqualSummariesWithLabelFlips() throws Exception {
    GoldenFixture lr = GoldenFixture.of("lr");
    assertEqualSummaries(lr, lr.dir().resolve("candidate/bundle"));
  }

  @Test
  void levelOneAndTwoGiveEqualSummariesWithScoreDifferences() throws Exception {
    GoldenFixture lr = GoldenFixture.of("lr");
    assertEqualSummaries(lr, TestBundles.lrWithOutputs(TestBundles.STAY_OUTPUTS, "2", tmp.resolve("stay")));
  }

  @Test
  void levelOneAndTwoGiveEqualSummariesWithWindowFeatures() throws Exception {
    GoldenFixture windows = GoldenFixture.of("windows");
    Path src = windows.bundle();
    Path spec = tmp.resolve("features.yaml");
    Files.writeString(spec, Files.readString(src.resolve("features.yaml")).replace("{standardize: {mean: 4.898, std: 2.5849}}",
        "{standardize: {mean: 5.5, std: 2.0}}"));
    Path candidate = io.lockstep.bundle.BundleWriter.write(spec, src.resolve("input.avsc"), src.resolve("model.onnx"), null,
        "golden-windows", "2", "shadow test", tmp.resolve("windows-2"));
    assertEqualSummaries(windows, candidate);
  }

  private void assertEqualSummaries(GoldenFixture fx, Path candidate) throws Exception {
    Path l1 = tmp.resolve("l1-" + System.nanoTime() + ".csv");
    ShadowRun.Result local = new ShadowRun(ScoreOptions.of(fx.bundle(), fx.inputCsv(), l1, List.of(), 64, 1), candidate, System.err,
        runner -> { }).run();
    String l2 = tmp.resolve("l2-" + System.nanoTime() + ".parquet").toString();
    SparkShadow.Result distributed = SparkShadow.run(spark, SparkScoreOptions.of(fx.bundle().toString(), fx.inputCsv().toString(), l2,
        List.of()), candidate.toString());

    assertThat(local.divergence().records()).isGreaterThan(0);
    assertThat(distributed.divergence()).isEqualTo(local.divergence());
    assertThat(Divergence.Summary.parse(Files.readAllBytes(Path.of(distributed.stats())))).isEqualTo(local.divergence());
    assertThat(distributed.shadowOutput()).endsWith(".shadow.parquet");
    assertThat(distributed.candidate().counts().scored()).isEqualTo(local.candidate().scored());
    assertThat(Path.of(distributed.shadowOutput()).resolve(SparkOutput.SCHEMA_FILE)).exists();
  }
}
