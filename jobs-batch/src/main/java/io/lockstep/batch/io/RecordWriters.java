package io.lockstep.batch.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;

/** Opens the writer for a file by its format. */
public final class RecordWriters {
  private RecordWriters() {}

  public static RecordWriter open(Path file, FileFormat format, Schema schema) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return switch (format) {
      case CSV -> new CsvRecordWriter(Files.newOutputStream(file), schema);
      case JSONL -> new JsonlRecordWriter(Files.newOutputStream(file));
      case AVRO -> new AvroRecordWriter(Files.newOutputStream(file), schema);
      case PARQUET -> {
        Files.deleteIfExists(file);
        yield new ParquetRecordWriter(file, schema);
      }
    };
  }
}
