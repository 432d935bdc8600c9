package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.ExitCode;
import io.lockstep.golden.GoldenFixture;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI ({@code lockstep-jobs-batch.jar} plus {@code cli-lib/}, as {@code bin/lockstep}
 * runs it) in a child JVM: a run killed with SIGKILL mid-way leaves the previous outputs, or none,
 * under the final names (issue 11 item 4), and damaged Avro inputs are reported in one line with
 * the runtime dependencies the packaged jar needs (item 5).
 */
class PackagedCliIT {
  private static final String HEADER = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,"
      + "discount_pct,country,age,paperless_billing\n";

  @TempDir
  Path tmp;

  /** The large input, generated once for the class. */
  @TempDir
  static Path shared;

  private static Path big;

  private final GoldenFixture fx = GoldenFixture.of("lr");

  private ProcessBuilder cli(String... args) {
    Path jar = Path.of(System.getProperty("lockstep.jar"));
    String classpath = jar + java.io.File.pathSeparator + jar.resolveSibling("cli-lib") + "/*";
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", classpath, "io.lockstep.batch.cli.LockstepCli"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
  }

  private int runToEnd(String... args) throws IOException, InterruptedException {
    Process p = cli(args).start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("lockstep %s finished", args[0]).isTrue();
    return p.exitValue();
  }

  private String score(Path input, Path output) throws IOException, InterruptedException {
    int code = runToEnd("score", "--bundle", fx.bundle().toString(), "--input", input.toString(), "--output", output.toString());
    return code + " " + Files.readString(tmp.resolve("err.txt"));
  }

  /** One large input for the killed runs: a million rows, seconds of scoring. */
  private static synchronized Path bigInput() throws IOException {
    if (big == null) {
      big = csv(shared.resolve("big.csv"), 1_000_000, 2);
    }
    return big;
  }

  private Path bigCsv(int rows, long seed) throws IOException {
    return csv(tmp.resolve("in-" + seed + ".csv"), rows, seed);
  }

  /** A CSV of {@code rows} random rows (every 50th without days_since_login, so dead letters are written too). */
  private static Path csv(Path p, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      for (int i = 0; i < rows; i++) {
        w.write(String.format(Locale.ROOT, "C%d,%d,%.2f,%.2f,%d,%s,0.%d,FR,%d,%s%n", i, r.nextInt(70), 20 + r.nextDouble() * 80,
            r.nextDouble() * 5000, r.nextInt(6), i % 50 == 0 ? "" : String.format(Locale.ROOT, "%.1f", r.nextDouble() * 30),
            r.nextInt(10), 18 + r.nextInt(60), r.nextBoolean()));
      }
    }
    return p;
  }

  private List<Path> finalOutputs(Path out) {
    return List.of(out, out.resolveSibling(out.getFileName() + ".deadletter.jsonl"),
        out.resolveSibling(out.getFileName() + ".schema.avsc"));
  }

  /** Starts a run on a large input and kills it with SIGKILL once its temporary output has grown. */
  private void killMidRun(Path input, Path output) throws IOException, InterruptedException {
    Process p = cli("score", "--bundle", fx.bundle().toString(), "--input", input.toString(), "--output", output.toString()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive() && tempBytes(output.getParent()) < 2_000_000) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("the run is still going when killed: grow the input").isTrue();
    assertThat(tempBytes(output.getParent())).as("temporary output written before the kill").isGreaterThan(0);
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
  }

  private static long tempBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".lockstep-tmp")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void aRunKilledWithSigkillLeavesThePreviousCompleteOutputs() throws Exception {
    Path out = tmp.resolve("out/predictions.csv");
    Path small = bigCsv(500, 1);
    assertThat(score(small, out)).startsWith("0 ");
    List<byte[]> before = new ArrayList<>();
    for (Path p : finalOutputs(out)) {
      before.add(Files.readAllBytes(p));
    }

    killMidRun(bigInput(), out);

    for (int i = 0; i < before.size(); i++) {
      assertThat(Files.readAllBytes(finalOutputs(out).get(i))).as("%s unchanged", finalOutputs(out).get(i)).isEqualTo(before.get(i));
    }
    // The next run to this output deletes the killed run's temporary files and replaces the outputs.
    assertThat(score(small, out)).startsWith("0 ");
    assertThat(tempBytes(out.getParent())).isZero();
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".lockstep-tmp"));
    }
  }

  @Test
  void aRunKilledWithSigkillBeforeAnyOutputLeavesNothingUnderTheFinalNames() throws Exception {
    Path out = tmp.resolve("fresh/predictions.jsonl");
    killMidRun(bigInput(), out);
    for (Path p : finalOutputs(out)) {
      assertThat(p).doesNotExist();
    }
  }

  @Test
  void damagedAvroInputsAreReportedInOneLineByThePackagedJar() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.avro"));
    String run = score(empty, tmp.resolve("p.csv"));
    assertThat(run).startsWith(ExitCode.FAILED.code() + " lockstep: empty.avro: not a readable Avro container file")
        .doesNotContain("NoClassDefFoundError").doesNotContain("\tat ");
    assertThat(run.strip().lines().count()).isEqualTo(1);

    Path garbage = Files.write(tmp.resolve("garbage.avro"), "Obj\u0001 this is no Avro header".getBytes(StandardCharsets.UTF_8));
    assertThat(score(garbage, tmp.resolve("p.csv"))).startsWith(ExitCode.FAILED.code() + " lockstep: garbage.avro: not a readable");
  }
}
