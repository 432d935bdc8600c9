package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.ExitCode;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.testdata.RandomRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged inputs (docs/spec.md, Exit codes): the records read before the damage are scored, the
 * damage is reported in one line naming the file and where, and the run exits 3. Inputs are
 * generated per seed, so each case cuts other files at other places.
 */
class DamagedInputTest {
  @TempDir
  Path tmp;

  private final GoldenFixture fx = GoldenFixture.of("lr");
  private final Schema schema = BundleLoader.load(fx.bundle()).inputSchema();

  /** An Avro container of {@code n} random records in small blocks; returns each record's block end offset. */
  private long[] writeAvro(Path file, int n, long seed) throws IOException {
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      w.setSyncInterval(2048);
      w.create(schema, file.toFile());
      for (GenericData.Record r : new RandomRecords(schema, seed).next(n)) {
        w.append(r);
      }
    }
    long[] blockEnd = new long[n];
    try (DataFileReader<GenericRecord> r = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      List<Integer> pending = new ArrayList<>();
      int i = 0;
      while (r.hasNext()) {
        long before = r.previousSync();
        r.next();
        pending.add(i++);
        if (r.previousSync() != before) {
          // The block just finished: its records end where the next block starts.
          for (int j : pending) {
            blockEnd[j] = r.previousSync();
          }
          pending.clear();
        }
      }
    }
    return blockEnd;
  }

  private CliRun score(Path input, Path output) {
    return CliRun.of("score", "--bundle", fx.bundle().toString(), "--input", input.toString(), "--output", output.toString());
  }

  private static long lines(Path p) throws IOException {
    return Files.readAllLines(p).size();
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void truncatedAvroScoresTheCompleteBlocksAndExitsThree(long seed) throws IOException {
    Path full = tmp.resolve("full.avro");
    int n = 3000 + new Random(seed).nextInt(3000);
    long[] blockEnd = writeAvro(full, n, seed);
    byte[] bytes = Files.readAllBytes(full);
    int cut = (int) (bytes.length * (0.3 + new Random(seed + 1).nextDouble() * 0.6));
    Path cutFile = tmp.resolve("cut-" + seed + ".avro");
    Files.write(cutFile, Arrays.copyOf(bytes, cut));
    long expected = Arrays.stream(blockEnd).filter(e -> e <= cut).count();
    long lastEnd = Arrays.stream(blockEnd).filter(e -> e <= cut).max().orElseThrow();

    CliRun run = score(cutFile, tmp.resolve("p.csv"));

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.INPUT_DAMAGED.code());
    assertThat(run.out()).contains(String.format("read %,d,", expected));
    assertThat(lines(tmp.resolve("p.csv")) - 1 + lines(tmp.resolve("p.csv.deadletter.jsonl"))).isEqualTo(expected);
    assertThat(run.err().strip().lines().filter(l -> l.contains("damaged")).toList())
        .singleElement().asString().contains(cutFile.getFileName().toString()).contains(String.format("at byte %,d", lastEnd))
        .contains("ends inside a block");
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void corruptAvroBlockIsReportedAndTheFollowingBlocksAreRead(long seed) throws IOException {
    Path file = tmp.resolve("corrupt.avro");
    int n = 4000;
    long[] blockEnd = writeAvro(file, n, seed);
    long[] ends = Arrays.stream(blockEnd).distinct().sorted().toArray();
    Random random = new Random(seed);
    int victim = 2 + random.nextInt(ends.length - 4);
    long start = ends[victim - 1];
    long end = ends[victim];
    byte[] bytes = Files.readAllBytes(file);
    for (long i = start + 8; i < end - 20; i++) {
      bytes[(int) i] = (byte) random.nextInt(256);
    }
    Files.write(file, bytes);
    long inVictim = Arrays.stream(blockEnd).filter(e -> e == end).count();

    CliRun run = score(file, tmp.resolve("p.jsonl"));

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.INPUT_DAMAGED.code());
    assertThat(run.err()).contains("corrupt.avro: damaged at byte " + String.format("%,d", start)).contains("(block " + victim + ")")
        .doesNotContain("Exception\n").doesNotContain("\tat ");
    long written = lines(tmp.resolve("p.jsonl")) + lines(tmp.resolve("p.jsonl.deadletter.jsonl"));
    assertThat(written).isBetween((long) n - inVictim, (long) n);
  }

  @Test
  void emptyAndNonAvroFilesStopWithOneLineNamingTheFile() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.avro"));
    Path text = Files.writeString(tmp.resolve("text.avro"), "customer_id,age\nC1,3\n");
    for (Path in : List.of(empty, text)) {
      CliRun run = score(in, tmp.resolve("p.csv"));
      assertThat(run.code()).isEqualTo(ExitCode.FAILED.code());
      assertThat(run.err().strip()).startsWith("lockstep: " + in.getFileName() + ": not a readable Avro container file")
          .doesNotContain("\n");
      assertThat(tmp.resolve("p.csv")).doesNotExist();
    }
  }

  @Test
  void truncatedOrForeignParquetNamesThePathAndWritesNothing() throws IOException {
    Path full = tmp.resolve("full.parquet");
    try (RecordWriter w = RecordWriters.open(full, FileFormat.PARQUET, schema)) {
      for (GenericData.Record r : new RandomRecords(schema, 5).next(2000)) {
        w.write(r);
      }
    }
    byte[] bytes = Files.readAllBytes(full);
    Path cut = Files.write(tmp.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length * 2 / 3));
    Path empty = Files.createFile(tmp.resolve("empty.parquet"));
    Path text = Files.writeString(tmp.resolve("text.parquet"), "not parquet at all, but long enough to have a footer\n");
    for (Path in : List.of(cut, empty, text)) {
      CliRun run = score(in, tmp.resolve("p.csv"));
      assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.FAILED.code());
      assertThat(run.err().strip()).contains(in.getFileName() + ": not a readable Parquet file").doesNotContain("LocalInputFile@")
          .doesNotContain("\n");
      assertThat(tmp.resolve("p.csv")).doesNotExist();
    }
  }

  @Test
  void jsonLinesCutMidRecordDeadLettersTheCutLineAndExitsThree() throws IOException {
    Path full = tmp.resolve("full.jsonl");
    try (RecordWriter w = RecordWriters.open(full, FileFormat.JSONL, schema)) {
      for (GenericData.Record r : new RandomRecords(schema, 7).next(300)) {
        w.write(r);
      }
    }
    byte[] bytes = Files.readAllBytes(full);
    int lastLineStart = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1).lastIndexOf('\n') + 1;
    Path cut = Files.write(tmp.resolve("cut.jsonl"), Arrays.copyOf(bytes, lastLineStart + 17));

    CliRun run = score(cut, tmp.resolve("p.csv"));

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.INPUT_DAMAGED.code());
    assertThat(run.out()).contains("read 300,");
    assertThat(run.err()).contains("cut.jsonl: damaged at byte " + String.format("%,d", lastLineStart));
    assertThat(Files.readAllLines(tmp.resolve("p.csv.deadletter.jsonl"))).filteredOn(l -> l.contains("\"source\":\"cut.jsonl:300\""))
        .singleElement().asString().contains("decode:record");
  }

  @Test
  void csvCutInsideAQuotedFieldDeadLettersTheCutRowAndExitsThree() throws IOException {
    String header = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,discount_pct,country,age,"
        + "paperless_billing\n";
    String good = "C1,3,10.5,,1,2.0,0.1,FR,40,true\n";
    Path cut = Files.writeString(tmp.resolve("cut.csv"), header + good + good + "C3,3,10.5,,1,2.0,0.1,\"F");

    CliRun run = score(cut, tmp.resolve("p.csv"));

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.INPUT_DAMAGED.code());
    assertThat(run.out()).contains("read 3, scored 2, dead 1");
    assertThat(run.err()).contains("cut.csv: damaged").contains("line 4");
  }

  @Test
  void anIntactFileExitsZero() throws IOException {
    Path file = tmp.resolve("ok.avro");
    writeAvro(file, 500, 3);
    CliRun run = score(file, tmp.resolve("p.csv"));
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("damaged");
  }

}
