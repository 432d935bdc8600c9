package io.lockstep.batch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.batch.cli.LockstepCli;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Level 1: dead letters always fit (the original is capped and marked) and the dead-letter budget stops a bad run. */
class SingleNodeDeadLetterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream oldErr;
  private PrintStream oldOut;

  @BeforeEach
  void capture() {
    oldErr = System.err;
    oldOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(oldErr);
    System.setOut(oldOut);
  }

  private int score(Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("score", "--bundle", GoldenFixture.of("lr").bundle().toString(),
        "--input", input.toString(), "--output", output.toString()));
    args.addAll(List.of(extra));
    return LockstepCli.execute(args.toArray(String[]::new));
  }

  @Test
  void hugeRowsAreDeadLetteredOnceTruncatedToTheCapWithTheirSizeAndTheRunGoesOn() throws Exception {
    int[] sizes = {900_000, 70_000, 5_000};
    List<String> lines = new ArrayList<>();
    lines.add(HostileInputs.header());
    List<String> good = HostileInputs.goodLines(6);
    for (int i = 0; i < sizes.length; i++) {
      lines.add(good.get(2 * i));
      lines.add(HostileInputs.hugeUndecodableRow(sizes[i]));
      lines.add(good.get(2 * i + 1));
    }
    Path in = Files.write(tmp.resolve("in.csv"), lines);
    Path output = tmp.resolve("out.csv");

    assertThat(score(in, output, "--dead-letter-max-original", "10000")).isZero();

    assertThat(Files.readAllLines(output)).hasSize(1 + good.size());
    List<String> dead = Files.readAllLines(DeadLetterWriter.pathFor(output));
    assertThat(dead).hasSize(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      JsonNode d = JSON.readTree(dead.get(i));
      String row = HostileInputs.hugeUndecodableRow(sizes[i]);
      assertThat(d.get("reason").asText()).isEqualTo("decode:tenure_months");
      assertThat(d.get("source").asText()).isEqualTo("in.csv:" + (3 + 3 * i));
      assertThat(d.get("key").asText()).isEqualTo("C999999");
      if (row.length() > 10_000) {
        assertThat(d.get("original").asText()).isEqualTo(row.substring(0, 10_000));
        assertThat(d.get("original_truncated").asBoolean()).isTrue();
        assertThat(d.get("original_bytes").asLong()).isEqualTo(row.getBytes(StandardCharsets.UTF_8).length);
      } else {
        assertThat(d.get("original").asText()).isEqualTo(row);
        assertThat(d.has("original_truncated")).isFalse();
      }
    }
  }

  @Test
  void defaultCapIs64KiB() throws Exception {
    String row = HostileInputs.hugeUndecodableRow(900_000);
    Path in = Files.write(tmp.resolve("in.csv"), List.of(HostileInputs.header(), row));
    Path output = tmp.resolve("out.jsonl");
    assertThat(score(in, output)).isZero();
    JsonNode d = JSON.readTree(Files.readAllLines(DeadLetterWriter.pathFor(output)).get(0));
    assertThat(d.get("original").asText()).hasSize(64 * 1024);
    assertThat(d.get("original_bytes").asLong()).isEqualTo(row.length());
  }

  @Test
  void exceedingTheDeadLetterBudgetStopsWithExitCode4AndOneLine() throws Exception {
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 20);      // 40% bad, spread out
    int code = score(in, tmp.resolve("out.csv"), "--max-dead-fraction", "0.25", "--min-records", "20");
    assertThat(code).isEqualTo(4);
    String line = err.toString(StandardCharsets.UTF_8).strip();
    assertThat(line.lines().filter(l -> l.startsWith("lockstep score: stopped:")).toList()).singleElement().asString()
        .contains("dead-letter budget exceeded").contains("--max-dead-fraction 0.25").contains("decode:tenure_months");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("lockstep score: read");
  }

  @Test
  void aRunWithinItsBudgetFinishes() throws Exception {
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 5);
    assertThat(score(in, tmp.resolve("out.csv"), "--max-dead-fraction", "0.25", "--min-records", "20")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("read 35, scored 30, dead 5 (decode 5)");
  }

  @Test
  void aModelThatCannotRunStopsTheRunWithOneLineInsteadOfADeadLetterPerRecord() throws Exception {
    Path bundle = io.lockstep.golden.ModelCannotRunBundle.write(tmp.resolve("broken"));
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 30, 0);
    Path output = tmp.resolve("out.csv");
    int code = LockstepCli.execute("score", "--bundle", bundle.toString(), "--input", in.toString(), "--output", output.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip().lines().filter(l -> l.startsWith("lockstep: ")).toList())
        .singleElement().asString().startsWith("lockstep: the model cannot run:").contains("Reshape");
    assertThat(DeadLetterWriter.pathFor(output)).doesNotExist();
  }

  @Test
  void badPolicyFlagsAreRefusedWithOneLine() throws Exception {
    Path in = HostileInputs.mixed(tmp.resolve("in.csv"), 3, 0);
    assertThat(score(in, tmp.resolve("out.csv"), "--max-dead-fraction", "2")).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).contains("--max-dead-fraction must be between 0 and 1").doesNotContain("\n");
  }
}
