package io.lockstep.streaming.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.bundle.Bundle;
import io.lockstep.io.CsvParser;
import io.lockstep.avro.InputFormat;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A golden fixture's {@code input.csv} as Kafka values of one {@link InputFormat}, line by line.
 * JSON carries each CSV cell as the JSON value a user would write (numbers as literals, other text
 * as strings, empty as null; a malformed line as its raw text), so every bad row keeps its defect
 * and its expected reason. Avro cannot carry a row that does not decode: such rows are not sent
 * ({@link Sent#value} null) and their expected dead letters are not expected from Kafka.
 */
final class GoldenInput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /** One input line: its number (header = 1), Kafka key and value (null when not representable). */
  record Sent(int line, byte[] key, byte[] value) {}

  static List<Sent> read(Path csv, Bundle bundle, InputFormat format) throws IOException {
    Schema schema = bundle.inputSchema();
    AvroCodec codec = new AvroCodec(schema);
    String keyField = bundle.spec().key();
    List<Sent> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      CsvParser parser = new CsvParser(r);
      List<String> header = parser.next().cells();
      CsvRecordDecoder decoder = new CsvRecordDecoder(schema, header, List.of(), csv.toString());
      CsvParser.Row row;
      while ((row = parser.next()) != null) {
        if (CsvParser.isBlank(row)) {
          continue;
        }
        int k = keyField == null ? -1 : header.indexOf(keyField);
        String keyText = k < 0 || row.malformed() || k >= row.cells().size() ? null : row.cells().get(k);
        byte[] key = keyText == null || keyText.isEmpty() ? null : keyText.getBytes(StandardCharsets.UTF_8);
        byte[] value;
        if (format == InputFormat.JSON) {
          // A line whose cells do not fit the header has no object form: send its text, as a broken producer would.
          boolean shapeless = row.malformed() || row.cells().size() != header.size();
          value = shapeless ? row.raw().getBytes(StandardCharsets.UTF_8) : json(schema, header, row.cells());
        } else {
          Decoded d = row.malformed() ? Decoded.failed(io.lockstep.deadletter.Reason.undecodableRecord()) : decoder.decode(row.cells());
          value = d.isOk() ? format.encode(d.record(), codec) : null;
        }
        out.add(new Sent(row.line(), key, value));
      }
    }
    return out;
  }

  static byte[] json(Schema schema, List<String> header, List<String> cells) {
    ObjectNode n = JSON.createObjectNode();
    for (int i = 0; i < header.size() && i < cells.size(); i++) {
      String name = header.get(i);
      String cell = cells.get(i);
      Schema.Field f = schema.getField(name);
      if (cell == null || cell.isEmpty()) {
        n.putNull(name);
        continue;
      }
      Schema.Type type = f == null ? Schema.Type.STRING : nonNull(f.schema()).getType();
      switch (type) {
        case INT, LONG, FLOAT, DOUBLE -> {
          if (INTEGER.matcher(cell).matches()) {
            n.put(name, new BigInteger(cell));
          } else if (NUMBER.matcher(cell).matches()) {
            n.put(name, new BigDecimal(cell));
          } else {
            n.put(name, cell);
          }
        }
        case BOOLEAN -> {
          if (cell.equalsIgnoreCase("true") || cell.equalsIgnoreCase("false")) {
            n.put(name, Boolean.parseBoolean(cell.toLowerCase()));
          } else {
            n.put(name, cell);
          }
        }
        default -> n.put(name, cell);
      }
    }
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    return s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(s);
  }

  private GoldenInput() {}
}
