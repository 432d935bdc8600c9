package io.lockstep.batch.io;

import io.lockstep.deadletter.DeadLetter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dead letters as JSON lines at {@code <output>.deadletter.jsonl}. The file is created lazily but
 * always exists after {@link #close()} (empty when nothing was rejected), so a script can rely on it.
 */
public final class DeadLetterWriter implements AutoCloseable {
  private final Path path;
  private final int maxOriginalBytes;
  private BufferedWriter out;
  private long count;

  /** @param maxOriginalBytes the cap on each dead letter's {@code original} (docs/spec.md, Dead letters) */
  public DeadLetterWriter(Path path, int maxOriginalBytes) {
    this.path = path;
    this.maxOriginalBytes = maxOriginalBytes;
  }

  public static Path pathFor(Path output) {
    return output.resolveSibling(output.getFileName() + ".deadletter.jsonl");
  }

  public void write(DeadLetter dl) throws IOException {
    if (out == null) {
      out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
    }
    out.write(dl.toJson(maxOriginalBytes));
    out.write('\n');
    count++;
  }

  public long count() {
    return count;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    if (out == null) {
      out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
    }
    out.close();
  }
}
