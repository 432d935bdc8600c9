package io.lockstep.batch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.batch.io.RecordSources;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Level 1 against the golden fixtures: features equal the reference implementation's (the
 * generator's own Python code), scores equal the training library's within 1e-5, and every bad
 * row is dead-lettered with its expected reason, in all four input formats.
 */
class GoldenSingleNodeTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  static List<String> fixtures() {
    return GoldenFixture.ALL;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void featuresMatchTheReferenceImplementation(String name) throws IOException {
    GoldenFixture fx = GoldenFixture.of(name);
    Bundle bundle = BundleLoader.load(fx.bundle());
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    WindowSet windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    List<RawRecord> all = readAll(fx.inputCsv(), FileFormat.CSV, bundle);
    double[][] windowValues = windows.isEmpty() ? new double[all.size()][] : SingleNodeRunner.windowValues(all, windows);
    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    int checked = 0;
    for (int i = 0; i < all.size(); i++) {
      RawRecord r = all.get(i);
      int line = line(r.source());
      GoldenFixture.Expected e = expected.get(line);
      if (e == null) {
        continue;
      }
      assertThat(r.decoded().reason()).as("line %d decodes", line).isNull();
      float[] row = new float[pipeline.width()];
      io.lockstep.deadletter.Reason reason = pipeline.extract(FieldAccessor.of(r.decoded().record()), windowValues[i], row, 0);
      assertThat(reason).as("line %d", line).isNull();
      for (int c = 0; c < row.length; c++) {
        assertThat(Float.floatToIntBits(row[c])).as("line %d feature column %d (%s): %s vs %s", line, c,
            pipeline.columnNames().get(c), row[c], e.features()[c]).isEqualTo(Float.floatToIntBits(e.features()[c]));
      }
      checked++;
    }
    assertThat(checked).isEqualTo(expected.size());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void csvScoresMatchTrainingLibraryAndBadRowsAreDeadLettered(String name) throws IOException {
    GoldenFixture fx = GoldenFixture.of(name);
    Path out = tmp.resolve("out.csv");
    RunSummary summary = new SingleNodeRunner(ScoreOptions.of(fx.bundle(), fx.inputCsv(), out, List.of(), 64, 1), null).run();
    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Map<Integer, String> expectedDead = fx.expectedDeadLetters();
    assertThat(summary.read()).isEqualTo(expected.size() + expectedDead.size());
    assertThat(summary.scored()).isEqualTo(expected.size());
    assertThat(summary.dead()).isEqualTo(expectedDead.size());

    List<Map<String, String>> predictions = readCsv(out);
    List<GoldenFixture.Expected> inOrder = new ArrayList<>(expected.values());
    assertThat(predictions).hasSize(inOrder.size());
    for (int i = 0; i < inOrder.size(); i++) {
      assertPrediction(predictions.get(i), inOrder.get(i));
    }
    assertThat(deadLetters(DeadLetterWriter.pathFor(out), "input.csv")).isEqualTo(expectedDead);
    assertThat(Files.readString(SingleNodeRunner.schemaPath(out))).contains("\"model\"");
  }

  /** docs/spec.md, Dead letters: a dead letter names its key whenever the key field itself could be read. */
  @org.junit.jupiter.api.Test
  void deadLetterCarriesTheKeyWhenOnlyAnotherFieldIsUnreadable() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    List<String> lines = Files.readAllLines(fx.inputCsv());
    String header = lines.get(0);
    String good = lines.get(1);
    String[] cells = good.split(",", -1);
    cells[2] = "abc";                                   // monthly_charges: a double
    String badValue = String.join(",", cells);
    String[] late = good.split(",", -1);
    late[0] = "K-late";
    late[9] = "maybe";                                  // paperless_billing, after the key
    Path in = tmp.resolve("bad.csv");
    Files.writeString(in, header + "\n" + badValue + "\n" + String.join(",", late) + "\n" + "garbage\n");
    Path out = tmp.resolve("bad-out.csv");
    RunSummary s = new SingleNodeRunner(ScoreOptions.of(fx.bundle(), in, out, List.of(), 64, 1), null).run();
    assertThat(s.dead()).isEqualTo(3);
    List<JsonNode> dead = readJsonl(DeadLetterWriter.pathFor(out));
    assertThat(dead.get(0).get("reason").asText()).isEqualTo("decode:monthly_charges");
    assertThat(dead.get(0).get("key").asText()).isEqualTo(cells[0]);
    assertThat(dead.get(1).get("reason").asText()).isEqualTo("decode:paperless_billing");
    assertThat(dead.get(1).get("key").asText()).isEqualTo("K-late");
    assertThat(dead.get(2).get("reason").asText()).isEqualTo("decode:record");
    assertThat(dead.get(2).has("key")).isFalse();
  }

  /** JSON lines, Parquet and Avro inputs made from the CSV's decodable rows score the same. */
  @ParameterizedTest
  @MethodSource("fixtures")
  void everyFileFormatScoresTheSame(String name) throws IOException {
    GoldenFixture fx = GoldenFixture.of(name);
    Bundle bundle = BundleLoader.load(fx.bundle());
    List<RawRecord> all = readAll(fx.inputCsv(), FileFormat.CSV, bundle);
    List<GenericRecord> decodable = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    for (RawRecord r : all) {
      if (r.decoded().isOk()) {
        decodable.add(r.decoded().record());
        lines.add(line(r.source()));
      }
    }
    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Map<Integer, String> expectedDead = fx.expectedDeadLetters();
    for (FileFormat format : List.of(FileFormat.JSONL, FileFormat.PARQUET, FileFormat.AVRO)) {
      Path in = tmp.resolve(name + "-in." + format.extension());
      try (RecordWriter w = RecordWriters.open(in, format, bundle.inputSchema())) {
        for (GenericRecord r : decodable) {
          w.write(r);
        }
      }
      Path out = tmp.resolve(name + "-out-" + format.extension() + ".jsonl");
      RunSummary s = new SingleNodeRunner(ScoreOptions.of(fx.bundle(), in, out, List.of(), 100, 1), null).run();
      assertThat(s.read()).as(format.name()).isEqualTo(decodable.size());
      List<JsonNode> preds = readJsonl(out);
      Map<Integer, String> dead = deadLetters(DeadLetterWriter.pathFor(out), in.getFileName().toString());
      int p = 0;
      for (int i = 0; i < lines.size(); i++) {
        int line = lines.get(i);
        GoldenFixture.Expected e = expected.get(line);
        if (e != null) {
          assertPrediction(preds.get(p++), e, format.name() + " line " + line);
        } else {
          assertThat(dead.get(i + 1)).as("%s record %d (csv line %d)", format, i + 1, line).isEqualTo(expectedDead.get(line));
        }
      }
      assertThat(p).isEqualTo(preds.size());
    }
  }

  private static void assertPrediction(Map<String, String> actual, GoldenFixture.Expected e) {
    for (Map.Entry<String, String> p : e.predictions().entrySet()) {
      assertValue(actual.get(p.getKey()), p.getValue(), "line " + e.line() + " " + p.getKey());
    }
    if (e.key() != null) {
      assertThat(actual.containsValue(e.key())).as("line %d key", e.line()).isTrue();
    }
  }

  private static void assertPrediction(JsonNode actual, GoldenFixture.Expected e, String what) {
    for (Map.Entry<String, String> p : e.predictions().entrySet()) {
      assertValue(actual.get(p.getKey()).asText(), p.getValue(), what + " " + p.getKey());
    }
  }

  private static void assertValue(String actual, String expected, String what) {
    assertThat(actual).as(what).isNotNull();
    if (expected.matches("-?[0-9]+")) {
      assertThat(actual).as(what).isEqualTo(expected);
    } else {
      assertThat(Double.parseDouble(actual)).as(what).isCloseTo(Double.parseDouble(expected), within(1e-5));
    }
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

  static int line(String source) {
    return Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
  }

  static Map<Integer, String> deadLetters(Path file, String sourceFile) throws IOException {
    Map<Integer, String> out = new LinkedHashMap<>();
    for (String l : Files.readAllLines(file)) {
      JsonNode n = JSON.readTree(l);
      assertThat(n.get("level").asText()).isEqualTo("single-node");
      assertThat(n.get("source").asText()).startsWith(sourceFile + ":");
      assertThat(n.has("original")).isTrue();
      out.put(line(n.get("source").asText()), n.get("reason").asText());
    }
    return new java.util.TreeMap<>(out);
  }

  static List<Map<String, String>> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] cells = l.split(",", -1);
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        m.put(header[i], cells[i]);
      }
      out.add(m);
    }
    return out;
  }

  static List<JsonNode> readJsonl(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      out.add(JSON.readTree(l));
    }
    return out;
  }
}
