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
}
