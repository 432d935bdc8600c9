package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.batch.io.RecordSources;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.batch.local.SingleNodeWindows;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.window.WindowSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Level 2 against level 1 and the golden files, for every fixture in every input format: the
 * Spark job's feature vectors are bitwise the single-node feature code's (and within an ulp of
 * the generator's), its scores within 4 ulp of the single-node runner's and within 1e-5 of the
 * training library's, its dead letters the same lines with the same reasons, its counts the same.
 * CSV is the golden input itself (with its bad lines); JSON lines, Parquet and Avro hold its
 * decodable rows, as in {@code GoldenSingleNodeTest}.
 */
class SparkGoldenParityTest {
  static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkGoldenParityTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /**
   * How the job reads each file: {@code SPLIT} cuts every golden file into several ranges (each a
   * task); {@code WHOLE} reads each file in one task ({@code --multiline-csv}, and Spark's default
   * split size, far above a golden file's size).
   */
  enum Reading {
    SPLIT(SPLIT_BYTES), WHOLE(128L << 20);

    final long maxPartitionBytes;

    Reading(long maxPartitionBytes) {
      this.maxPartitionBytes = maxPartitionBytes;
    }
  }

  /** Golden inputs are 10-21 kB: ranges of 1.5 kB give each of them 7 to 15 tasks. */
  static final long SPLIT_BYTES = 1536;

  static Stream<Arguments> fixturesAndFormats() {
    return Stream.of(Reading.values()).flatMap(mode -> GoldenFixture.ALL.stream()
        .flatMap(f -> Stream.of(FileFormat.values()).map(fmt -> Arguments.of(f, fmt, mode))));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("fixturesAndFormats")
  void sparkScoresEveryRowAsTheSingleNodeRunnerDoes(String name, FileFormat format, Reading mode) throws IOException {
    GoldenFixture fx = GoldenFixture.of(name);
    Bundle bundle = BundleLoader.load(fx.bundle());
    Path input = input(fx, bundle, format);
    String inputName = input.getFileName().toString();

    Path single = tmp.resolve(name + "-" + format + "-single.jsonl");
    RunSummary l1 = new SingleNodeRunner(ScoreOptions.of(fx.bundle(), input, single, List.of(), 64, 1), null).run();
    Path out = tmp.resolve(name + "-" + format + "-" + mode + "-spark.jsonl");
    SparkScoreOptions options = new SparkScoreOptions(fx.bundle().toString(), input.toString(), out.toString(), List.of(), 64,
        format, FileFormat.JSONL, 0, true, DeadLetterPolicy.DEFAULTS, null, mode == Reading.WHOLE);
    spark.conf().set("spark.sql.files.maxPartitionBytes", mode.maxPartitionBytes);
    SparkScoreJob.Result l2 = SparkScoreJob.run(spark, options);
    if (mode == Reading.WHOLE && format != FileFormat.PARQUET) {
      assertThat(l2.readTasks()).isEqualTo(1);
    }
    if (mode == Reading.SPLIT && format != FileFormat.PARQUET) {
      assertThat(l2.readTasks()).as("tasks reading %s", input).isGreaterThanOrEqualTo(3);
    }

    assertThat(l2.counts().read()).as("read").isEqualTo(l1.read());
    assertThat(l2.counts().scored()).as("scored").isEqualTo(l1.scored());
    assertThat(l2.counts().dead()).as("dead").isEqualTo(l1.dead());
    assertThat(l2.counts().balanced()).isTrue();

    Map<Integer, String> singleDead = deadLetters(DeadLetterWriter.pathFor(single), "single-node", inputName);
    Map<Integer, String> sparkDead = new TreeMap<>();
    Map<Integer, String> sparkKeys = new TreeMap<>();
    for (JsonNode n : LocalSpark.readJsonDir(Path.of(out + "_deadletter"))) {
      assertThat(n.get("level").asText()).isEqualTo("spark");
      assertThat(n.get("source").asText()).startsWith(inputName + ":");
      assertThat(n.has("original")).isTrue();
      assertThat(sparkDead.put(LocalSpark.line(n.get("source").asText()), n.get("reason").asText())).as("one dead letter per line").isNull();
      sparkKeys.put(LocalSpark.line(n.get("source").asText()), n.has("key") ? n.get("key").asText() : "");
    }
    assertThat(sparkDead).isEqualTo(singleDead);
    assertThat(sparkKeys).as("dead-letter keys").isEqualTo(keys(DeadLetterWriter.pathFor(single)));
    if (format == FileFormat.CSV) {
      assertThat(sparkDead).isEqualTo(fx.expectedDeadLetters());
    }

    Map<Integer, float[]> referenceFeatures = singleNodeFeatures(input, format, bundle);
    Map<Integer, JsonNode> singlePredictions = singleNodePredictions(single, referenceFeatures.keySet(), singleDead.keySet());
    List<JsonNode> sparkPredictions = LocalSpark.readJsonDir(out);
    assertThat(sparkPredictions).hasSize((int) l1.scored());
    Map<Integer, GoldenFixture.Expected> golden = fx.expected();
    List<String> outputs = List.copyOf(bundle.spec().model().outputs().keySet());
    for (JsonNode p : sparkPredictions) {
      int line = LocalSpark.line(p.get("_source").asText());
      float[] expected = referenceFeatures.get(line);
      assertThat(expected).as("line %d is scored by single node too", line).isNotNull();
      JsonNode features = p.get("_features");
      assertThat(features.size()).isEqualTo(expected.length);
      for (int c = 0; c < expected.length; c++) {
        float actual = (float) features.get(c).asDouble();
        assertThat(Float.floatToRawIntBits(actual)).as("line %d feature %d bitwise", line, c)
            .isEqualTo(Float.floatToRawIntBits(expected[c]));
      }
      JsonNode one = singlePredictions.get(line);
      for (String field : outputs) {
        assertClose(p.get(field), one.get(field), line + " " + field);
      }
      GoldenFixture.Expected g = format == FileFormat.CSV ? golden.get(line) : null;
      if (g != null) {
        for (int c = 0; c < expected.length; c++) {
          assertThat(Math.abs(expected[c] - g.features()[c])).isLessThanOrEqualTo(Math.ulp(g.features()[c]));
        }
        for (Map.Entry<String, String> e : g.predictions().entrySet()) {
          if (e.getValue().matches("-?[0-9]+")) {
            assertThat(p.get(e.getKey()).asText()).as("line %d %s", line, e.getKey()).isEqualTo(e.getValue());
          } else {
            assertThat(p.get(e.getKey()).asDouble()).isCloseTo(Double.parseDouble(e.getValue()), within(1e-5));
          }
        }
      }
      assertThat(p.get("model").asText()).isEqualTo(bundle.id());
    }
  }

  private static void assertClose(JsonNode spark, JsonNode single, String what) {
    assertThat(spark).as(what).isNotNull();
    if (single.isIntegralNumber()) {
      assertThat(spark.asLong()).as(what).isEqualTo(single.asLong());
    } else if (single.isNumber()) {
      float a = (float) spark.asDouble();
      float b = (float) single.asDouble();
      assertThat(Math.abs(a - b)).as("%s: %s vs %s within 4 ulp", what, a, b).isLessThanOrEqualTo(4 * Math.ulp(b));
    } else {
      assertThat(spark.asText()).as(what).isEqualTo(single.asText());
    }
  }

  /** The input file in the format: the golden CSV, or its decodable rows written by level 1's writers. */
  private static Path input(GoldenFixture fx, Bundle bundle, FileFormat format) throws IOException {
    if (format == FileFormat.CSV) {
      return fx.inputCsv();
    }
    Path in = tmp.resolve(fx.name() + "-input." + format.extension());
    if (!Files.exists(in)) {
      try (RecordWriter w = format == FileFormat.AVRO ? smallBlocks(in, bundle) : RecordWriters.open(in, format, bundle.inputSchema())) {
        for (RawRecord r : readAll(fx.inputCsv(), FileFormat.CSV, bundle)) {
          if (r.decoded().isOk()) {
            w.write(r.decoded().record());
          }
        }
      }
    }
    return in;
  }

  /** An Avro container of many blocks (one every ~512 bytes), so that split reading has sync markers to split at. */
  private static RecordWriter smallBlocks(Path file, Bundle bundle) throws IOException {
    DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(bundle.inputSchema()));
    w.setCodec(CodecFactory.deflateCodec(1));
    w.setSyncInterval(512);
    w.create(bundle.inputSchema(), file.toFile());
    return new RecordWriter() {
      @Override
      public void write(GenericRecord record) throws IOException {
        w.append(record);
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }

  /** Feature vectors by line as the single-node code computes them (windows in (time, input order)). */
  private static Map<Integer, float[]> singleNodeFeatures(Path input, FileFormat format, Bundle bundle) throws IOException {
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    WindowSet windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    List<RawRecord> all = readAll(input, format, bundle);
    double[][] values = windows.isEmpty() ? new double[all.size()][] : SingleNodeWindows.windowValues(all, windows);
    Map<Integer, float[]> out = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      RawRecord r = all.get(i);
      if (!r.decoded().isOk() || (!windows.isEmpty() && values[i] == null)) {
        continue;
      }
      float[] row = new float[pipeline.width()];
      if (pipeline.extract(FieldAccessor.of(r.decoded().record()), values[i], row, 0) == null) {
        out.put(LocalSpark.line(r.source()), row);
      }
    }
    return out;
  }

  /** Single-node predictions (written in input order) by line: the featurized lines minus the dead ones. */
  private static Map<Integer, JsonNode> singleNodePredictions(Path out, java.util.Set<Integer> featurized,
                                                              java.util.Set<Integer> dead) throws IOException {
    List<Integer> lines = featurized.stream().filter(l -> !dead.contains(l)).sorted().toList();
    List<String> json = Files.readAllLines(out);
    assertThat(json).hasSize(lines.size());
    Map<Integer, JsonNode> byLine = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      byLine.put(lines.get(i), LocalSpark.JSON.readTree(json.get(i)));
    }
    return byLine;
  }

  /** Line to dead-letter key ("" when the letter has none). */
  private static Map<Integer, String> keys(Path file) throws IOException {
    Map<Integer, String> out = new TreeMap<>();
    for (String l : Files.readAllLines(file)) {
      JsonNode n = LocalSpark.JSON.readTree(l);
      out.put(LocalSpark.line(n.get("source").asText()), n.has("key") ? n.get("key").asText() : "");
    }
    return out;
  }

  private static Map<Integer, String> deadLetters(Path file, String level, String inputName) throws IOException {
    Map<Integer, String> out = new TreeMap<>();
    for (String l : Files.readAllLines(file)) {
      JsonNode n = LocalSpark.JSON.readTree(l);
      assertThat(n.get("level").asText()).isEqualTo(level);
      assertThat(n.get("source").asText()).startsWith(inputName + ":");
      out.put(LocalSpark.line(n.get("source").asText()), n.get("reason").asText());
    }
    return out;
  }

  static List<RawRecord> readAll(Path file, FileFormat format, Bundle bundle) throws IOException {
    List<RawRecord> out = new ArrayList<>();
    try (RecordSource s = RecordSources.open(file, format, bundle.inputSchema(), List.of())) {
      RawRecord r;
      while ((r = s.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }
}
