package io.lockstep.batch.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** One local[2] session per test class, bound to 127.0.0.1, no UI, few shuffle partitions. */
final class LocalSpark {
  static final ObjectMapper JSON = new ObjectMapper();

  private LocalSpark() {}

  static SparkSession start(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.default.parallelism", "2")
        .getOrCreate();
  }

  /** Every JSON line of a directory's part files, in part-file order. */
  static List<JsonNode> readJsonDir(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path part : parts(dir)) {
      for (String l : Files.readAllLines(part)) {
        if (!l.isBlank()) {
          out.add(JSON.readTree(l));
        }
      }
    }
    return out;
  }

  static List<Path> parts(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
  }

  static int line(String source) {
    return Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
  }
}
