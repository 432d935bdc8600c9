package io.lockstep.batch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dead letters beside one output, by source ({@code file:line} or {@code topic/partition/offset}):
 * what {@code lockstep verify} compares (same sources, same reasons). Held in memory: dead
 * letters are the exceptions of a run; the same row limit as the join applies.
 */
final class DeadLetterSet {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Map<String, String> reasonBySource = new HashMap<>();
  final Map<String, Long> countByReason = new TreeMap<>();
  long count;

  static DeadLetterSet read(List<Path> files, long maxRows) throws IOException {
    DeadLetterSet set = new DeadLetterSet();
    for (Path f : files) {
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode d;
          try {
            d = JSON.readTree(line);
          } catch (IOException e) {
            throw new IllegalArgumentException(f + ":" + n + ": not a dead letter (JSON object): " + e.getMessage());
          }
          String reason = d.path("reason").asText();
          String source = d.path("source").asText(f.getFileName() + ":" + n);
          set.count++;
          set.countByReason.merge(reason, 1L, Long::sum);
          if (set.reasonBySource.put(source, reason) != null) {
            set.reasonBySource.put(source + " #" + set.count, reason);
          }
          if (set.count > maxRows) {
            throw new IllegalArgumentException(f + ": more than " + maxRows + " dead letters; raise --max-rows");
          }
        }
      }
    }
    return set;
  }
}
