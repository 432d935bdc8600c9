package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockstep.batch.local.HostileInputs;
import io.lockstep.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Level 2 (Spark local): no output directory may destroy or re-read the input (docs/spec.md,
 * Outputs). Spark's overwrite deletes the output directory first, so each case is refused before
 * anything is written, and the input is left byte for byte.
 */
class SparkOutputSafetyTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkOutputSafetyTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private Throwable run(Path in, Path out) {
    return catchThrowable(() -> SparkScoreJob.run(spark, SparkScoreOptions.parse(new String[] {
        "--bundle", GoldenFixture.of("lr").bundle().toString(), "--input", in.toString(), "--output", out.toString(), "--input-format", "csv", "--output-format", "csv"})));
  }

  @Test
  void anOutputThatIsTheInputDirectoryThroughASymlinkIsRefusedAndTheInputKept() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("events"));
    Path csv = HostileInputs.mixed(dir.resolve("part.csv"), 10, 0);
    byte[] before = Files.readAllBytes(csv);
    Path link = Files.createSymbolicLink(tmp.resolve("scored"), dir);

    Throwable t = run(dir, link);

    assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the input");
    assertThat(Files.readAllBytes(csv)).isEqualTo(before);
  }

  @Test
  void anOutputInsideTheInputDirectoryIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("events"));
    HostileInputs.mixed(dir.resolve("part.csv"), 10, 0);

    Throwable t = run(dir, dir.resolve("scored"));

    assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the input directory");
    assertThat(Files.exists(dir.resolve("scored"))).isFalse();
  }

  @Test
  void anInputInsideTheOutputOrItsDeadLetterDirectoryIsRefused() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("scored"));
    Path csv = HostileInputs.mixed(out.resolve("events.csv"), 10, 0);
    assertThat(run(csv, out)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is inside the output");

    Path dead = Files.createDirectories(tmp.resolve("other_deadletter"));
    Path csv2 = HostileInputs.mixed(dead.resolve("events.csv"), 10, 0);
    assertThat(run(csv2, tmp.resolve("other"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is inside the output");
    assertThat(Files.exists(csv)).isTrue();
    assertThat(Files.exists(csv2)).isTrue();
  }
}
