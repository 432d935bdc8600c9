package io.lockstep.batch.spark;

import io.lockstep.bundle.BundleException;
import io.lockstep.bundle.ShippedBundle;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a bundle on the driver from any Hadoop path into a {@link ShippedBundle} (which the job
 * broadcasts, and each executor loads once). A local path goes to {@link ShippedBundle#read} so that
 * its symbolic-link checks apply; other file systems only hand over the bytes.
 */
public final class HadoopBundles {
  private HadoopBundles() {}

  public static ShippedBundle read(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (fs instanceof LocalFileSystem local) {
        return ShippedBundle.read(java.nio.file.Path.of(local.pathToFile(p).getPath()));
      }
      if (!fs.exists(p)) {
        throw new BundleException(path + ": no such bundle directory (or .zip)");
      }
      if (!fs.getFileStatus(p).isDirectory()) {
        return ShippedBundle.ofZip(path, readAll(fs, p));
      }
      Map<String, byte[]> files = new TreeMap<>();
      for (FileStatus f : fs.listStatus(p)) {
        if (f.isFile()) {
          files.put(f.getPath().getName(), readAll(fs, f.getPath()));
        }
      }
      return ShippedBundle.ofDirectory(path, files);
    } catch (IOException e) {
      throw new BundleException(path + ": cannot read the bundle: " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
