package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.ExitCode;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.OutputGuard;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Items 3 and 4 of issue 11: no output may resolve to an input (symlinks, hard links, symlinked
 * directories, the dead-letter file, the schema), and a run that fails leaves no partial output
 * under the final names (docs/spec.md, Outputs).
 */
class OutputSafetyTest {
  @TempDir
  Path tmp;

  private final GoldenFixture fx = GoldenFixture.of("lr");

  private Path input() throws IOException {
    Path in = tmp.resolve("in.csv");
    if (!Files.exists(in)) {
      Files.copy(fx.inputCsv(), in);
    }
    return in;
  }

  private CliRun score(Path input, Path output) {
    return CliRun.of("score", "--bundle", fx.bundle().toString(), "--input", input.toString(), "--output", output.toString());
  }

  private void assertRefusedAndInputIntact(Path input, Path output) throws IOException {
    byte[] before = Files.readAllBytes(input);
    CliRun run = score(input, output);
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCode.FAILED.code());
    assertThat(run.err().strip()).contains("would destroy the input").doesNotContain("\n");
    assertThat(Files.readAllBytes(input)).isEqualTo(before);
  }

  @Test
  void anOutputThatIsASymlinkToTheInputIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), input());
    assertRefusedAndInputIntact(input(), link);
  }

  @Test
  void anOutputThatIsAHardLinkToTheInputIsRefused() throws IOException {
    Path hard = Files.createLink(tmp.resolve("hard.csv"), input());
    assertRefusedAndInputIntact(input(), hard);
  }

  @Test
  void anOutputReachedThroughASymlinkedDirectoryIsRefused() throws IOException {
    Path dirLink = Files.createSymbolicLink(tmp.resolve("same-dir"), tmp);
    assertRefusedAndInputIntact(input(), dirLink.resolve("in.csv"));
  }

  @Test
  void anInputThatIsTheDeadLetterFileOfTheOutputIsRefused() throws IOException {
    Path deadAsInput = tmp.resolve("x.jsonl.deadletter.jsonl");
    Files.writeString(deadAsInput, "{\"customer_id\":\"C1\"}\n");
    assertRefusedAndInputIntact(deadAsInput, tmp.resolve("x.jsonl"));
  }

  @Test
  void anInputThatIsTheSchemaFileOfTheOutputIsRefused() throws IOException {
    Path schemaAsInput = tmp.resolve("x.csv.schema.avsc");
    Files.writeString(schemaAsInput, "{}");
    assertThat(score(schemaAsInput, tmp.resolve("x.csv")).code()).isEqualTo(ExitCode.FAILED.code());
    assertThat(Files.readString(schemaAsInput)).isEqualTo("{}");
  }

  @Test
  void aMissingOutputUnderASymlinkedParentIsComparedByItsRealPath() throws IOException {
    Path realDir = Files.createDirectories(tmp.resolve("real"));
    Path in = Files.copy(fx.inputCsv(), realDir.resolve("data.csv"));
    Path linkDir = Files.createSymbolicLink(tmp.resolve("alias"), realDir);
    // The output's own name does not exist yet, but through the symlinked parent its dead-letter file is the input.
    Path deadTwin = realDir.resolve("p.csv.deadletter.jsonl");
    Files.move(in, deadTwin);
    assertThatThrownByGuard(List.of(deadTwin), List.of(linkDir.resolve("p.csv.deadletter.jsonl")));
    assertThatThrownByGuard(List.of(tmp), List.of(tmp.resolve("sub/out.csv")));
    assertThatThrownByGuard(List.of(realDir.resolve("p.csv.deadletter.jsonl")), List.of(tmp));
  }

  private static void assertThatThrownByGuard(List<Path> inputs, List<Path> outputs) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OutputGuard.refuseOverlaps(inputs, outputs))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoOutputsInOneDirectoryKeepTheirOwnSchema() throws IOException {
    assertThat(score(input(), tmp.resolve("a.csv")).code()).isZero();
    assertThat(CliRun.of("score", "--bundle", GoldenFixture.of("trees").bundle().toString(), "--input",
        GoldenFixture.of("trees").inputCsv().toString(), "--output", tmp.resolve("b.csv").toString()).code()).isZero();
    assertThat(Files.readString(tmp.resolve("a.csv.schema.avsc"))).isNotEqualTo(Files.readString(tmp.resolve("b.csv.schema.avsc")));
    assertThat(tmp.resolve("_schema.avsc")).doesNotExist();
  }

  @Test
  void aFailedRunLeavesThePreviousOutputsAndNoTemporaryFiles() throws IOException {
    Path out = tmp.resolve("p.csv");
    assertThat(score(input(), out).code()).isZero();
    byte[] predictions = Files.readAllBytes(out);
    byte[] dead = Files.readAllBytes(tmp.resolve("p.csv.deadletter.jsonl"));
    // A second run that fails after its outputs were opened: a Parquet file's schema is only known at its
    // first record, and this one lacks required fields.
    Path bad = tmp.resolve("bad.parquet");
    Schema narrow = SchemaBuilder.record("R").fields().requiredString("customer_id").endRecord();
    try (RecordWriter w = RecordWriters.open(bad, FileFormat.PARQUET, narrow)) {
      GenericData.Record r = new GenericData.Record(narrow);
      r.put(0, "C1");
      w.write(r);
    }
    CliRun run = score(bad, out);
    assertThat(run.code()).isEqualTo(ExitCode.FAILED.code());
    assertThat(run.err()).contains("lacks required field");
    assertThat(Files.readAllBytes(out)).isEqualTo(predictions);
    assertThat(Files.readAllBytes(tmp.resolve("p.csv.deadletter.jsonl"))).isEqualTo(dead);
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".lockstep-tmp"));
    }
  }
}
