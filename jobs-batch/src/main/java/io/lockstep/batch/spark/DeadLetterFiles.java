package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the job's dead letters go: JSON-lines part files in {@code <output>_deadletter/}
 * (docs/spec.md, Dead letters), one per partition that rejected something, named by the partition id. A retried
 * task overwrites its partition's file, so a retry does not duplicate dead letters. Written beside
 * the predictions in the same pass: scoring runs once, with no cache of the whole input.
 */
public record DeadLetterFiles(String dir) implements Serializable {

  public static DeadLetterFiles forOutput(String output) {
    String base = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    return new DeadLetterFiles(base + "_deadletter");
  }

  /** Opens lazily: a partition with no dead letters writes no file. */
  Writer writer(int partition, Configuration conf) {
    return new Writer(new Path(dir, String.format("part-%05d.jsonl", partition)), conf);
  }

  /** Clears the directory before a run and creates it, so it exists even when nothing is rejected. */
  public void prepare(Configuration conf) {
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(conf);
      fs.delete(p, true);
      fs.mkdirs(p);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot create the dead-letter directory: " + e.getMessage(), e);
    }
  }

  /** One partition's dead-letter file. */
  static final class Writer implements AutoCloseable {
    private final Path path;
    private final Configuration conf;
    private BufferedWriter out;

    Writer(Path path, Configuration conf) {
      this.path = path;
      this.conf = conf;
    }

    void write(DeadLetter dl, int maxOriginalBytes) {
      try {
        if (out == null) {
          out = new BufferedWriter(new OutputStreamWriter(path.getFileSystem(conf).create(path, true), StandardCharsets.UTF_8));
        }
        out.write(dl.toJson(maxOriginalBytes));
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(path + ": cannot write dead letters: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          throw new UncheckedIOException(path + ": cannot close: " + e.getMessage(), e);
        }
      }
    }
  }
}
