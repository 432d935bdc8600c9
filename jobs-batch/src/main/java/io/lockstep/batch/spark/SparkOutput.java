package io.lockstep.batch.spark;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.OutputGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes predictions as a directory of part files in the output format (docs/spec.md, CLI), replacing
 * an earlier run's output as {@code lockstep score} replaces its file, with the prediction Avro
 * schema beside them as {@code _schema.avsc} (a {@code _} name, so Spark's readers skip it).
 */
final class SparkOutput {
  static final String SCHEMA_FILE = "_schema.avsc";

  private SparkOutput() {}

  /**
   * Refuses, before anything is written, an output or dead-letter directory that is, holds or lies
   * inside the input: Spark's overwrite would delete the input, or the input listing would read the
   * output back. Local paths get {@link OutputGuard}'s checks (symbolic links resolved, hard links
   * by file key); paths of other file systems are compared as qualified paths.
   *
   * @throws IllegalArgumentException naming the output and the input
   */
  static void refuseOverlaps(String input, List<String> outputs, Configuration conf) {
    Path in = qualified(input, conf);
    if (isLocal(in)) {
      OutputGuard.refuseOverlaps(List.of(java.nio.file.Path.of(in.toUri())),
          outputs.stream().map(o -> java.nio.file.Path.of(qualified(o, conf).toUri())).toList());
      return;
    }
    String inText = in.toString() + "/";
    for (String output : outputs) {
      String outText = qualified(output, conf).toString() + "/";
      if (outText.startsWith(inText) || inText.startsWith(outText)) {
        throw new IllegalArgumentException("output " + output + " overlaps the input " + input
            + "; writing it would destroy or re-read the input: choose another --output");
      }
    }
  }

  private static Path qualified(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).makeQualified(p);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }

  private static boolean isLocal(Path p) {
    return "file".equals(p.toUri().getScheme());
  }

  static void write(Dataset<Row> predictions, String output, FileFormat format, Schema schema) {
    DataFrameWriter<Row> w = predictions.write().mode(SaveMode.Overwrite);
    switch (format) {
      case CSV -> w.option("header", "true").csv(output);
      case JSONL -> w.option("ignoreNullFields", "false").json(output);
      case PARQUET -> w.parquet(output);
      case AVRO -> {
        // The derived prediction schema (record name, nullability) when the columns are exactly its fields.
        if (predictions.columns().length == schema.getFields().size()) {
          w = w.option("avroSchema", schema.toString());
        }
        w.format("avro").save(output);
      }
      default -> throw new IllegalStateException(format.name());
    }
  }

  static void writeSchema(String output, Schema schema, Configuration conf) {
    Path p = new Path(output, SCHEMA_FILE);
    try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(schema.toString(true).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": cannot write: " + e.getMessage(), e);
    }
  }
}
