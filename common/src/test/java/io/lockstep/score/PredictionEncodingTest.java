package io.lockstep.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.AvroBinaryDecoder;
import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.io.CsvParser;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PredictionBuilder#encode} writes the prediction straight from the values; it must give
 * the bytes of the general path (build the record, {@code GenericDatumWriter}) for every golden
 * fixture's rows: every input field kept (but the reserved names) (strings as {@code String} from CSV and as {@code Utf8}
 * from Avro, nulls included), a kept column outside the schema, event time present and absent.
 */
class PredictionEncodingTest {
  static List<String> fixtures() {
    return GoldenFixture.ALL;
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void directEncodingIsByteForByteTheGenericWritersOutput(String fixture) throws Exception {
    GoldenFixture golden = GoldenFixture.of(fixture);
    Bundle bundle = BundleLoader.load(golden.bundle());
    Schema input = bundle.inputSchema();
    List<String> keep = new ArrayList<>(input.getFields().stream().map(Schema.Field::name)
        .filter(name -> !List.of("model", "event_time", "scored_at").contains(name)).toList());
    keep.add("note");
    List<Decoded> rows = new ArrayList<>();
    AvroCodec inputCodec = new AvroCodec(input);
    AvroBinaryDecoder avro = new AvroBinaryDecoder(input);
    try (Reader r = Files.newBufferedReader(golden.inputCsv())) {
      CsvParser csv = new CsvParser(r);
      List<String> header = new ArrayList<>(csv.next().cells());
      header.add("note");
      CsvRecordDecoder decoder = new CsvRecordDecoder(input, header, List.of("note"), "input.csv");
      for (CsvParser.Row row = csv.next(); row != null; row = csv.next()) {
        List<String> cells = new ArrayList<>(row.cells());
        cells.add(row.line() % 3 == 0 ? null : "note ü " + row.line());
        Decoded d = decoder.decode(cells);
        if (d.isOk()) {
          rows.add(d);
          // The same record as the Avro decoder gives it (Utf8 strings), with the same extras.
          Decoded viaAvro = avro.decodeBinary(inputCodec.binary(d.record()));
          rows.add(Decoded.ok(viaAvro.record(), d.extras()));
        }
      }
    }
    assertThat(rows).hasSizeGreaterThan(20);

    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      PredictionBuilder builder = new PredictionBuilder(bundle, scorer.fields(), keep, true);
      AvroCodec general = new AvroCodec(builder.schema());
      FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), input);
      BatchScorer batch = scorer.newBatch(rows.size());
      List<Decoded> scored = new ArrayList<>();
      for (Decoded d : rows) {
        double[] windows = new double[bundle.spec().windowFeatures().size()];
        if (batch.add(pipeline, FieldAccessor.of(d.record()), windows) == null) {
          scored.add(d);
        }
      }
      batch.score();
      int compared = 0;
      for (int row = 0; row < scored.size(); row++) {
        if (batch.failure(row) != null) {
          continue;
        }
        GenericData.Record record = scored.get(row).record();
        String[] extras = scored.get(row).extras();
        Long eventTime = row % 2 == 0 ? null : 1_795_000_000_000L + row;
        byte[] expected = general.binary(builder.build(record, extras, batch, row, eventTime, 42L + row));
        byte[] actual = builder.encode(FieldAccessor.of(record), extras, batch, row, eventTime, 42L + row);
        assertThat(actual).as("%s row %d", fixture, row).isEqualTo(expected);
        compared++;
      }
      assertThat(compared).isGreaterThan(20);
    }
  }

  @org.junit.jupiter.api.Test
  void aKeptEnumFieldIsWrittenAsAvrosGeneralWriterWritesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path lr = GoldenFixture.of("lr").bundle();
    String avsc = Files.readString(lr.resolve("input.avsc")).replace(
        "{\"name\": \"paperless_billing\", \"type\": \"boolean\"}",
        "{\"name\": \"paperless_billing\", \"type\": \"boolean\"},\n"
            + "    {\"name\": \"tier\", \"type\": [\"null\", {\"type\": \"enum\", \"name\": \"Tier\", \"symbols\": [\"GOLD\", \"BASIC\"]}]}");
    assertThat(avsc).contains("Tier");
    java.nio.file.Path schema = Files.writeString(dir.resolve("input.avsc"), avsc);
    Bundle bundle = BundleLoader.load(io.lockstep.bundle.BundleWriter.write(lr.resolve("features.yaml"), schema,
        lr.resolve("model.onnx"), null, "enum-keep", "1", "a kept enum field", dir.resolve("bundle")));
    Schema input = bundle.inputSchema();
    Schema tier = input.getField("tier").schema().getTypes().get(1);
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      PredictionBuilder builder = new PredictionBuilder(bundle, scorer.fields(), List.of("tier", "country"), true);
      AvroCodec general = new AvroCodec(builder.schema());
      FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), input);
      BatchScorer batch = scorer.newBatch(3);
      List<GenericData.Record> records = new ArrayList<>();
      for (Object value : new Object[] {new GenericData.EnumSymbol(tier, "GOLD"), null, new GenericData.EnumSymbol(tier, "BASIC")}) {
        GenericData.Record r = new GenericData.Record(input);
        r.put("customer_id", "C" + records.size());
        r.put("tenure_months", 12);
        r.put("monthly_charges", 50.5);
        r.put("days_since_login", 3.0);
        r.put("discount_pct", 5f);
        r.put("country", "DE");
        r.put("age", 40);
        r.put("paperless_billing", true);
        r.put("tier", value);
        assertThat(batch.add(pipeline, FieldAccessor.of(r), new double[0])).isNull();
        records.add(r);
      }
      batch.score();
      for (int row = 0; row < records.size(); row++) {
        byte[] expected = general.binary(builder.build(records.get(row), null, batch, row, null, 7L));
        assertThat(builder.encode(FieldAccessor.of(records.get(row)), null, batch, row, null, 7L)).as("row %d", row).isEqualTo(expected);
      }
    }
  }
}
