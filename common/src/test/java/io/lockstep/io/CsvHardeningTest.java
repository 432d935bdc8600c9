package io.lockstep.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.avro.CsvRecordDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** Issue 11 item 6: CSV never repairs bytes silently, one unclosed quote costs one record, headers are unambiguous. */
class CsvHardeningTest {

  private static List<CsvParser.Row> parse(byte[] bytes) throws IOException {
    CsvParser p = new CsvParser(new EscapingUtf8Reader(new ByteArrayInputStream(bytes)));
    List<CsvParser.Row> rows = new ArrayList<>();
    CsvParser.Row r;
    while ((r = p.next()) != null) {
      rows.add(r);
    }
    return rows;
  }

  @Test
  void invalidUtf8IsMarkedAndItsOriginalBytesAreKept() throws IOException {
    Random random = new Random(41);
    for (int trial = 0; trial < 200; trial++) {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.writeBytes("k,v\n".getBytes(StandardCharsets.UTF_8));
      byte[] bad = ("U" + trial).getBytes(StandardCharsets.UTF_8);
      file.writeBytes(bad);
      byte[] garbage = new byte[1 + random.nextInt(4)];
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = (byte) (0x80 + random.nextInt(0x80));
      }
      file.writeBytes(garbage);
      file.writeBytes(",1\nok,é😀\n".getBytes(StandardCharsets.UTF_8));
      List<CsvParser.Row> rows = parse(file.toByteArray());

      assertThat(rows).hasSize(3);
      CsvParser.Row broken = rows.get(1);
      byte[] expectedLine = new byte[bad.length + garbage.length + 2];
      System.arraycopy(bad, 0, expectedLine, 0, bad.length);
      System.arraycopy(garbage, 0, expectedLine, bad.length, garbage.length);
      expectedLine[expectedLine.length - 2] = ',';
      expectedLine[expectedLine.length - 1] = '1';
      boolean validUtf8 = isValidUtf8(garbage);
      assertThat(broken.invalidUtf8()).as("garbage %s", java.util.Arrays.toString(garbage)).isEqualTo(!validUtf8);
      assertThat(EscapingUtf8Reader.originalBytes(broken.raw())).isEqualTo(expectedLine);
      assertThat(rows.get(2).invalidUtf8()).isFalse();
      assertThat(rows.get(2).cells()).containsExactly("ok", "é😀");
    }
  }

  private static boolean isValidUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void anUnclosedQuoteCostsOneRecordAndReadingResumesOnTheNextLine() throws IOException {
    Random random = new Random(7);
    int rows = 3000 + random.nextInt(3000);
    int badAt = 1 + random.nextInt(rows - 2);
    StringBuilder csv = new StringBuilder("id,text\n");
    for (int i = 0; i < rows; i++) {
      csv.append(i).append(',').append(i == badAt ? "\"never closed" : "v" + i).append('\n');
    }
    List<CsvParser.Row> parsed = parse(csv.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(parsed).hasSize(rows + 1);
    assertThat(parsed.stream().filter(CsvParser.Row::malformed).map(CsvParser.Row::line)).containsExactly(badAt + 2);
    assertThat(parsed.get(badAt + 2).cells()).containsExactly(String.valueOf(badAt + 1), "v" + (badAt + 1));
    assertThat(parsed.get(badAt + 2).line()).isEqualTo(badAt + 3);
  }

  @Test
  void aQuotedFieldIsBoundedByLineBreaksAndByCharacters() throws IOException {
    String manyLines = "a,\"" + "x\n".repeat(5) + "\"\nb,2\n";
    CsvParser byLines = new CsvParser(new java.io.StringReader(manyLines), 3, 1000);
    CsvParser.Row first = byLines.next();
    assertThat(first.malformed()).isTrue();
    assertThat(first.raw()).isEqualTo("a,\"x");

    String legit = "a,\"" + "x\n".repeat(3) + "\"\nb,2\n";
    CsvParser ok = new CsvParser(new java.io.StringReader(legit), 3, 1000);
    assertThat(ok.next().cells()).containsExactly("a", "x\nx\nx\n");
    assertThat(ok.next().cells()).containsExactly("b", "2");

    CsvParser byChars = new CsvParser(new java.io.StringReader("a,\"" + "y".repeat(50) + "\n" + "c,3\n"), 100, 20);
    assertThat(byChars.next().malformed()).isTrue();
    assertThat(byChars.next().cells()).containsExactly("c", "3");
  }

  @Test
  void aHeaderNamingAColumnTwiceIsRefusedNamingIt() {
    Schema schema = SchemaBuilder.record("R").fields().requiredString("id").optionalInt("age").endRecord();
    assertThatThrownBy(() -> new CsvRecordDecoder(schema, List.of("id", "age", "x", "age"), List.of(), "in.csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in.csv").hasMessageContaining("'age' twice").hasMessageNotContaining("\n");
    new CsvRecordDecoder(schema, List.of("id", "", "age", ""), List.of(), "in.csv");
  }
}
