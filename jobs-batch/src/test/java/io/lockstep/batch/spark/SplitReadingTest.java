package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split reading against records planted where splits meet: bad rows on the lines that hold the
 * bytes just before, at and just after every range boundary, and one line that starts exactly on a
 * boundary. The test knows their lines (it wrote them); the Spark job split into many tasks must
 * dead-letter exactly those lines, with the same reasons and counts as the single-node runner. And
 * the CSV quoting rule: quoted fields holding line breaks across a boundary are read as level 1
 * reads them, whole.
 */
class SplitReadingTest {
  static final long SPLIT = 2048;
  static final String HEADER = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,"
      + "discount_pct,country,age,paperless_billing";
  static SparkSession spark;
  static final GoldenFixture LR = GoldenFixture.of("lr");

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SplitReadingTest");
    spark.conf().set("spark.sql.files.maxPartitionBytes", SPLIT);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static String good(int i) {
    return "C" + (100000 + i) + "," + (i % 70) + ",77.01,1928.98,0,7.0,50,US,33,False";
  }

  /** Lines of a file whose bad rows sit on every range boundary; {@code planted} gets their line numbers. */
  private static List<String> plantedAtBoundaries(int rows, TreeSet<Integer> planted, boolean jsonl) {
    List<String> lines = new ArrayList<>();
    long offset = 0;
    if (!jsonl) {
      lines.add(HEADER);
      offset = HEADER.length() + 1;
    }
    boolean alignedOne = false;
    for (int i = 0; i < rows; i++) {
      int lineNo = lines.size() + 1;
      String line = good(i);
      long next = (offset / SPLIT + 1) * SPLIT;   // the next boundary after this line's start
      // Pad one line's key so that the line after it starts exactly on a boundary.
      if (!alignedOne && offset > SPLIT && next - offset - line.length() - 1 > 0 && next - offset - line.length() - 1 < 20) {
        line = line.replaceFirst(",", "0".repeat((int) (next - offset - line.length() - 1)) + ",");
        alignedOne = true;
      }
      String text = jsonl ? json(line) : line;
      long end = offset + text.length() + 1;
      boolean nearBoundary = false;
      for (long b = SPLIT; b <= end + SPLIT; b += SPLIT) {
        nearBoundary |= (b - 1 >= offset && b - 1 < end) || (b >= offset && b < end) || (b + 1 >= offset && b + 1 < end)
            || offset == b;
      }
      if (nearBoundary && offset > 0) {
        // tenure_months as letters of the same width: the same offsets, a decode failure.
        String[] c = line.split(",", -1);
        c[1] = "x".repeat(c[1].length());
        text = jsonl ? json(String.join(",", c)) : String.join(",", c);
        planted.add(lineNo);
      }
      lines.add(text);
      offset += text.length() + 1;
    }
    assertThat(alignedOne).as("one line starts on a boundary").isTrue();
    return lines;
  }

  /** A CSV line as a JSON object of the lr schema (tenure as text when it is not a number, a decode failure). */
  private static String json(String csv) {
    String[] c = csv.split(",");
    String tenure = c[1].matches("[0-9]+") ? c[1] : "\"" + c[1] + "\"";
    return "{\"customer_id\":\"" + c[0] + "\",\"tenure_months\":" + tenure + ",\"monthly_charges\":" + c[2]
        + ",\"total_charges\":" + c[3] + ",\"support_calls\":" + c[4] + ",\"days_since_login\":" + c[5]
        + ",\"discount_pct\":" + c[6] + ",\"country\":\"" + c[7] + "\",\"age\":" + c[8] + ",\"paperless_billing\":"
        + c[9].toLowerCase() + "}";
  }

  @Test
  void csvBadRowsAtSplitBoundariesAreTheSameLinesAsOnASingleNode() throws IOException {
    TreeSet<Integer> planted = new TreeSet<>();
    Path in = tmp.resolve("events.csv");
    Files.write(in, plantedAtBoundaries(1200, planted, false));
    Run r = runBoth(in, false);
    assertThat(r.spark.readTasks()).as("tasks").isGreaterThanOrEqualTo((int) (Files.size(in) / SPLIT));
    assertThat(r.sparkDead.keySet()).as("dead-lettered lines").isEqualTo(planted);
    assertThat(r.sparkDead.values()).allMatch(reason -> reason.equals("decode:tenure_months"));
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.spark.counts().read()).isEqualTo(r.single.read()).isEqualTo(1200);
  }

  @Test
  void jsonLinesBadRowsAtSplitBoundariesAreTheSameLinesAsOnASingleNode() throws IOException {
    TreeSet<Integer> planted = new TreeSet<>();
    Path in = tmp.resolve("events.jsonl");
    Files.write(in, plantedAtBoundaries(1000, planted, true));
    Run r = runBoth(in, false);
    assertThat(r.spark.readTasks()).isGreaterThanOrEqualTo((int) (Files.size(in) / SPLIT));
    assertThat(r.sparkDead.keySet()).isEqualTo(planted);
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.spark.counts().read()).isEqualTo(1000);
  }

  @Test
  void avroBadRecordsAtBlockAndSplitBoundariesAreTheSameRecordsAsOnASingleNode() throws IOException {
    // The file's own schema lets tenure be null; input.avsc requires it: a null is schema:tenure_months.
    Schema input = BundleLoader.load(LR.bundle()).inputSchema();
    Schema file = new Schema.Parser().parse(input.toString().replace(
        "{\"name\":\"tenure_months\",\"type\":\"int\"}", "{\"name\":\"tenure_months\",\"type\":[\"null\",\"int\"]}"));
    assertThat(file.getField("tenure_months").schema().isNullable()).isTrue();
    Path in = tmp.resolve("events.avro");
    TreeSet<Integer> planted = new TreeSet<>();
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(file))) {
      w.setCodec(CodecFactory.deflateCodec(1));
      w.setSyncInterval(700);
      w.create(file, in.toFile());
      for (int i = 1; i <= 3000; i++) {
        GenericData.Record r = new GenericData.Record(file);
        String[] c = good(i).split(",");
        r.put("customer_id", c[0]);
        boolean bad = i % 97 == 0 || i % 97 == 1 || i == 2999;
        r.put("tenure_months", bad ? null : i % 70);
        r.put("monthly_charges", 77.01);
        r.put("total_charges", 1928.98);
        r.put("support_calls", 0);
        r.put("days_since_login", 7.0);
        r.put("discount_pct", 50f);
        r.put("country", "US");
        r.put("age", 33);
        r.put("paperless_billing", false);
        w.append(r);
        if (bad) {
          planted.add(i);
        }
        if (i % 13 == 0) {
          w.sync();   // blocks of varying size, so block ends fall anywhere relative to range ends
        }
      }
    }
    Run r = runBoth(in, false);
    assertThat(r.spark.readTasks()).isGreaterThanOrEqualTo((int) (Files.size(in) / SPLIT) - 1).isGreaterThan(3);
    assertThat(r.sparkDead.keySet()).isEqualTo(planted);
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.spark.counts().read()).isEqualTo(3000);
  }

  /**
   * Well-formed RFC 4180 quoting across a boundary (and quoted line breaks elsewhere): the count of
   * quotes says so before anything is read, and the file is read in one task.
   */
  @Test
  void quotedLineBreaksAcrossABoundaryMakeTheFileReadWhole() throws IOException {
    Path in = tmp.resolve("multiline.csv");
    Files.writeString(in, withQuotedFieldAcross(2 * SPLIT, false), StandardCharsets.UTF_8);
    Run r = runBoth(in, false);
    assertThat(r.spark.attempts()).as("no wasted attempt").isEqualTo(1);
    assertThat(r.spark.readTasks()).isEqualTo(1);
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.spark.counts().read()).isEqualTo(r.single.read()).isEqualTo(400);
  }

  /**
   * A CSV file of 400 rows whose quoted field starts before {@code boundary} and breaks its line
   * after it. Without {@code stray}, earlier rows hold short quoted fields with line breaks too.
   * With it, a row in the range before the boundary has a stray quote (a malformed row), and a row
   * after the long field another one: the count of quotes is even at every range start, though
   * one of them is inside the quoted field.
   */
  private static String withQuotedFieldAcross(long boundary, boolean stray) {
    List<String> lines = new ArrayList<>(List.of(HEADER));
    long offset = HEADER.length() + 1;
    boolean strayDone = false;
    int spanAt = -1;
    for (int i = 0; i < 400; i++) {
      String line = good(i);
      if (stray && !strayDone && offset > boundary - SPLIT + 100) {
        line = line.replace(",US,", ",U\"S,");
        strayDone = true;
      } else if (!stray && i % 25 == 7 && offset < boundary - 400) {
        line = line.replace(",US,", ",\"U\nS, the \"\"long\"\"\nway\",");
      } else if (spanAt < 0 && offset > boundary - 200) {
        int before = (int) (boundary - offset) + 10;
        line = line.replace(",US,", ",\"" + "U".repeat(Math.max(1, before)) + "\nS\",");
        spanAt = i;
      } else if (stray && spanAt >= 0 && spanAt == i - 1) {
        line = line.replace(",US,", ",U\"S,");
      }
      lines.add(line);
      offset += line.length() + 1;
    }
    assertThat(spanAt).isPositive();
    return String.join("\n", lines) + "\n";
  }

  /**
   * A stray quote (a malformed row) makes the count of quotes even inside a quoted field that spans a
   * boundary: the range before that boundary ends inside the open field, and the job reads the file
   * again whole. The outputs are level 1's.
   */
  @Test
  void aRangeStartInsideAQuotedFieldIsCaughtAndTheFileIsReadAgainWhole() throws IOException {
    Path in = tmp.resolve("stray.csv");
    Files.writeString(in, withQuotedFieldAcross(3 * SPLIT, true), StandardCharsets.UTF_8);
    Run r = runBoth(in, false);
    assertThat(r.spark.attempts()).as("read split, then again whole").isEqualTo(2);
    assertThat(r.spark.readTasks()).isEqualTo(1);
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.sparkDead.values()).contains("decode:record");
    assertThat(r.spark.counts().read()).isEqualTo(r.single.read());
    assertThat(r.spark.counts().scored()).isEqualTo(r.single.scored());
    assertThat(LocalSpark.readJsonDir(Path.of(r.spark.output()))).hasSize((int) r.single.scored());
  }

  @Test
  void multilineCsvReadsEachFileInOneTask() throws IOException {
    TreeSet<Integer> planted = new TreeSet<>();
    Path in = tmp.resolve("events.csv");
    Files.write(in, plantedAtBoundaries(600, planted, false));
    Run r = runBoth(in, true);
    assertThat(r.spark.readTasks()).isEqualTo(1);
    assertThat(r.sparkDead).isEqualTo(r.singleDead);
    assertThat(r.sparkDead.keySet()).isEqualTo(planted);
  }

  private record Run(SparkScoreJob.Result spark, RunSummary single, Map<Integer, String> sparkDead, Map<Integer, String> singleDead) {}

  private Run runBoth(Path in, boolean multiline) throws IOException {
    Path single = tmp.resolve(in.getFileName() + "-single.jsonl");
    RunSummary l1 = new SingleNodeRunner(ScoreOptions.of(LR.bundle(), in, single, List.of(), 64, 1), null).run();
    Path out = tmp.resolve(in.getFileName() + "-spark.jsonl");
    SparkScoreJob.Result l2 = SparkScoreJob.run(spark, new SparkScoreOptions(LR.bundle().toString(), in.toString(), out.toString(),
        List.of(), 64, FileFormat.of(in.toString()), FileFormat.JSONL, 0, false, DeadLetterPolicy.DEFAULTS, null, multiline));
    Map<Integer, String> sparkDead = new TreeMap<>();
    for (JsonNode n : LocalSpark.readJsonDir(Path.of(l2.deadLetters()))) {
      assertThat(sparkDead.put(LocalSpark.line(n.get("source").asText()), n.get("reason").asText())).as("one dead letter per line").isNull();
    }
    Map<Integer, String> singleDead = new TreeMap<>();
    for (String l : Files.readAllLines(DeadLetterWriter.pathFor(single))) {
      JsonNode n = LocalSpark.JSON.readTree(l);
      singleDead.put(LocalSpark.line(n.get("source").asText()), n.get("reason").asText());
    }
    assertThat(l2.counts().scored()).isEqualTo(l1.scored());
    assertThat(l2.counts().dead()).isEqualTo(l1.dead());
    assertThat(l2.counts().balanced()).isTrue();
    return new Run(l2, l1, sparkDead, singleDead);
  }
}
