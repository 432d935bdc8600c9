package io.lockstep.bundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A bundle on its way to Spark executors and Flink tasks: the bytes of a {@code .zip} of it, their
 * sha256 and where it came from. Workers need not see the client's file system. {@link #load()}
 * loads it once per JVM however many tasks, operators and attempts ask (keyed by the sha256 of the
 * bytes), in a temporary folder that is deleted again (see {@code ExtractedBundles}), and with the
 * same checks as every other level: zip limits, the sha256 of every file, bounded YAML.
 *
 * <p>Engine adapters only read the bytes: Spark through Hadoop's file systems, Flink from the
 * client's disk ({@link #read(Path)}).
 */
public final class ShippedBundle implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String origin;
  private final byte[] zip;
  private final String sha256;

  private ShippedBundle(String origin, byte[] zip) {
    this.origin = origin;
    this.zip = zip;
    this.sha256 = Sha256.of(zip);
  }

  /**
   * Reads a bundle directory or {@code .zip} on this machine. A directory is verified first (a
   * symbolic link out of it is refused) and only {@code bundle.yaml} and the files it lists are shipped.
   */
  public static ShippedBundle read(Path path) {
    try {
      if (Files.isRegularFile(path)) {
        return ofZip(path.toString(), Files.readAllBytes(path));
      }
      Bundle bundle = BundleLoader.load(path);
      Map<String, byte[]> files = new TreeMap<>();
      files.put(Bundle.BUNDLE_YAML, Files.readAllBytes(bundle.dir().resolve(Bundle.BUNDLE_YAML)));
      for (String f : bundle.sha256().keySet()) {
        files.put(f, Files.readAllBytes(bundle.dir().resolve(f).toRealPath()));
      }
      ShippedBundle shipped = ofDirectory(path.toString(), files);
      // This JVM (the Spark driver, the Flink client; in local mode also the executors) has just
      // verified the directory: it need not extract and verify the shipped copy again.
      ExtractedBundles.remember(shipped.sha256, bundle);
      return shipped;
    } catch (IOException e) {
      throw new BundleException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A bundle given as the bytes of its {@code .zip}; {@code origin} names it in messages. */
  public static ShippedBundle ofZip(String origin, byte[] zip) {
    return new ShippedBundle(origin, zip);
  }

  /** A bundle given as its directory's files (name to content), e.g. read from a remote file system. */
  public static ShippedBundle ofDirectory(String origin, Map<String, byte[]> files) {
    return new ShippedBundle(origin, zip(new TreeMap<>(files)));
  }

  /** The verified bundle; the same instance for every caller in this JVM while one is in use. */
  public Bundle load() {
    return ExtractedBundles.load(sha256, origin, () -> new ByteArrayInputStream(zip));
  }

  /** Where the bundle came from (the path the user gave). */
  public String origin() {
    return origin;
  }

  /** sha256 of the shipped bytes: two shipments with equal sha256 are the same bundle. */
  public String sha256() {
    return sha256;
  }

  /** Shipped size: a user shipping a large model should know what each broadcast costs. */
  public long bytes() {
    return zip.length;
  }

  /**
   * A deterministic zip (sorted names, no timestamps), so that the same files give the same sha256.
   * Entries are stored, not deflated: ONNX weights barely compress, and deflating a large model
   * would add seconds to every job start.
   */
  private static byte[] zip(Map<String, byte[]> sorted) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : sorted.entrySet()) {
        ZipEntry e = new ZipEntry(f.getKey());
        e.setTime(0);
        e.setMethod(ZipEntry.STORED);
        e.setSize(f.getValue().length);
        e.setCompressedSize(f.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(f.getValue());
        e.setCrc(crc.getValue());
        out.putNextEntry(e);
        out.write(f.getValue());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
