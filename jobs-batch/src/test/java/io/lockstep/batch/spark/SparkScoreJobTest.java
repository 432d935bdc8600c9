package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetterPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** The Spark job's contract: flags, formats, outputs, dead letters, counts; the library API and the UDF. */
class SparkScoreJobTest {
  /** The README's example; surefire runs in {@code jobs-batch/}. */
  static final Path CHURN_BUNDLE = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("examples/churn/bundle");
  static final Path CHURN_EVENTS = CHURN_BUNDLE.resolveSibling("events.csv");
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = LocalSpark.start("SparkScoreJobTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void flagsAreThoseOfLockstepScoreAndFormatsFollowTheExtension() {
    SparkScoreOptions o = SparkScoreOptions.parse("--bundle", "b", "--input", "s3a://x/in.jsonl", "--output", "hdfs:///out.parquet",
        "--keep", "a,b", "--batch-size", "2048");
    assertThat(o.inputFormat()).isEqualTo(FileFormat.JSONL);
    assertThat(o.outputFormat()).isEqualTo(FileFormat.PARQUET);
    assertThat(o.keep()).containsExactly("a", "b");
    assertThat(o.batchSize()).isEqualTo(2048);
    assertThat(o.emitFeatures()).isFalse();

    SparkScoreOptions named = SparkScoreOptions.parse("--bundle", "b", "--input", "/data/events", "--input-format", "avro",
        "--output", "/data/scored", "--output-format", "csv");
    assertThat(named.inputFormat()).isEqualTo(FileFormat.AVRO);
    assertThat(named.outputFormat()).isEqualTo(FileFormat.CSV);
    assertThat(named.batchSize()).isEqualTo(512);
  }

  @Test
  void badFlagsAreRefusedBeforeSparkStarts() {
    assertThatThrownBy(() -> SparkScoreOptions.parse("--input", "a.csv", "--output", "b.csv"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--bundle");
    assertThatThrownBy(() -> SparkScoreOptions.parse("--bundle", "b", "--input", "a.csv", "--output", "a.csv/"))
        .hasMessageContaining("--output must differ");
    assertThatThrownBy(() -> SparkScoreOptions.parse("--bundle", "b", "--input", "events", "--output", "b.csv"))
        .hasMessageContaining("cannot tell the format of 'events'");
    assertThatThrownBy(() -> SparkScoreOptions.parse("--bundle", "b", "--input", "a.csv", "--output", "b.csv", "--batch-size", "0"))
        .hasMessageContaining("--batch-size must be >= 1");
    assertThatThrownBy(() -> SparkScoreOptions.parse("--bundle", "b", "--input", "a.csv", "--output", "b.csv", "--emit-features"))
        .hasMessageContaining("array column");
  }

  @Test
  void churnExampleWritesParquetPredictionsDeadLetterPartsAndBalancedCounts() throws IOException {
    Path out = tmp.resolve("churn.parquet");
    SparkScoreJob.Result r = SparkScoreJob.run(spark, SparkScoreOptions.of(CHURN_BUNDLE.toString(), CHURN_EVENTS.toString(),
        out.toString(), List.of("country")));
    assertThat(r.counts().read()).isEqualTo(5006);
    assertThat(r.counts().scored()).isEqualTo(5000);
    assertThat(r.counts().dead()).isEqualTo(6);

    Dataset<Row> predictions = spark.read().parquet(out.toString());
    assertThat(predictions.count()).isEqualTo(5000);
    Schema schema = new Schema.Parser().parse(out.resolve(SparkOutput.SCHEMA_FILE).toFile());
    assertThat(predictions.columns()).containsExactly(schema.getFields().stream().map(Schema.Field::name).toArray(String[]::new));
    assertThat(predictions.columns()).containsExactly("customer_id", "country", "score", "label", "model");

    Path deadDir = Path.of(r.deadLetters());
    assertThat(deadDir).isEqualTo(tmp.resolve("churn.parquet_deadletter"));
    List<JsonNode> dead = LocalSpark.readJsonDir(deadDir);
    assertThat(dead).hasSize(6);
    for (JsonNode d : dead) {
      assertThat(d.get("level").asText()).isEqualTo("spark");
      assertThat(d.get("source").asText()).matches("events\\.csv:\\d+");
      assertThat(d.get("reason").asText()).matches("(decode|schema|missing|nan):.+");
      String line = Files.readAllLines(CHURN_EVENTS).get(LocalSpark.line(d.get("source").asText()) - 1);
      assertThat(d.get("original").asText()).isEqualTo(line);
    }
  }

  /**
   * A Parquet file whose column types differ from input.avsc (pandas writes int64 for every int,
   * leaves nulls in required columns): Spark reads it with single node's promotions and reasons.
   */
  @Test
  void parquetWithOtherColumnTypesGetsTheSingleNodeReasons() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    Schema fileSchema = new Schema.Parser().parse("""
        {"type":"record","name":"PandasCustomer","fields":[
          {"name":"customer_id","type":"string"},
          {"name":"tenure_months","type":"long"},
          {"name":"monthly_charges","type":["null","double"]},
          {"name":"total_charges","type":["null","double"]},
          {"name":"support_calls","type":["null","long"]},
          {"name":"days_since_login","type":["null","double"]},
          {"name":"discount_pct","type":"float"},
          {"name":"country","type":"string"},
          {"name":"age","type":"long"},
          {"name":"paperless_billing","type":"boolean"}]}""");
    Path in = tmp.resolve("pandas.parquet");
    long tooBig = 1L << 40;
    Object[][] rows = {
        {"ok-1", 25L, 77.01, 1928.98, 0L, 7.0, 50f, "US", 33L, false},
        {"age-too-big", 25L, 77.01, 1928.98, 0L, 7.0, 50f, "US", tooBig, false},
        {"null-charges", 25L, null, 1928.98, 0L, 7.0, 50f, "US", 33L, false},
        {"both", 25L, null, 1928.98, 0L, 7.0, 50f, "US", tooBig, false},
        {"ok-2", 20L, 70.42, 1407.04, null, 11.5, 33.5f, "GB", 63L, true}};
    try (RecordWriter w = RecordWriters.open(in, FileFormat.PARQUET, fileSchema)) {
      for (Object[] row : rows) {
        org.apache.avro.generic.GenericData.Record r = new org.apache.avro.generic.GenericData.Record(fileSchema);
        for (int i = 0; i < row.length; i++) {
          r.put(i, row[i]);
        }
        w.write(r);
      }
    }
    Path single = tmp.resolve("single.jsonl");
    io.lockstep.batch.local.RunSummary l1 = new io.lockstep.batch.local.SingleNodeRunner(
        io.lockstep.batch.local.ScoreOptions.of(fx.bundle(), in, single, List.of(), 64, 1), null).run();
    Path out = tmp.resolve("spark.jsonl");
    SparkScoreJob.Result l2 = SparkScoreJob.run(spark, SparkScoreOptions.of(fx.bundle().toString(), in.toString(), out.toString(), List.of()));

    Map<String, String> expected = Map.of(
        "age-too-big", "decode:age",
        "null-charges", "schema:monthly_charges",
        "both", "schema:monthly_charges");        // the first failing field in schema order
    Map<String, String> sparkReasons = new HashMap<>();
    for (JsonNode d : LocalSpark.readJsonDir(Path.of(l2.deadLetters()))) {
      sparkReasons.put(d.get("key").asText(), d.get("reason").asText());
    }
    Map<String, String> singleReasons = new HashMap<>();
    for (String l : Files.readAllLines(io.lockstep.batch.io.DeadLetterWriter.pathFor(single))) {
      JsonNode d = LocalSpark.JSON.readTree(l);
      singleReasons.put(d.get("key").asText(), d.get("reason").asText());
    }
    assertThat(singleReasons).isEqualTo(expected);
    assertThat(sparkReasons).isEqualTo(expected);
    assertThat(l1.scored()).isEqualTo(2);
    assertThat(l2.counts().scored()).isEqualTo(2);
    Map<String, Double> sparkScores = new HashMap<>();
    for (JsonNode p : LocalSpark.readJsonDir(out)) {
      sparkScores.put(p.get("customer_id").asText(), p.get("score").asDouble());
    }
    for (String l : Files.readAllLines(single)) {
      JsonNode p = LocalSpark.JSON.readTree(l);
      assertThat(sparkScores.get(p.get("customer_id").asText())).isCloseTo(p.get("score").asDouble(), within(1e-6));
    }
    assertThat(bundle.spec().key()).isEqualTo("customer_id");
  }

  @ParameterizedTest
  @EnumSource(value = FileFormat.class, names = {"CSV", "JSONL", "AVRO"})
  void everyOutputFormatReadsBackWithTheSamePredictions(FileFormat format) throws IOException {
    Path out = tmp.resolve("out." + format.extension());
    SparkScoreJob.Result r = SparkScoreJob.run(spark, SparkScoreOptions.of(CHURN_BUNDLE.toString(), CHURN_EVENTS.toString(),
        out.toString(), List.of()));
    assertThat(r.counts().scored()).isEqualTo(5000);
    Dataset<Row> back = switch (format) {
      case CSV -> spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString());
      case JSONL -> spark.read().json(out.toString());
      default -> spark.read().format("avro").load(out.toString());
    };
    assertThat(back.count()).isEqualTo(5000);
    assertThat(back.columns()).containsExactlyInAnyOrder("customer_id", "score", "label", "model");
    if (format == FileFormat.CSV) {
      assertThat(Files.readAllLines(LocalSpark.parts(out).get(0)).get(0)).isEqualTo("customer_id,score,label,model");
    }
    Row first = back.filter("customer_id = 'U100000'").first();
    assertThat(((Number) first.getAs("score")).doubleValue()).isBetween(0.0, 1.0);
  }

  @Test
  void aDirectoryOfFilesIsOneInputWithPerFileSources() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    List<String> lines = Files.readAllLines(CHURN_EVENTS);
    Files.write(dir.resolve("a.csv"), lines.subList(0, 2001));
    List<String> second = new java.util.ArrayList<>(List.of(lines.get(0)));
    second.addAll(lines.subList(2001, lines.size()));
    Files.write(dir.resolve("b.csv"), second);
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Path out = tmp.resolve("dir-out.jsonl");
    SparkScoreJob.Result r = SparkScoreJob.run(spark, new SparkScoreOptions(CHURN_BUNDLE.toString(), dir.toString(), out.toString(),
        List.of(), 100, FileFormat.CSV, FileFormat.JSONL, 0, false, DeadLetterPolicy.DEFAULTS, null, false));
    assertThat(r.counts().read()).isEqualTo(5006);
    assertThat(r.counts().scored()).isEqualTo(5000);
    assertThat(LocalSpark.readJsonDir(Path.of(r.deadLetters())).stream().map(d -> d.get("source").asText().split(":")[0]).distinct())
        .isSubsetOf("a.csv", "b.csv");
  }

  @Test
  void libraryApiScoresADataFrameAsTheGoldenFilesSay() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    Dataset<Row> events = goldenRowsAsDataFrame(fx);
    Lockstep.Scored scored = Lockstep.score(spark, events, fx.bundle().toString());
    List<Row> predictions = scored.predictions().collectAsList();
    Map<String, GoldenFixture.Expected> byKey = new HashMap<>();
    fx.expected().values().forEach(e -> byKey.put(e.key(), e));
    assertThat(predictions).hasSize(byKey.size());
    for (Row p : predictions) {
      GoldenFixture.Expected e = byKey.get(p.getString(0));
      assertThat(((Number) p.getAs("score")).doubleValue()).isCloseTo(e.prediction("score"), within(1e-5));
      assertThat(((Number) p.getAs("label")).longValue()).isEqualTo((long) e.prediction("label"));
    }
    List<String> reasons = scored.deadLetters().collectAsList().stream()
        .map(r -> readJson(r.getString(0)).get("reason").asText()).sorted().toList();
    List<String> expectedFeatureFailures = fx.expectedDeadLetters().values().stream()
        .filter(r -> r.startsWith("missing:") || r.startsWith("nan:")).sorted().toList();
    assertThat(reasons).isEqualTo(expectedFeatureFailures);
  }

  /** Window features through the library: the DataFrame's order before any shuffle is the input order. */
  @Test
  void libraryApiComputesWindowFeaturesAsTheGoldenFilesSay() throws IOException {
    GoldenFixture fx = GoldenFixture.of("windows");
    Lockstep.Scored scored = Lockstep.score(spark, goldenRowsAsDataFrame(fx), fx.bundle().toString());
    Map<String, List<Double>> actual = new java.util.TreeMap<>();
    for (Row p : scored.predictions().collectAsList()) {
      actual.computeIfAbsent(p.getString(0), k -> new java.util.ArrayList<>()).add(((Number) p.getAs("score")).doubleValue());
    }
    Map<String, List<Double>> expected = new java.util.TreeMap<>();
    fx.expected().values().forEach(e -> expected.computeIfAbsent(e.key(), k -> new java.util.ArrayList<>()).add(e.prediction("score")));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String key : expected.keySet()) {
      List<Double> a = actual.get(key).stream().sorted().toList();
      List<Double> e = expected.get(key).stream().sorted().toList();
      assertThat(a).as("key %s", key).hasSameSizeAs(e);
      for (int i = 0; i < e.size(); i++) {
        assertThat(a.get(i)).as("key %s score %d", key, i).isCloseTo(e.get(i), within(1e-5));
      }
    }
    assertThat(scored.deadLetters().count()).isEqualTo(
        fx.expectedDeadLetters().values().stream().filter(r -> r.startsWith("missing:") || r.startsWith("nan:")).count());
  }

  @Test
  void sqlUdfScoresOneRowAndNamesTheReasonOfARejectedOne() throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    goldenRowsAsDataFrame(fx).createOrReplaceTempView("lr_events");
    Lockstep.registerUdf(spark, "lr_score", fx.bundle().toString());
    List<Row> rows = spark.sql("SELECT customer_id, lr_score(struct(*)) AS p FROM lr_events").collectAsList();
    Map<String, GoldenFixture.Expected> byKey = new HashMap<>();
    fx.expected().values().forEach(e -> byKey.put(e.key(), e));
    int scored = 0;
    for (Row r : rows) {
      Row p = r.getStruct(1);
      GoldenFixture.Expected e = byKey.get(r.getString(0));
      if (e == null) {
        assertThat(p.getString(p.fieldIndex(ScoreUdf.REASON))).matches("(missing|nan):.+");
        continue;
      }
      assertThat(p.isNullAt(p.fieldIndex(ScoreUdf.REASON))).isTrue();
      assertThat((double) p.getFloat(p.fieldIndex("score"))).isCloseTo(e.prediction("score"), within(1e-5));
      scored++;
    }
    assertThat(scored).isEqualTo(byKey.size());
  }

  @Test
  void udfRefusesBundlesWithWindowFeatures() {
    assertThatThrownBy(() -> Lockstep.registerUdf(spark, "w", GoldenFixture.of("windows").bundle().toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window features");
  }

  /** The golden CSV's decodable rows, as a user's DataFrame (read from Parquet by Spark). */
  private Dataset<Row> goldenRowsAsDataFrame(GoldenFixture fx) throws IOException {
    return goldenRowsAsDataFrame(spark, fx, tmp);
  }

  /** The fixture's decodable input rows as a DataFrame (via a Parquet file in {@code tmp}). */
  static Dataset<Row> goldenRowsAsDataFrame(SparkSession spark, GoldenFixture fx, Path tmp) throws IOException {
    Bundle bundle = BundleLoader.load(fx.bundle());
    Path parquet = tmp.resolve(fx.name() + ".parquet");
    try (RecordWriter w = RecordWriters.open(parquet, FileFormat.PARQUET, bundle.inputSchema())) {
      for (RawRecord r : SparkGoldenParityTest.readAll(fx.inputCsv(), FileFormat.CSV, bundle)) {
        if (r.decoded().isOk()) {
          w.write(r.decoded().record());
        }
      }
    }
    return spark.read().parquet(parquet.toString());
  }

  private static JsonNode readJson(String s) {
    try {
      return LocalSpark.JSON.readTree(s);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
