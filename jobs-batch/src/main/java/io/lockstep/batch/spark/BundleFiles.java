package io.lockstep.batch.spark;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleException;
import io.lockstep.bundle.BundleLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The bytes of a bundle (directory or {@code .zip}) read once on the driver from any Hadoop path,
 * so that executors need no access to where it came from: the job broadcasts this, and each
 * executor JVM writes it to a local temp directory once and loads it with the same
 * {@link BundleLoader} (sha256 checks included) as every other level.
 *
 * @param files file name to content; a zip bundle is the single entry {@code bundle.zip}
 * @param id sha256 over names and contents: the identity executors cache the loaded bundle by
 */
public record BundleFiles(String origin, Map<String, byte[]> files, String id) implements Serializable {
  static final String ZIP = "bundle.zip";

  /** Reads the bundle at {@code path} (local or any Hadoop file system). */
  public static BundleFiles read(String path, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new BundleException(path + ": no such bundle directory (or .zip)");
      }
      Map<String, byte[]> files = new TreeMap<>();
      if (fs.getFileStatus(p).isDirectory()) {
        for (FileStatus f : fs.listStatus(p)) {
          if (f.isFile()) {
            files.put(f.getPath().getName(), readAll(fs, f.getPath()));
          }
        }
      } else {
        files.put(ZIP, readAll(fs, p));
      }
      return new BundleFiles(path, files, digest(files));
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": cannot read the bundle: " + e.getMessage(), e);
    }
  }

  /** Writes the files to a fresh local temp directory and loads (and verifies) the bundle there. */
  public Bundle load() {
    try {
      Path dir = Files.createTempDirectory("lockstep-bundle-");
      dir.toFile().deleteOnExit();
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path f = dir.resolve(e.getKey());
        Files.write(f, e.getValue());
        f.toFile().deleteOnExit();
      }
      return BundleLoader.load(files.containsKey(ZIP) ? dir.resolve(ZIP) : dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write bundle " + origin + " to a local temp directory: " + e.getMessage(), e);
    }
  }

  /** Serialised size: a user shipping a large model should know what each broadcast costs. */
  public long bytes() {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  private static byte[] readAll(FileSystem fs, org.apache.hadoop.fs.Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  private static String digest(Map<String, byte[]> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(e.getValue());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
