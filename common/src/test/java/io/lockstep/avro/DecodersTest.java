package io.lockstep.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.io.CsvParser;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** CSV, JSON and Avro binary decoding per docs/spec.md, Reading inputs and the reasons of §4. */
class DecodersTest {
  static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"R","fields":[
        {"name":"id","type":"string"},
        {"name":"n","type":"int"},
        {"name":"big","type":["null","long"]},
        {"name":"x","type":["null","double"]},
        {"name":"f","type":["null","float"]},
        {"name":"ok","type":["null","boolean"]},
        {"name":"s","type":["null","string"]}]}""");

  static final List<String> HEADER = List.of("s", "ok", "f", "x", "big", "n", "id", "extra");

  static Decoded csv(String... cells) {
    return new CsvRecordDecoder(SCHEMA, HEADER, List.of(), "in.csv").decode(Arrays.asList(cells));
  }

  @Test
  void csvMatchesColumnsByHeaderName() {
    Decoded d = csv("hi", "TRUE", "1.5", "-2e3", "12345678901", "7", "u1", "ignored");
    assertThat(d.reason()).isNull();
    GenericData.Record r = d.record();
    assertThat(r.get("id")).isEqualTo("u1");
    assertThat(r.get("n")).isEqualTo(7);
    assertThat(r.get("big")).isEqualTo(12345678901L);
    assertThat(r.get("x")).isEqualTo(-2000.0);
    assertThat(r.get("f")).isEqualTo(1.5f);
    assertThat(r.get("ok")).isEqualTo(true);
  }

  @Test
  void csvEmptyCellIsNull() {
    Decoded d = csv(null, null, null, null, null, "1", "u", null);
    assertThat(d.reason()).isNull();
    assertThat(d.record().get("x")).isNull();
    assertThat(d.record().get("s")).isNull();
  }

  @Test
  void csvEmptyRequiredFieldIsSchemaReason() {
    assertThat(csv(null, null, null, null, null, null, "u", null).reason()).hasToString("schema:n");
  }

  @Test
  void csvBadValuesAreDecodeReasons() {
    assertThat(csv(null, null, null, "abc", null, "1", "u", null).reason()).hasToString("decode:x");
    assertThat(csv(null, null, null, "1.5d", null, "1", "u", null).reason()).hasToString("decode:x");
    assertThat(csv(null, null, null, "0x1p3", null, "1", "u", null).reason()).hasToString("decode:x");
    assertThat(csv(null, null, null, null, null, "3000000000", "u", null).reason()).hasToString("decode:n");
    assertThat(csv(null, null, null, null, null, "30.5", "u", null).reason()).hasToString("decode:n");
    assertThat(csv(null, "maybe", null, null, null, "1", "u", null).reason()).hasToString("decode:ok");
  }

  @Test
  void csvFailureKeepsFirstReasonAndTheFieldsThatCouldBeRead() {
    Decoded d = csv("hi", "maybe", "1.5", "-2e3", "12345678901", "x7", "u1", "e");
    assertThat(d.isOk()).isFalse();
    assertThat(d.reason()).hasToString("decode:n");
    assertThat(d.record()).isNull();
    assertThat(d.readable().get("id")).isEqualTo("u1");
    assertThat(d.readable().get("s")).isEqualTo("hi");
    assertThat(d.readable().get("n")).isNull();
  }

  @Test
  void jsonFailureKeepsTheFieldsThatCouldBeRead() {
    Decoded d = new JsonRecordDecoder(SCHEMA, List.of())
        .decode("{\"id\":\"u9\",\"n\":\"30\",\"s\":\"later\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(d.reason()).hasToString("decode:n");
    assertThat(d.readable().get("id")).isEqualTo("u9");
    assertThat(d.readable().get("s")).isEqualTo("later");
  }

  @Test
  void csvReadsNanAndInfinityInFloatingFields() {
    Decoded d = csv(null, null, "-Infinity", "NaN", null, "1", "u", null);
    assertThat((Double) d.record().get("x")).isNaN();
    assertThat(d.record().get("f")).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(csv(null, null, null, "Infinity", null, "1", "u", null).record().get("x")).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void csvWrongCellCountIsDecodeRecord() {
    assertThat(csv("a", "b").reason()).hasToString("decode:record");
  }

  @Test
  void csvHeaderLackingRequiredFieldIsRefused() {
    assertThatThrownBy(() -> new CsvRecordDecoder(SCHEMA, List.of("id", "x"), List.of(), "events.csv"))
        .hasMessageContaining("events.csv").hasMessageContaining("[n]");
  }

  @Test
  void csvParserHandlesRfc4180() throws IOException {
    CsvParser p = new CsvParser(new StringReader("a,b\r\n\"x,1\",\"he said \"\"hi\"\"\"\n\"multi\nline\",\n,\"\"\nbad\"quote,1\n\"open,2"));
    CsvParser.Row h = p.next();
    assertThat(h.cells()).containsExactly("a", "b");
    CsvParser.Row r1 = p.next();
    assertThat(r1.cells()).containsExactly("x,1", "he said \"hi\"");
    assertThat(r1.line()).isEqualTo(2);
    CsvParser.Row r2 = p.next();
    assertThat(r2.cells()).containsExactly("multi\nline", null);
    assertThat(r2.line()).isEqualTo(3);
    CsvParser.Row r3 = p.next();
    assertThat(r3.cells()).containsExactly(null, "");
    assertThat(r3.line()).isEqualTo(5);
    CsvParser.Row r4 = p.next();
    assertThat(r4.malformed()).isTrue();
    assertThat(r4.line()).isEqualTo(6);
    CsvParser.Row r5 = p.next();
    assertThat(r5.malformed()).isTrue();
    assertThat(r5.raw()).isEqualTo("\"open,2");
    assertThat(p.next()).isNull();
  }

  static Decoded json(String text) {
    return new JsonRecordDecoder(SCHEMA, List.of()).decode(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jsonReadsPlainValues() {
    Decoded d = json("{\"id\":\"u\",\"n\":3,\"x\":2.5,\"f\":\"NaN\",\"ok\":false,\"big\":9007199254740993,\"more\":[1]}");
    assertThat(d.reason()).isNull();
    assertThat(d.record().get("n")).isEqualTo(3);
    assertThat(d.record().get("big")).isEqualTo(9007199254740993L);
    assertThat((Float) d.record().get("f")).isNaN();
    assertThat(d.record().get("s")).isNull();
  }

  @Test
  void jsonWrongTypesAreDecodeReasons() {
    assertThat(json("{\"id\":\"u\",\"n\":\"30\"}").reason()).hasToString("decode:n");
    assertThat(json("{\"id\":\"u\",\"n\":30.5}").reason()).hasToString("decode:n");
    assertThat(json("{\"id\":\"u\",\"n\":30.0}").reason()).hasToString("decode:n");
    assertThat(json("{\"id\":\"u\",\"n\":3000000000}").reason()).hasToString("decode:n");
    assertThat(json("{\"id\":\"u\",\"n\":1,\"ok\":\"true\"}").reason()).hasToString("decode:ok");
    assertThat(json("{\"id\":7,\"n\":1}").reason()).hasToString("decode:id");
  }

  @Test
  void jsonAbsentOrNullRequiredIsSchemaReason() {
    assertThat(json("{\"id\":\"u\"}").reason()).hasToString("schema:n");
    assertThat(json("{\"id\":null,\"n\":1}").reason()).hasToString("schema:id");
  }

  @Test
  void jsonThatIsNotAnObjectIsDecodeRecord() {
    assertThat(json("[1,2]").reason()).hasToString("decode:record");
    assertThat(json("{\"id\":").reason()).hasToString("decode:record");
    assertThat(json("42").reason()).hasToString("decode:record");
    byte[] badUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThat(new JsonRecordDecoder(SCHEMA, List.of()).decode(badUtf8).reason()).hasToString("decode:record");
  }

  static GenericData.Record sample() {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("id", "u1");
    r.put("n", 5);
    r.put("x", 1.25);
    r.put("s", "hello");
    return r;
  }

  @Test
  void avroBinaryRoundTrips() {
    AvroCodec codec = new AvroCodec(SCHEMA);
    AvroBinaryDecoder dec = new AvroBinaryDecoder(SCHEMA);
    Decoded d = dec.decodeBinary(codec.binary(sample()));
    assertThat(d.reason()).isNull();
    assertThat(d.record().get("s").toString()).isEqualTo("hello");
    Decoded so = dec.decodeSingleObject(codec.singleObject(sample()));
    assertThat(so.record().get("x")).isEqualTo(1.25);
  }

  @Test
  void avroFailuresHaveDistinctReasons() {
    AvroCodec codec = new AvroCodec(SCHEMA);
    AvroBinaryDecoder dec = new AvroBinaryDecoder(SCHEMA);
    byte[] good = codec.binary(sample());
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    assertThat(dec.decodeBinary(truncated).reason()).hasToString("decode:record");
    byte[] trailing = Arrays.copyOf(good, good.length + 4);
    assertThat(dec.decodeBinary(trailing).reason()).hasToString("schema:record");
    byte[] garbage = {(byte) 0x01, (byte) 0x41, (byte) 0x7f, (byte) 0xff, (byte) 0xff};
    assertThat(dec.decodeBinary(garbage).reason().kind()).isEqualTo(io.lockstep.deadletter.Reason.Kind.DECODE);
    assertThat(dec.decodeBinary(garbage).reason().detail()).isNotEqualTo("record");
    Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    GenericData.Record o = new GenericData.Record(other);
    o.put("a", "zz");
    assertThat(dec.decodeSingleObject(new AvroCodec(other).singleObject(o)).reason()).hasToString("schema:record");
    assertThat(dec.decodeSingleObject(good).reason()).hasToString("decode:record");
  }
}
