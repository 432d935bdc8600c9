package io.lockstep.batch.io;

import java.util.Locale;

/** File formats, chosen by extension (docs/spec.md, CLI). */
public enum FileFormat {
  CSV("csv"), JSONL("jsonl"), PARQUET("parquet"), AVRO("avro");

  private final String extension;

  FileFormat(String extension) {
    this.extension = extension;
  }

  public String extension() {
    return extension;
  }

  /** The format of a path by its extension ({@code .json} is read as JSON lines). */
  public static FileFormat of(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith(".csv")) {
      return CSV;
    } else if (p.endsWith(".jsonl") || p.endsWith(".json") || p.endsWith(".ndjson")) {
      return JSONL;
    } else if (p.endsWith(".parquet")) {
      return PARQUET;
    } else if (p.endsWith(".avro")) {
      return AVRO;
    }
    throw new IllegalArgumentException("cannot tell the format of '" + path + "': use a .csv, .jsonl, .parquet or .avro name");
  }

  /** Parses a format name given by a flag ({@code csv}, {@code json}, {@code jsonl}, ...). */
  public static FileFormat named(String name) {
    return of("x." + name);
  }
}
