package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract: exit 0 when a run finished (even with dead letters), else non-zero with a one-line cause. */
class LockstepCliTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void scoreFinishesWithDeadLettersAndPrintsTheSummary() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path output = tmp.resolve("p.csv");
    int code = LockstepCli.execute("score", "--bundle", fx.bundle().toString(), "--input", fx.inputCsv().toString(),
        "--output", output.toString(), "--keep", "country,customer_id");
    assertThat(code).isZero();
    int good = fx.expected().size();
    int bad = fx.expectedDeadLetters().size();
    assertThat(stdout()).contains(String.format("read %,d, scored %,d, dead %,d", good + bad, good, bad));
    List<String> lines = Files.readAllLines(output);
    assertThat(lines.get(0)).isEqualTo("customer_id,country,score,label,model");
    assertThat(lines).hasSize(good + 1);
    assertThat(Files.readAllLines(tmp.resolve("p.csv.deadletter.jsonl"))).hasSize(bad);
  }

  @Test
  void badFlagsExitNonZeroWithOneLine() {
    int code = LockstepCli.execute("score", "--bundle", "x");
    assertThat(code).isNotZero();
    assertThat(stderr().strip().lines().count()).isEqualTo(1);
    assertThat(stderr()).startsWith("lockstep: ").contains("--input");
  }

  @Test
  void unreadableBundleExitsNonZeroNamingIt() {
    int code = LockstepCli.execute("score", "--bundle", tmp.resolve("nope").toString(), "--input", "a.csv", "--output", "b.csv");
    assertThat(code).isNotZero();
    assertThat(stderr().strip()).startsWith("lockstep: ").contains("nope").doesNotContain("\n");
  }

  @Test
  void headerLackingARequiredFieldExitsNonZero() throws IOException {
    Path in = tmp.resolve("in.csv");
    Files.writeString(in, "customer_id,monthly_charges\nC1,10.0\n");
    int code = LockstepCli.execute("score", "--bundle", GoldenFixture.of("lr").bundle().toString(), "--input", in.toString(),
        "--output", tmp.resolve("o.csv").toString());
    assertThat(code).isNotZero();
    assertThat(stderr().strip()).contains("header lacks required field").contains("tenure_months").doesNotContain("\n");
  }

  @Test
  void tamperedBundleIsRefusedNamingTheFile() throws IOException {
    Path dir = tmp.resolve("b");
    Files.createDirectories(dir);
    try (Stream<Path> s = Files.list(GoldenFixture.of("trees").bundle())) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    byte[] model = Files.readAllBytes(dir.resolve("model.onnx"));
    model[model.length - 10] ^= 0x40;
    Files.write(dir.resolve("model.onnx"), model);
    int code = LockstepCli.execute("inspect", "--bundle", dir.toString());
    assertThat(code).isNotZero();
    assertThat(stderr()).contains("model.onnx").contains("sha256 mismatch");
  }

  @Test
  void bundleWritesAVerifiedBundleThatInspectReads() {
    Path src = GoldenFixture.of("mlp").bundle();
    Path out = tmp.resolve("mlp2");
    int code = LockstepCli.execute("bundle", "--spec", src.resolve("features.yaml").toString(), "--schema",
        src.resolve("input.avsc").toString(), "--model", src.resolve("model.onnx").toString(), "--name", "mlp", "--version", "7",
        "--out", out.toString());
    assertThat(code).isZero();
    assertThat(LockstepCli.execute("inspect", "--bundle", out.toString())).isZero();
    assertThat(stdout()).contains("mlp@7").contains("fixed batch 8");
  }
}
