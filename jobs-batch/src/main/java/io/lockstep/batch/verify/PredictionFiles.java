package io.lockstep.batch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.io.CsvParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * The prediction output of any level, read row by row (docs/spec.md, Verify): a single-node file
 * (dead letters in {@code <file>.deadletter.jsonl}), a Spark output directory of part files (dead
 * letters in {@code <dir>_deadletter/}), or a file written by {@code lockstep tail} (JSON lines or
 * CSV; tail the dead-letter topic into {@code <file>.deadletter.jsonl} beside it). Column types come
 * from the prediction schema written with the output ({@code <file>.schema.avsc}, or
 * {@code _schema.avsc} in a Spark directory) when there is one, else from the values.
 */
public final class PredictionFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final List<Path> parts;
  private final FileFormat format;
  private final Schema schema;
  private final List<Path> deadLetters;

  private PredictionFiles(Path path, List<Path> parts, FileFormat format, Schema schema, List<Path> deadLetters) {
    this.path = path;
    this.parts = parts;
    this.format = format;
    this.schema = schema;
    this.deadLetters = deadLetters;
  }

  public static PredictionFiles open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      List<Path> parts;
      try (Stream<Path> s = Files.list(path)) {
        parts = s.filter(Files::isRegularFile).filter(p -> !hidden(p)).sorted().toList();
      }
      FileFormat format = parts.stream().map(PredictionFiles::formatOf).filter(f -> f != null).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(path + ": no .csv, .json, .parquet or .avro part files in this directory"));
      parts = parts.stream().filter(p -> formatOf(p) == format).toList();
      Path dead = Path.of(stripSlash(path.toString()) + "_deadletter");
      return new PredictionFiles(path, parts, format, schema(path.resolve("_schema.avsc")), deadLetterParts(dead));
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + ": no such prediction file or directory");
    }
    Path dead = path.resolveSibling(path.getFileName() + ".deadletter.jsonl");
    Path schemaFile = path.resolveSibling(path.getFileName() + ".schema.avsc");
    return new PredictionFiles(path, List.of(path), FileFormat.of(path.toString()), schema(schemaFile),
        Files.isRegularFile(dead) ? List.of(dead) : List.of());
  }

  public Path path() {
    return path;
  }

  /** The dead-letter files found beside the output (empty when there are none). */
  public List<Path> deadLetters() {
    return deadLetters;
  }

  /** The prediction schema written beside the output, or null. */
  public Schema schema() {
    return schema;
  }

  /** Reads every row in file order; values are Long, Double, String, Boolean or null. */
  public Rows rows() throws IOException {
    return new Rows();
  }

  /** One pass over the rows. */
  public final class Rows implements Closeable {
    private final Iterator<Path> files = parts.iterator();
    private RowReader current;

    public Map<String, Object> next() throws IOException {
      while (true) {
        if (current == null) {
          if (!files.hasNext()) {
            return null;
          }
          current = reader(files.next());
        }
        Map<String, Object> r = current.next();
        if (r != null) {
          return r;
        }
        current.close();
        current = null;
      }
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
      }
    }
  }

  private interface RowReader extends Closeable {
    Map<String, Object> next() throws IOException;
  }

  private RowReader reader(Path file) throws IOException {
    return switch (format) {
      case JSONL -> jsonl(file);
      case CSV -> csv(file);
      case AVRO -> avro(file);
      case PARQUET -> parquet(file);
    };
  }

  private RowReader jsonl(Path file) throws IOException {
    BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    return new RowReader() {
      int line;

      @Override
      public Map<String, Object> next() throws IOException {
        String l;
        while ((l = in.readLine()) != null) {
          line++;
          if (!l.isBlank()) {
            JsonNode n;
            try {
              n = JSON.readTree(l);
            } catch (IOException e) {
              throw new IllegalArgumentException(file + ":" + line + ": not a JSON object: " + e.getMessage());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> row.put(e.getKey(), typed(e.getKey(), jsonValue(e.getValue()))));
            return row;
          }
        }
        return null;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  private RowReader csv(Path file) throws IOException {
    InputStreamReader text = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8);
    CsvParser parser = new CsvParser(text);
    CsvParser.Row first = parser.next();
    List<String> header = first == null ? List.of() : first.cells();
    return new RowReader() {
      @Override
      public Map<String, Object> next() throws IOException {
        CsvParser.Row r = parser.next();
        if (r == null) {
          return null;
        }
        if (r.malformed() || r.cells().size() != header.size()) {
          throw new IllegalArgumentException(file + ":" + r.line() + ": " + r.cells().size() + " cells for a header of " + header.size());
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          String cell = r.cells().get(i);
          row.put(header.get(i), typed(header.get(i), cell == null || cell.isEmpty() ? null : cell));
        }
        return row;
      }

      @Override
      public void close() throws IOException {
        text.close();
      }
    };
  }

  private RowReader avro(Path file) throws IOException {
    DataFileReader<GenericRecord> in = new DataFileReader<>(file.toFile(), new GenericDatumReader<>());
    return new RowReader() {
      @Override
      public Map<String, Object> next() {
        return in.hasNext() ? record(in.next()) : null;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  private RowReader parquet(Path file) throws IOException {
    ParquetReader<GenericRecord> in = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).build();
    return new RowReader() {
      @Override
      public Map<String, Object> next() throws IOException {
        GenericRecord r = in.read();
        return r == null ? null : record(r);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  private Map<String, Object> record(GenericRecord r) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Schema.Field f : r.getSchema().getFields()) {
      Object v = r.get(f.pos());
      row.put(f.name(), typed(f.name(), v instanceof CharSequence cs ? cs.toString() : v));
    }
    return row;
  }

  /** A value as the prediction schema types it: floats and doubles as Double, ints and longs as Long. */
  private Object typed(String field, Object v) {
    if (v == null) {
      return null;
    }
    Schema.Type t = schema == null || schema.getField(field) == null ? null : nonNull(schema.getField(field).schema()).getType();
    if (t == Schema.Type.FLOAT) {
      // the float32 the level computed: text like "0.1" (Float.toString) reads back to it only through float
      return v instanceof Number n ? (double) n.floatValue() : parseFloat(v.toString());
    } else if (t == Schema.Type.DOUBLE) {
      return v instanceof Number n ? n.doubleValue() : parseDouble(v.toString());
    } else if (t == Schema.Type.INT || t == Schema.Type.LONG) {
      return v instanceof Number n ? n.longValue() : parseLong(v.toString());
    } else if (t == Schema.Type.STRING) {
      return v.toString();
    }
    if (v instanceof Float || v instanceof Double) {
      return ((Number) v).doubleValue();
    } else if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    } else if (v instanceof String s && schema == null && format == FileFormat.CSV) {
      return guess(s);
    }
    return v;
  }

  private static Object guess(String s) {
    if (s.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(s);
    }
    if (s.matches("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|NaN|-?Infinity")) {
      return Double.parseDouble(s);
    }
    return s;
  }

  private static Object parseFloat(String s) {
    try {
      return (double) Float.parseFloat(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static Object parseDouble(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static Object parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static Object jsonValue(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    } else if (v.isIntegralNumber()) {
      return v.asLong();
    } else if (v.isNumber()) {
      return v.asDouble();
    } else if (v.isBoolean()) {
      return v.asBoolean();
    } else if (v.isTextual()) {
      return v.textValue();
    }
    return v.toString();
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      for (Schema t : s.getTypes()) {
        if (t.getType() != Schema.Type.NULL) {
          return t;
        }
      }
    }
    return s;
  }

  private static Schema schema(Path file) {
    try {
      return Files.isRegularFile(file) ? new Schema.Parser().parse(file.toFile()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<Path> deadLetterParts(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.filter(Files::isRegularFile).filter(p -> !hidden(p)).sorted().toList());
    }
  }

  private static boolean hidden(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith("_") || n.startsWith(".");
  }

  private static FileFormat formatOf(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".crc")) {
      return null;
    }
    try {
      return FileFormat.of(n);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String stripSlash(String p) {
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
