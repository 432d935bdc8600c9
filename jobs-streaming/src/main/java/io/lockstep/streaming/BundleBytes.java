package io.lockstep.streaming;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A bundle as the bytes of a {@code .zip}, shipped inside the job graph. Task managers need not see
 * the client's file system: each task loads the bundle from these bytes in {@code open()}, and the
 * sha256 checks of {@link BundleLoader} run again there.
 */
public final class BundleBytes implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String origin;
  private final byte[] zip;

  private BundleBytes(String origin, byte[] zip) {
    this.origin = origin;
    this.zip = zip;
  }

  /** Reads a bundle directory or {@code .zip}. */
  public static BundleBytes read(Path path) {
    try {
      if (Files.isRegularFile(path)) {
        return new BundleBytes(path.toString(), Files.readAllBytes(path));
      }
      if (!Files.isDirectory(path)) {
        throw new IllegalArgumentException("--bundle " + path + ": no such directory or .zip");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream out = new ZipOutputStream(bytes); Stream<Path> files = Files.list(path)) {
        List<Path> sorted = files.filter(Files::isRegularFile).sorted().toList();
        for (Path f : sorted) {
          out.putNextEntry(new ZipEntry(f.getFileName().toString()));
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
      return new BundleBytes(path.toString(), bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("--bundle " + path + ": " + e.getMessage(), e);
    }
  }

  /** Loads (and verifies) the bundle from a temporary copy. */
  public Bundle load() {
    try {
      return BundleLoader.loadZip(new ByteArrayInputStream(zip));
    } catch (IOException e) {
      throw new UncheckedIOException("bundle " + origin + ": " + e.getMessage(), e);
    }
  }

  public String origin() {
    return origin;
  }
}
