package io.lockstep.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.AvroBinaryDecoder;
import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.avro.JsonRecordDecoder;
import io.lockstep.avro.PlainJson;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.io.CsvParser;
import io.lockstep.io.EscapingUtf8Reader;
import io.lockstep.testdata.RandomRecords;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 13: every record decoder against random and mutated inputs, seeded and reproducible
 * ({@link Mutator#seed()}). Properties: no exception escapes a decoder; every input becomes a record
 * or a reason; a record is only ever produced with all required fields set; the CSV parser turns
 * every input into rows whose raw text, concatenated, is the whole input (nothing is skipped).
 * Run longer with {@code -Dlockstep.fuzz.cases=100000}.
 */
class DecoderFuzzTest {
  private static final List<String> SCHEMAS = List.of("lr", "trees", "windows");

  private static Schema schema(String fixture) {
    return BundleLoader.load(GoldenFixture.of(fixture).bundle()).inputSchema();
  }

  /** Runs {@code decode} on mutated encodings of random records of each fixture's schema. */
  private static void fuzz(String what, int cases, Function<Schema, Function<GenericData.Record, byte[]>> encoder,
                           Function<Schema, Function<byte[], Decoded>> decoder) {
    long seed = Mutator.seed();
    for (String fixture : SCHEMAS) {
      Schema schema = schema(fixture);
      Random random = new Random(seed ^ fixture.hashCode());
      Mutator mutator = new Mutator(random);
      RandomRecords records = new RandomRecords(schema, random.nextLong());
      Function<GenericData.Record, byte[]> encode = encoder.apply(schema);
      Function<byte[], Decoded> decode = decoder.apply(schema);
      int ok = 0;
      int failed = 0;
      for (int i = 0; i < cases; i++) {
        byte[] input = i % 10 == 9 ? mutator.randomBytes(random.nextInt(64)) : mutator.mutate(encode.apply(records.next()));
        Decoded d;
        try {
          d = decode.apply(input);
        } catch (Throwable t) {
          throw new AssertionError(what + " (" + fixture + ", seed " + seed + ", case " + i + "): " + t + " escaped on input "
              + java.util.HexFormat.of().formatHex(input), t);
        }
        assertThat(d).as("%s case %d", what, i).isNotNull();
        if (d.isOk()) {
          assertRequiredFieldsSet(schema, d.record());
          ok++;
        } else {
          assertThat(d.reason()).isNotNull();
          failed++;
        }
      }
      assertThat(ok + failed).isEqualTo(cases);
      assertThat(failed).as("%s: mutations are mostly rejected", what).isPositive();
    }
  }

  private static void assertRequiredFieldsSet(Schema schema, GenericData.Record r) {
    for (Schema.Field f : schema.getFields()) {
      boolean nullable = f.schema().getType() == Schema.Type.UNION
          && f.schema().getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
      if (!nullable) {
        assertThat(r.get(f.pos())).as("required field %s", f.name()).isNotNull();
      }
    }
  }

  @Test
  void avroBinaryNeverThrows() {
    fuzz("avro binary", Mutator.cases(2000), s -> new AvroCodec(s)::binary, s -> new AvroBinaryDecoder(s)::decodeBinary);
  }

  @Test
  void avroSingleObjectNeverThrows() {
    fuzz("avro single-object", Mutator.cases(2000), s -> new AvroCodec(s)::singleObject,
        s -> new AvroBinaryDecoder(s)::decodeSingleObject);
  }

  @Test
  void jsonNeverThrows() {
    fuzz("json", Mutator.cases(2000), s -> r -> PlainJson.toJson(r).getBytes(StandardCharsets.UTF_8),
        s -> new JsonRecordDecoder(s, List.of())::decode);
  }

  @Test
  void csvRowsNeverThrowAndCoverTheWholeInput() throws IOException {
    long seed = Mutator.seed();
    for (String fixture : SCHEMAS) {
      Schema schema = schema(fixture);
      Random random = new Random(seed ^ fixture.hashCode());
      Mutator mutator = new Mutator(random);
      RandomRecords records = new RandomRecords(schema, random.nextLong());
      List<String> header = schema.getFields().stream().map(Schema.Field::name).toList();
      CsvRecordDecoder decoder = new CsvRecordDecoder(schema, header, List.of(), "fuzz.csv");
      for (int i = 0; i < Mutator.cases(200); i++) {
        StringBuilder body = new StringBuilder();
        for (int r = 0; r < 1 + random.nextInt(20); r++) {
          GenericData.Record rec = records.next();
          List<String> cells = new ArrayList<>();
          for (Schema.Field f : schema.getFields()) {
            Object v = rec.get(f.pos());
            cells.add(v == null ? "" : v.toString());
          }
          body.append(String.join(",", cells)).append('\n');
        }
        byte[] input = mutator.mutate(body.toString().getBytes(StandardCharsets.UTF_8));
        CsvParser parser = new CsvParser(new EscapingUtf8Reader(new ByteArrayInputStream(input)), 3, 200);
        java.io.ByteArrayOutputStream covered = new java.io.ByteArrayOutputStream();
        CsvParser.Row row;
        int rows = 0;
        while ((row = parser.next()) != null) {
          rows++;
          assertThat(rows).as("seed %d case %d: rows are bounded by the input's size", seed, i).isLessThanOrEqualTo(input.length + 1);
          try {
            Decoded d = decoder.decode(row.cells());
            assertThat(d.isOk() || d.reason() != null).isTrue();
            if (d.isOk() && !row.malformed() && !row.invalidUtf8()) {
              assertRequiredFieldsSet(schema, d.record());
            }
          } catch (RuntimeException e) {
            throw new AssertionError("csv (" + fixture + ", seed " + seed + ", case " + i + "): " + e + " escaped", e);
          }
          covered.writeBytes(EscapingUtf8Reader.originalBytes(row.raw()));
        }
        // Every input byte is in some row's raw text, save the line breaks between rows.
        assertThat(strip(covered.toByteArray())).as("seed %d case %d", seed, i).isEqualTo(strip(input));
      }
    }
  }

  private static String strip(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "");
  }
}
