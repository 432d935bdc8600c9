package io.lockstep.batch.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output files of one run, written under temporary names and renamed to their final names only
 * when the run succeeds (docs/spec.md, Outputs). A run that fails, or is killed (even with
 * {@code kill -9}), leaves under the final names either nothing or the previous complete files.
 *
 * <p>A temporary name is {@code .<name>.<pid>.lockstep-tmp} in the final file's own directory, so the
 * rename is a same-file-system {@link StandardCopyOption#ATOMIC_MOVE}. A failed run deletes its
 * temporary files; those of a killed run are deleted by the next run to the same output, once no
 * process with their pid is alive. Files are renamed in the order they were staged.
 */
public final class StagedOutputs implements AutoCloseable {
  private static final String SUFFIX = ".lockstep-tmp";
  private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.([0-9]{1,18})" + Pattern.quote(SUFFIX));

  private final Map<Path, Path> tempOf = new LinkedHashMap<>();
  private final Thread cleanup = new Thread(this::discard, "lockstep-discard-outputs");
  private boolean committed;

  public StagedOutputs() {
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** The temporary path to write instead of {@code target}; creates its directory. */
  public Path stage(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    deleteStaleTemps(dir, target.getFileName().toString());
    Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + SUFFIX);
    Files.deleteIfExists(temp);
    tempOf.put(target, temp);
    return temp;
  }

  /** Renames every staged file to its final name, replacing the previous file. */
  public void commit() throws IOException {
    for (Map.Entry<Path, Path> e : tempOf.entrySet()) {
      Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    removeHook();
  }

  /** Deletes the temporary files unless committed. */
  @Override
  public void close() {
    if (!committed) {
      discard();
    }
    removeHook();
  }

  private synchronized void discard() {
    if (committed) {
      return;
    }
    for (Path temp : tempOf.values()) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Best effort: the next run to this output deletes it.
      }
    }
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // Shutting down: the hook is running or ran.
    }
  }

  /** Temporary files of earlier runs to this output whose process is gone (killed). */
  private static void deleteStaleTemps(Path dir, String name) throws IOException {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + globEscape(name) + ".*" + SUFFIX)) {
      for (Path p : files) {
        Matcher m = TEMP.matcher(p.getFileName().toString());
        if (m.matches() && m.group(1).equals(name) && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
          stale.add(p);
        }
      }
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
  }

  private static String globEscape(String s) {
    return s.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
  }
}
