package io.lockstep.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Expands a {@code .zip} bundle into a folder within {@link BundleLimits}: entry count, total
 * inflated bytes and compression ratio are checked while each entry streams out, so a zip bomb
 * is refused after at most about {@link BundleLimits#RATIO_FLOOR} bytes of an entry, never
 * expanded whole. Entry names must be relative and stay inside the bundle ({@code ..} or an
 * absolute name is refused, not silently normalised).
 */
final class BundleZip {
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private BundleZip() {}

  /**
   * Extracts {@code zip} into the empty folder {@code dir} and returns the bundle folder in it:
   * {@code dir} itself, or its only subfolder when the zip holds one folder with the files.
   *
   * @param zipName how messages name the zip
   */
  static Path extract(InputStream zip, String zipName, Path dir, BundleLimits limits) {
    CountingStream counted = new CountingStream(zip);
    String entry = null;
    try (ZipInputStream in = new ZipInputStream(counted)) {
      int entries = 0;
      long total = 0;
      ZipEntry e;
      byte[] buf = new byte[1 << 16];
      while ((e = in.getNextEntry()) != null) {
        entry = e.getName();
        if (++entries > limits.maxEntries()) {
          throw refuse(zipName, entry, "more than " + limits.maxEntries() + " entries (-D" + BundleLimits.ENTRIES_PROPERTY + ")");
        }
        Path target = target(dir, zipName, entry);
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (e.getSize() > limits.maxBytes() - total) {
          throw refuse(zipName, entry, "declares " + e.getSize() + " bytes, over the limit of " + limits.maxBytes()
              + " bytes for the whole bundle (-D" + BundleLimits.BYTES_PROPERTY + ")");
        }
        Files.createDirectories(target.getParent());
        long compressedStart = counted.count;
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            written += n;
            total += n;
            if (total > limits.maxBytes()) {
              throw refuse(zipName, entry, "inflates past the limit of " + limits.maxBytes()
                  + " bytes for the whole bundle (-D" + BundleLimits.BYTES_PROPERTY + ")");
            }
            long compressed = Math.max(1, counted.count - compressedStart);
            if (written > BundleLimits.RATIO_FLOOR && written > limits.maxRatio() * compressed) {
              throw refuse(zipName, entry, "inflates more than " + limits.maxRatio() + " times its compressed size ("
                  + written + " bytes from " + compressed + "; -D" + BundleLimits.RATIO_PROPERTY + "): refused as a zip bomb");
            }
            out.write(buf, 0, n);
          }
        } catch (FileAlreadyExistsException dup) {
          throw refuse(zipName, entry, "appears twice in the zip");
        }
      }
      if (entries == 0) {
        throw new BundleException(zipName + ": not a zip, or an empty one: no entries");
      }
      return bundleFolder(dir);
    } catch (ZipException | IllegalArgumentException e) {
      // IllegalArgumentException: java.util.zip's answer to an entry name that is not UTF-8 (found by the fuzz suite).
      throw new BundleException(zipName + (entry == null ? "" : ": entry '" + entry + "'") + ": damaged zip: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new BundleException(zipName + ": cannot unzip: " + e.getMessage(), e);
    }
  }

  private static Path target(Path dir, String zipName, String entry) {
    if (entry.isEmpty() || entry.startsWith("/") || entry.startsWith("\\") || DRIVE.matcher(entry).matches()) {
      throw refuse(zipName, entry, "has an absolute name; a bundle zip holds only names relative to the bundle");
    }
    for (String part : entry.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw refuse(zipName, entry, "has a '..' in its name; a bundle zip holds only names inside the bundle");
      }
    }
    Path target = dir.resolve(entry).normalize();
    if (!target.startsWith(dir)) {
      throw refuse(zipName, entry, "escapes the bundle folder");
    }
    return target;
  }

  private static Path bundleFolder(Path dir) throws IOException {
    if (Files.exists(dir.resolve(Bundle.BUNDLE_YAML))) {
      return dir;
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> children = s.toList();
      if (children.size() == 1 && Files.isDirectory(children.get(0))) {
        return children.get(0);
      }
    }
    return dir;
  }

  private static BundleException refuse(String zipName, String entry, String why) {
    return new BundleException(zipName + ": entry '" + entry + "' " + why);
  }

  /** Counts the compressed bytes the inflater has consumed (ahead by at most one read buffer). */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
