package io.lockstep.batch.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Refuses a run whose outputs would resolve to one of its inputs, before anything is written
 * (docs/spec.md, Outputs). Comparing path strings is not enough: {@code out.csv} may be a symlink to
 * the input, a hard link to it, or sit in a directory reached through a symlink; an input
 * {@code X.csv.deadletter.jsonl} with output {@code X.csv} would be truncated and read back forever.
 * So paths are compared with symlinks resolved (for an output that does not exist yet, its nearest
 * existing ancestor is resolved), and existing files by their file keys (device and inode), which
 * catches hard links.
 *
 * <p>Directories count too, for the Spark job whose input and output may be directories: an output
 * inside an input directory would be read back, an input inside an output directory would be
 * deleted by the overwrite.
 */
public final class OutputGuard {
  private OutputGuard() {}

  /**
   * @param inputs the files or directories the run reads (missing ones are skipped: the reader reports them)
   * @param outputs every file or directory the run writes, each named as the user would see it
   * @throws IllegalArgumentException naming the output and the input it would overwrite
   */
  public static void refuseOverlaps(List<Path> inputs, List<Path> outputs) {
    for (Path in : inputs) {
      if (!Files.exists(in)) {
        continue;
      }
      Path inReal = real(in);
      Object inKey = fileKey(in);
      boolean inIsDir = Files.isDirectory(in);
      for (Path out : outputs) {
        Path outReal = real(out);
        boolean same = outReal.equals(inReal)
            || Files.exists(out) && inKey != null && Objects.equals(inKey, fileKey(out));
        if (same) {
          throw new IllegalArgumentException("output " + out + " is the input " + in
              + (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize()) ? "" : " (through a link: " + outReal + ")")
              + "; writing it would destroy the input: choose another --output");
        }
        if (inIsDir && outReal.startsWith(inReal)) {
          throw new IllegalArgumentException("output " + out + " is inside the input directory " + in
              + "; it would be read back as input: choose an --output outside it");
        }
        if (inReal.startsWith(outReal)) {
          throw new IllegalArgumentException("input " + in + " is inside the output " + out
              + "; writing the output would delete it: choose another --output");
        }
      }
    }
  }

  /** The real path, with symlinks resolved; for a path that does not exist, its nearest existing ancestor's. */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      Path resolved = Files.exists(existing) ? existing.toRealPath() : existing;
      return resolved.resolve(existing.relativize(abs)).normalize();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + p + ": " + e.getMessage(), e);
    }
  }

  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
