package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.TestBundles;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep score} with a {@code .zip} bundle, in its own JVM: the run's temporary folder is gone after it. */
class ScoreZipBundleTest {
  @TempDir
  Path tmp;

  @Test
  void scoringWithAZipLeavesNoTemporaryFolderBehind() throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path zip = TestBundles.zip(TestBundles.copyOfGolden("lr", tmp.resolve("lr")), tmp.resolve("lr.zip"));
    Path tmpdir = Files.createDirectory(tmp.resolve("tmpdir"));
    Path out = tmp.resolve("scored.csv");
    for (int run = 0; run < 2; run++) {
      Files.deleteIfExists(out);
      Files.deleteIfExists(tmp.resolve("scored.csv.deadletter.jsonl"));
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmpdir,
          LockstepCli.class.getName(), "score", "--bundle", zip.toString(), "--input", fx.inputCsv().toString(),
          "--output", out.toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile()).start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(tmp.resolve("run.log"))).isZero();
      assertThat(Files.readAllLines(out)).hasSize(fx.expected().size() + 1);
      assertThat(TestBundles.allTempFolders(tmpdir)).as("run %d", run).isEmpty();
    }
  }

  @Test
  void aZipBombIsRefusedWithOneLineNamingTheZipAndTheEntry() throws IOException {
    Path bomb = tmp.resolve("bomb.zip");
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new java.util.zip.ZipEntry("model.onnx"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = LockstepCli.execute("score", "--bundle", bomb.toString(), "--input", GoldenFixture.of("lr").inputCsv().toString(),
          "--output", tmp.resolve("x.csv").toString());
    } finally {
      System.setErr(old);
    }
    assertThat(code).isNotZero();
    String message = err.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(message.lines().count()).as(message).isEqualTo(1);
    assertThat(message).contains(bomb + ": entry 'model.onnx' inflates more than");
    assertThat(tmp.resolve("x.csv")).doesNotExist();
  }
}
