package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.io.InputDamage;
import io.lockstep.testdata.RandomRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged inputs on Spark (docs/spec.md, Exit codes) are reported as on a single node: the same
 * damage lines (file, byte offset, block), the records before the damage (and after it, where the
 * format resumes) kept, the same counts; whether the file is read in one task or split into many.
 * {@code BatchScoreJob} turns a non-empty damage list into exit code 3, as {@code lockstep score}.
 */
class SparkDamagedInputTest {
  static SparkSession spark;
  static final GoldenFixture LR = GoldenFixture.of("lr");

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkDamagedInputTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private Path avro(int n, long seed) throws IOException {
    Schema schema = BundleLoader.load(LR.bundle()).inputSchema();
    Path file = tmp.resolve("events-" + seed + ".avro");
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      w.setSyncInterval(2048);
      w.create(schema, file.toFile());
      for (GenericData.Record r : new RandomRecords(schema, seed).next(n)) {
        w.append(r);
      }
    }
    return file;
  }

  @ParameterizedTest(name = "seed {0}, ranges of {1} bytes")
  @CsvSource({"11, 8192", "12, 134217728", "13, 4096"})
  void truncatedAvroIsReportedAsOnASingleNode(long seed, long split) throws IOException {
    Path full = avro(4000, seed);
    byte[] bytes = Files.readAllBytes(full);
    int cut = (int) (bytes.length * (0.3 + new Random(seed).nextDouble() * 0.6));
    Path in = tmp.resolve("cut-" + seed + ".avro");
    Files.write(in, Arrays.copyOf(bytes, cut));
    assertSameAsSingleNode(in, split, "ends inside a block");
  }

  @ParameterizedTest(name = "seed {0}, ranges of {1} bytes")
  @CsvSource({"21, 8192", "22, 134217728"})
  void corruptAvroBlockIsReportedAsOnASingleNode(long seed, long split) throws IOException {
    Path in = avro(4000, seed);
    byte[] bytes = Files.readAllBytes(in);
    Random random = new Random(seed);
    int at = bytes.length / 3 + random.nextInt(bytes.length / 3);
    for (int i = at; i < at + 600; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    Files.write(in, bytes);
    assertSameAsSingleNode(in, split, "corrupt block");
  }

  @ParameterizedTest(name = "ranges of {0} bytes")
  @CsvSource({"2048", "134217728"})
  void csvCutMidRecordIsReportedAsOnASingleNode(long split) throws IOException {
    List<String> lines = Files.readAllLines(LR.inputCsv(), StandardCharsets.UTF_8).subList(0, 150);
    String text = String.join("\n", lines);
    Path in = tmp.resolve("cut.csv");
    Files.writeString(in, text.substring(0, text.length() - 12), StandardCharsets.UTF_8);
    assertSameAsSingleNode(in, split, "ends inside a record");
  }

  private void assertSameAsSingleNode(Path in, long split, String what) throws IOException {
    RunSummary l1 = new SingleNodeRunner(ScoreOptions.of(LR.bundle(), in, tmp.resolve("single.jsonl"), List.of(), 64, 1), null).run();
    spark.conf().set("spark.sql.files.maxPartitionBytes", split);
    SparkScoreJob.Result l2 = SparkScoreJob.run(spark, new SparkScoreOptions(LR.bundle().toString(), in.toString(),
        tmp.resolve("spark-" + split + ".jsonl").toString(), List.of(), 64, FileFormat.of(in.toString()), FileFormat.JSONL, 0, false,
        DeadLetterPolicy.DEFAULTS, null, false));
    if (split < Files.size(in) / 3) {
      assertThat(l2.readTasks()).as("read in several tasks").isGreaterThan(2);
    }
    assertThat(l1.damage()).as("single node finds the damage").isNotEmpty();
    assertThat(l1.damage().get(0).detail()).contains(what);
    assertThat(l2.damage().stream().map(InputDamage::line).toList()).isEqualTo(l1.damage().stream().map(InputDamage::line).toList());
    assertThat(l2.counts().read()).isEqualTo(l1.read());
    assertThat(l2.counts().scored()).isEqualTo(l1.scored());
    assertThat(l2.counts().dead()).isEqualTo(l1.dead());
  }
}
