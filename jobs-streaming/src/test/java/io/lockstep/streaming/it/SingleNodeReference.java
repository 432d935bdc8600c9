package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Level 1's predictions for a golden fixture, from the user's own command ({@code bin/lockstep
 * score}, the jar the reactor built before this module), so that level 3 is compared with the
 * single-node scores themselves and not only with the training library's. Cached per fixture.
 */
final class SingleNodeReference {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Map<Integer, JsonNode>> CACHE = new ConcurrentHashMap<>();

  private SingleNodeReference() {}

  /** Whether the CLI jar is there (it is in a reactor build: jobs-batch is packaged first). */
  static boolean available() {
    return Files.isRegularFile(KafkaBroker.repo().resolve("jobs-batch/target/lockstep-jobs-batch.jar"));
  }

  /** Single-node predictions of the fixture's input.csv by CSV line. */
  static Map<Integer, JsonNode> predictionsByLine(GoldenFixture fx, String name) {
    return predictionsByLine(fx, fx.bundle(), name);
  }

  /** Single-node predictions of the fixture's input.csv by CSV line, scored with {@code bundle} (a version of the fixture's). */
  static Map<Integer, JsonNode> predictionsByLine(GoldenFixture fx, Path bundle, String name) {
    return CACHE.computeIfAbsent(name, n -> score(fx, bundle));
  }

  private static Map<Integer, JsonNode> score(GoldenFixture fx, Path bundle) {
    try {
      Path dir = Files.createTempDirectory("lockstep-l1-");
      Path out = dir.resolve("predictions.jsonl");
      ProcessBuilder pb = new ProcessBuilder(KafkaBroker.repo().resolve("bin/lockstep").toString(), "score",
          "--bundle", bundle.toString(), "--input", fx.inputCsv().toString(), "--output", out.toString());
      pb.environment().put("LOCKSTEP_JAVA_OPTS", "-Xmx512m");
      pb.redirectErrorStream(true).redirectOutput(dir.resolve("score.log").toFile());
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroy();
        throw new IllegalStateException("lockstep score did not finish in 180 s");
      }
      assertThat(p.exitValue()).as("lockstep score: %s", Files.readString(dir.resolve("score.log"))).isZero();
      // single node writes the good rows in input order: the expected file's lines, in order
      List<Integer> lines = new ArrayList<>(fx.expected().keySet());
      lines.sort(null);
      List<String> rows = Files.readAllLines(out);
      assertThat(rows).hasSize(lines.size());
      Map<Integer, JsonNode> byLine = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        byLine.put(lines.get(i), JSON.readTree(rows.get(i)));
      }
      return byLine;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
