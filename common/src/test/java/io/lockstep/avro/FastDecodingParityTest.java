package io.lockstep.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.junit.jupiter.api.Test;

/**
 * The per-record decoders read values straight from the bytes (JSON tokens, Avro fields) instead of
 * building a JSON tree or going through {@code GenericDatumReader}: they must give exactly the
 * outcome of the general path on every input, good or bad.
 */
class FastDecodingParityTest {
  static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"R","fields":[
        {"name":"id","type":"string"},
        {"name":"n","type":"int"},
        {"name":"big","type":["null","long"]},
        {"name":"x","type":["null","double"]},
        {"name":"f","type":["null","float"]},
        {"name":"ok","type":["null","boolean"]},
        {"name":"c","type":["null",{"type":"enum","name":"C","symbols":["RED","GREEN"]}]},
        {"name":"d","type":"double","default":7.5},
        {"name":"s","type":["null","string"]}]}""");

  static final ObjectMapper TREE = JsonMapper.builder(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();

  static final List<String> JSON_CASES = List.of(
      "{\"id\":\"a\",\"n\":1,\"big\":12345678901,\"x\":1.5,\"f\":2,\"ok\":true,\"c\":\"RED\",\"d\":3,\"s\":\"t\",\"extra\":\"e\"}",
      "{\"n\":1,\"id\":\"a\"}",
      "{\"id\":\"a\",\"n\":null}",
      "{\"id\":null,\"n\":1}",
      "{\"id\":\"a\",\"n\":2147483648}",
      "{\"id\":\"a\",\"n\":-2147483648,\"big\":92233720368547758070}",
      "{\"id\":\"a\",\"n\":1.0}",
      "{\"id\":\"a\",\"n\":\"1\"}",
      "{\"id\":1,\"n\":\"x\",\"x\":\"NaN\"}",
      "{\"id\":\"a\",\"n\":1,\"x\":\"Infinity\",\"f\":\"-Infinity\"}",
      "{\"id\":\"a\",\"n\":1,\"x\":\"nan\"}",
      "{\"id\":\"a\",\"n\":1,\"x\":1e400,\"f\":1e40}",
      "{\"id\":\"a\",\"n\":1,\"x\":123456789012345678901234567890}",
      "{\"id\":\"a\",\"n\":1,\"ok\":\"true\"}",
      "{\"id\":\"a\",\"n\":1,\"c\":\"BLUE\"}",
      "{\"id\":\"a\",\"n\":1,\"d\":null}",
      "{\"id\":\"a\",\"n\":1,\"x\":[1,2],\"s\":{\"k\":[{}]}}",
      "{\"id\":\"a\",\"n\":1,\"extra\":{\"k\":1.50,\"l\":[true,null]}}",
      "{\"id\":\"a\",\"n\":1,\"extra\":1.50}",
      "{\"id\":\"a\",\"n\":1,\"extra\":null}",
      "{\"id\":\"a\",\"n\":1,\"n\":2}",
      "{\"id\":\"a\",\"n\":1,\"other\":{\"q\":1,\"q\":2}}",
      "{\"id\":\"a\",\"n\":1} trailing",
      "{\"id\":\"a\",\"n\":1,\"other\":[{\"q\":1,\"q\":2}]}",
      "{\"id\":\"a\",\"n\":1,\"other\":1,\"other\":2}",
      "{\"id\":\"a\",\"n\":1,\"id\":\"b\"}",
      "{\"id\":\"a\",\"x\":null,\"x\":1.0,\"n\":1}",
      "{\"id\":\"a\",\"n\":1,}",
      "{\"id\":\"a\",\"n\":1",
      "[{\"id\":\"a\"}]",
      "\"id\"",
      "",
      "   ",
      "null",
      "{}");

  @Test
  void jsonTokensGiveWhatTheTreeGives() throws Exception {
    JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA, List.of("extra"));
    List<byte[]> inputs = new ArrayList<>();
    for (String c : JSON_CASES) {
      inputs.add(c.getBytes(StandardCharsets.UTF_8));
    }
    inputs.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    inputs.add(new byte[] {'{', '"', 'z', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', ',', '"', 'i', 'd', '"', ':', '"', 'a', '"', ',', '"', 'n', '"', ':', '1', '}'});
    for (byte[] in : inputs) {
      assertThat(summary(decoder.decode(in))).as(new String(in, StandardCharsets.UTF_8)).isEqualTo(summary(viaTree(decoder, in)));
    }
  }

  /** Values of every JSON kind, including those the flat reader hands to Jackson. */
  static final List<String> VALUES = List.of("\"a\"", "\"RED\"", "\"GREEN\"", "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
      "\"x\\ny\"", "\"\\u0041\"", "\"é\"", "\"tab\there\"", "\"1\"", "0", "-0", "7", "-12", "2147483647", "2147483648", "-2147483648",
      "-2147483649", "9223372036854775807", "9223372036854775808", "123456789012345678", "1234567890123456789012", "1.5",
      "-0.0", "0.1", "77.01", "1e400", "-1e-400", "2.5E+3", "1.", ".5", "01", "1e", "-", "+1", "0x10", "true", "false", "null",
      "tru", "nul", "{}", "[1,2]", "{\"k\":[{}]}", "NaN", "1.7976931348623157e308", "4.9e-324", "0.30000000000000004");
  static final List<String> NAMES = List.of("id", "n", "big", "x", "f", "ok", "c", "d", "s", "extra", "other", "i\\u0064");
  static final List<String> SPACES = List.of("", " ", "\n", "\t ", "\r\n", "\u000b", "\u00a0");

  @Test
  void flatRecordsDecodeAsTheTreeDecodesThem() throws Exception {
    JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA, List.of("extra"));
    Random random = new Random(5);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder(space(random, 0.05)).append('{');
      List<String> names = new ArrayList<>(SCHEMA.getFields().stream().map(Schema.Field::name).toList());
      java.util.Collections.shuffle(names, random);
      int count = random.nextInt(names.size() + 1);
      for (int k = 0; k < count; k++) {
        String name = random.nextInt(30) == 0 ? NAMES.get(random.nextInt(NAMES.size())) : names.get(k);
        String value = random.nextInt(4) == 0 ? VALUES.get(random.nextInt(VALUES.size())) : typical(random, name);
        b.append(k == 0 ? "" : ",").append(space(random, 0.1)).append('"').append(name).append('"').append(space(random, 0.1))
            .append(':').append(space(random, 0.1)).append(value).append(space(random, 0.1));
      }
      b.append('}').append(random.nextInt(50) == 0 ? " x" : space(random, 0.05));
      byte[] in = b.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(summary(decoder.decode(in))).as(b.toString()).isEqualTo(summary(viaTree(decoder, in)));
    }
  }

  /** A value of the field's own type, as producers write them. */
  static String typical(Random random, String name) {
    return switch (name) {
      case "id", "s" -> "\"k" + random.nextInt(1000) + "\"";
      case "n" -> Integer.toString(random.nextInt());
      case "big" -> Long.toString(random.nextLong() >> random.nextInt(64));
      case "x", "d" -> random.nextBoolean() ? Double.toString(random.nextGaussian() * 1e3) : randomDecimal(random);
      case "f" -> Float.toString(random.nextFloat());
      case "ok" -> Boolean.toString(random.nextBoolean());
      case "c" -> random.nextBoolean() ? "\"RED\"" : "\"GREEN\"";
      default -> "null";
    };
  }

  static String space(Random random, double p) {
    return random.nextDouble() < p ? SPACES.get(random.nextInt(SPACES.size())) : "";
  }

  @Test
  void fastDoubleParserGivesParseDoublesBits() {
    Schema schema = new Schema.Parser().parse("""
        {"type":"record","name":"N","fields":[{"name":"x","type":"double"},{"name":"f","type":"float"}]}""");
    JsonRecordDecoder decoder = new JsonRecordDecoder(schema, List.of());
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      String text = switch (i % 4) {
        case 0 -> Double.toString(Double.longBitsToDouble(random.nextLong()));   // every magnitude, subnormals too
        case 1 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
        case 2 -> randomDecimal(random);                                      // long mantissas, halfway cases
        default -> Long.toString(random.nextLong() >> random.nextInt(64));
      };
      if (text.contains("Infinity") || text.contains("NaN")) {
        continue;
      }
      Decoded d = decoder.decode(("{\"x\":" + text + ",\"f\":" + text + "}").getBytes(StandardCharsets.UTF_8));
      double expected = Double.parseDouble(text);
      assertThat(d.reason()).as(text).isNull();
      assertThat(Double.doubleToRawLongBits((Double) d.record().get("x"))).as(text).isEqualTo(Double.doubleToRawLongBits(expected));
      assertThat(Float.floatToRawIntBits((Float) d.record().get("f"))).as(text).isEqualTo(Float.floatToRawIntBits((float) expected));
    }
  }

  /** A JSON number with up to 30 significant digits and an exponent anywhere in the double range. */
  static String randomDecimal(Random random) {
    StringBuilder b = new StringBuilder(random.nextBoolean() ? "-" : "");
    b.append(1 + random.nextInt(9));
    int digits = random.nextInt(30);
    for (int i = 0; i < digits; i++) {
      b.append(random.nextInt(10));
    }
    if (digits > 0 && random.nextBoolean()) {
      b.insert(b.length() - 1 - random.nextInt(digits), '.');
    }
    if (random.nextBoolean()) {
      b.append(random.nextBoolean() ? 'e' : 'E').append(random.nextInt(640) - 330);
    }
    return b.toString();
  }

  static Decoded viaTree(JsonRecordDecoder decoder, byte[] in) {
    JsonNode node;
    try {
      node = TREE.readTree(in);
    } catch (Exception e) {
      return Decoded.failed(io.lockstep.deadletter.Reason.undecodableRecord());
    }
    return decoder.decode(node);
  }

  /** Everything a caller can see: reason, every field's value and class, extras. */
  static String summary(Decoded d) {
    StringBuilder b = new StringBuilder(String.valueOf(d.reason()));
    GenericData.Record r = d.readable();
    if (r != null) {
      for (Schema.Field f : SCHEMA.getFields()) {
        Object v = r.get(f.pos());
        b.append(' ').append(f.name()).append('=').append(v).append(v == null ? "" : ":" + v.getClass().getSimpleName());
      }
    }
    return b.append(' ').append(d.extras() == null ? "-" : Arrays.toString(d.extras())).toString();
  }

  @Test
  void avroFieldReadersGiveWhatGenericDatumReaderGives() throws Exception {
    AvroBinaryDecoder fast = new AvroBinaryDecoder(SCHEMA);
    GenericDatumReader<GenericData.Record> general = new GenericDatumReader<>(SCHEMA);
    GenericDatumWriter<GenericData.Record> writer = new GenericDatumWriter<>(SCHEMA);
    Random random = new Random(7);
    Schema enumSchema = SCHEMA.getField("c").schema().getTypes().get(1);
    for (int i = 0; i < 2_000; i++) {
      GenericData.Record r = new GenericData.Record(SCHEMA);
      r.put("id", "k" + random.nextInt(1000));
      r.put("n", random.nextInt());
      r.put("big", random.nextBoolean() ? null : random.nextLong());
      r.put("x", random.nextBoolean() ? null : random.nextGaussian() * 1e6);
      r.put("f", random.nextBoolean() ? null : random.nextFloat());
      r.put("ok", random.nextBoolean() ? null : random.nextBoolean());
      r.put("c", random.nextBoolean() ? null : new GenericData.EnumSymbol(enumSchema, random.nextBoolean() ? "RED" : "GREEN"));
      r.put("d", random.nextDouble());
      r.put("s", random.nextBoolean() ? null : "s" + random.nextInt());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
      writer.write(r, enc);
      enc.flush();
      byte[] b = bytes.toByteArray();
      Decoded d = fast.decodeBinary(b);
      GenericData.Record expected = general.read(null, DecoderFactory.get().binaryDecoder(b, null));
      assertThat(d.reason()).isNull();
      assertThat(summary(d)).isEqualTo(summary(Decoded.ok(expected, new String[0])));
      // Damaged copies fail the same way as before: flipped bytes, cut short.
      byte[] flipped = b.clone();
      flipped[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
      assertThat(summary(fast.decodeBinary(flipped))).isEqualTo(summary(viaGeneric(flipped)));
      byte[] cut = Arrays.copyOf(b, random.nextInt(b.length));
      assertThat(summary(fast.decodeBinary(cut))).isEqualTo(summary(viaGeneric(cut)));
    }
  }

  /** The previous decoder: one (bounded) {@code GenericDatumReader} per field, the same failure rules. */
  static Decoded viaGeneric(byte[] bytes) {
    org.apache.avro.io.BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
    BoundedDatumReader.Bounded bounded = new BoundedDatumReader.Bounded(in);
    GenericData.Record r = new GenericData.Record(SCHEMA);
    for (Schema.Field f : SCHEMA.getFields()) {
      try {
        r.put(f.pos(), new BoundedDatumReader(f.schema()).read(null, bounded));
      } catch (java.io.EOFException e) {
        return Decoded.failed(io.lockstep.deadletter.Reason.undecodableRecord());
      } catch (Exception e) {
        return Decoded.failed(io.lockstep.deadletter.Reason.decode(f.name()), r);
      }
    }
    try {
      if (!in.isEnd()) {
        return Decoded.failed(io.lockstep.deadletter.Reason.schema("record"));
      }
    } catch (java.io.IOException e) {
      return Decoded.failed(io.lockstep.deadletter.Reason.undecodableRecord());
    }
    return Decoded.ok(r, new String[0]);
  }
}
