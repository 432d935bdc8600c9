package io.lockstep.streaming.lifecycle;

import io.lockstep.bundle.ShippedBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Reads a bundle named by a control command's {@code bundle} URI, on the task manager that loads it
 * (docs/spec.md, Model lifecycle): a plain path or a {@code file:} URI from the local disk (a
 * directory or {@code .zip}, verified by {@link ShippedBundle#read}); any other scheme through
 * Flink's file systems, which reach HDFS and object stores through the cluster's plugins. The
 * bundle's own checks (zip limits, every file's sha256, bounded YAML) apply when it is loaded.
 */
public final class BundleFetcher {
  /** A bundle directory on a remote file system holds a handful of files; refuse to read a tree. */
  private static final int MAX_FILES = 64;

  private BundleFetcher() {}

  /** @throws IllegalArgumentException with one line naming the URI when it cannot be read */
  public static ShippedBundle fetch(String uri) {
    URI parsed = parse(uri);
    if (parsed == null || parsed.getScheme() == null || "file".equals(parsed.getScheme())) {
      Path local = parsed != null && "file".equals(parsed.getScheme()) ? Path.of(parsed) : Path.of(uri);
      if (!local.toFile().exists()) {
        throw new IllegalArgumentException("bundle " + uri + " does not exist on this task manager");
      }
      return ShippedBundle.read(local);
    }
    try {
      org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(parsed);
      FileSystem fs = path.getFileSystem();
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("bundle " + uri + " does not exist");
      }
      FileStatus status = fs.getFileStatus(path);
      if (!status.isDir()) {
        return ShippedBundle.ofZip(uri, read(fs, path));
      }
      Map<String, byte[]> files = new LinkedHashMap<>();
      FileStatus[] entries = fs.listStatus(path);
      if (entries.length > MAX_FILES) {
        throw new IllegalArgumentException("bundle " + uri + " holds " + entries.length + " entries; a bundle has at most " + MAX_FILES);
      }
      for (FileStatus f : entries) {
        if (!f.isDir()) {
          files.put(f.getPath().getName(), read(fs, f.getPath()));
        }
      }
      return ShippedBundle.ofDirectory(uri, files);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read bundle " + uri + ": " + e.getMessage(), e);
    }
  }

  private static URI parse(String uri) {
    try {
      URI u = new URI(uri);
      // a Windows-like "C:\..." or a relative path has no usable scheme
      return u.getScheme() != null && u.getScheme().length() == 1 ? null : u;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static byte[] read(FileSystem fs, org.apache.flink.core.fs.Path p) throws IOException {
    try (InputStream in = fs.open(p); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toByteArray();
    }
  }
}
