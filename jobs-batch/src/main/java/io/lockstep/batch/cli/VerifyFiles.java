package io.lockstep.batch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary work directories of the commands that score for themselves (profile, verify). */
final class VerifyFiles {
  private VerifyFiles() {}

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("lockstep: could not delete the temporary directory " + dir + ": " + e.getMessage());
    }
  }
}
