package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lockstep.bundle.BundleException;
import io.lockstep.bundle.TestBundles;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles in one Spark session (library API, local mode: the driver and executors share a JVM):
 * each bundle scores with its own outputs even when bundles share a model, a zip is extracted once
 * per JVM, and a bundle that links out of itself is refused on the driver.
 */
class SparkBundlesTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkBundlesTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void twoBundlesWithOneModelButDifferentOutputsEachGetTheirOwnFieldsInOneSession() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path churn = TestBundles.copyOfGolden("lr", tmp.resolve("churn"));
    Path stay = TestBundles.lrWithOutputs(TestBundles.STAY_OUTPUTS, "stay", tmp.resolve("stay"));
    Dataset<Row> events = SparkScoreJobTest.goldenRowsAsDataFrame(spark, fx, tmp);
    Map<String, GoldenFixture.Expected> expected = new HashMap<>();
    fx.expected().values().forEach(e -> expected.put(e.key(), e));

    // The "stay" bundle first: its scorer, cached in this JVM, must not lend its fields to the golden one.
    Dataset<Row> stayed = Lockstep.score(spark, events, stay.toString()).predictions();
    assertThat(stayed.columns()).contains("stay").doesNotContain("score", "label");
    List<Row> stayRows = stayed.collectAsList();
    assertThat(stayRows).hasSize(expected.size());
    for (Row r : stayRows) {
      double p1 = expected.get(r.getString(0)).prediction("score");
      assertThat(((Number) r.getAs("stay")).doubleValue()).as(r.getString(0)).isCloseTo(1 - p1, within(1e-5));
      assertThat(r.<String>getAs("model")).isEqualTo("golden-lr@stay");
    }

    Dataset<Row> churned = Lockstep.score(spark, events, churn.toString()).predictions();
    assertThat(churned.columns()).contains("score", "label").doesNotContain("stay");
    for (Row r : churned.collectAsList()) {
      assertThat(((Number) r.getAs("score")).doubleValue()).isCloseTo(expected.get(r.getString(0)).prediction("score"), within(1e-5));
    }
  }

  @Test
  void aZipBundleScoredAgainAndAgainIsExtractedOncePerJvm() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("NOTES"), "makes this zip's bytes unique to this test\n");
    Path zip = TestBundles.zip(dir, tmp.resolve("lr.zip"));
    Dataset<Row> events = SparkScoreJobTest.goldenRowsAsDataFrame(spark, fx, tmp);
    int before = TestBundles.tempFoldersOfThisJvm().size();
    for (int i = 0; i < 2; i++) {
      assertThat(Lockstep.score(spark, events, zip.toString()).predictions().count()).isEqualTo(fx.expected().size());
    }
    assertThat(TestBundles.tempFoldersOfThisJvm()).hasSizeLessThanOrEqualTo(before + 1);
  }

  @Test
  void aBundleLinkingOutOfItselfIsRefusedOnTheDriverWithoutShowingTheFile() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("linked"));
    Path secret = Files.writeString(tmp.resolve("secret.yaml"), "token: secret-token-0042\n");
    Files.delete(dir.resolve("features.yaml"));
    Files.createSymbolicLink(dir.resolve("features.yaml"), secret);
    assertThatThrownBy(() -> Lockstep.score(spark, spark.emptyDataFrame(), dir.toString()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("features.yaml: is a symbolic link to")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-token"));
  }
}
