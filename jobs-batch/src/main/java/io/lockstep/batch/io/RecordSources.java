package io.lockstep.batch.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;

/** Opens the reader for a file by its format. */
public final class RecordSources {
  private RecordSources() {}

  public static RecordSource open(Path file, FileFormat format, Schema schema, List<String> extras) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such input file");
    }
    String name = file.getFileName().toString();
    return switch (format) {
      case CSV -> new CsvSource(Files.newInputStream(file), name, schema, extras);
      case JSONL -> new JsonlSource(Files.newInputStream(file), name, schema, extras);
      case AVRO -> new AvroFileSource(file.toFile(), schema, extras);
      case PARQUET -> new ParquetSource(file, schema, extras);
    };
  }
}
