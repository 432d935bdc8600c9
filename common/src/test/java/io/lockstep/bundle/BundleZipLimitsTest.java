package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .zip} bundle is refused, with one line naming the zip and the entry, when it has too many
 * entries, inflates past the size limit or inflates too much relative to its compressed size, and
 * the refusal comes while the entry streams out, not after writing it whole. Hostile zips are built here.
 */
class BundleZipLimitsTest {
  private static final long GIB = 1L << 30;

  @TempDir
  Path tmp;

  @Test
  void aOneMegabyteZipOfOneGibibyteIsRefusedAfterAboutOneMebibyteWritten() throws IOException {
    Path bomb = tmp.resolve("bomb.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      z.setLevel(Deflater.BEST_COMPRESSION);
      z.putNextEntry(new ZipEntry("model.onnx"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 1024; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    assertThat(Files.size(bomb)).isLessThan(2L << 20);
    Path out = Files.createDirectory(tmp.resolve("out"));

    try (InputStream in = Files.newInputStream(bomb)) {
      assertThatThrownBy(() -> BundleZip.extract(in, bomb.toString(), out, BundleLimits.current()))
          .isInstanceOf(BundleException.class)
          .hasMessageStartingWith(bomb + ": entry 'model.onnx' inflates more than 100 times")
          .hasMessageContaining("zip bomb")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThat(Files.size(out.resolve("model.onnx"))).isLessThan(2L << 20);
  }

  @Test
  void theSameBombThroughTheLoaderLeavesNoFolder() throws IOException {
    Path bomb = tmp.resolve("bomb2.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new ZipEntry("features.yaml"));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) {
        z.write(spaces);
      }
      z.closeEntry();
    }
    int before = TestBundles.tempFoldersOfThisJvm().size();
    assertThatThrownBy(() -> BundleLoader.load(bomb)).isInstanceOf(BundleException.class)
        .hasMessageContaining(bomb.toString()).hasMessageContaining("entry 'features.yaml'");
    assertThat(TestBundles.tempFoldersOfThisJvm()).hasSize(before);
  }

  @Test
  void totalInflatedSizeIsLimitedAcrossEntries() throws IOException {
    byte[] random = new byte[40_000];
    new Random(7).nextBytes(random);
    Path zip = tmp.resolve("big.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : new String[] {"a.bin", "b.bin", "c.bin"}) {
        z.putNextEntry(new ZipEntry(name));
        z.write(random);
        z.closeEntry();
      }
    }
    BundleLimits small = new BundleLimits(64, 100_000, 100);
    assertThatThrownBy(() -> extract(zip, small))
        .hasMessageStartingWith(zip + ": entry 'c.bin' ")
        .hasMessageContaining("limit of 100000 bytes for the whole bundle")
        .hasMessageContaining(BundleLimits.BYTES_PROPERTY);
  }

  @Test
  void entryCountIsLimited() throws IOException {
    Path zip = tmp.resolve("many.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (int i = 0; i < BundleLimits.DEFAULT_MAX_ENTRIES + 1; i++) {
        z.putNextEntry(new ZipEntry("f" + i));
        z.closeEntry();
      }
    }
    assertThatThrownBy(() -> extract(zip, BundleLimits.current()))
        .hasMessage(zip + ": entry 'f" + BundleLimits.DEFAULT_MAX_ENTRIES + "' more than "
            + BundleLimits.DEFAULT_MAX_ENTRIES + " entries (-D" + BundleLimits.ENTRIES_PROPERTY + ")");
  }

  @Test
  void entriesWithDotDotOrAbsoluteNamesAreRefusedNotNormalised() throws IOException {
    for (String name : new String[] {"../evil.yaml", "lr/../../evil.yaml", "ok/..\\..\\evil", "/etc/cron.d/evil", "C:/evil"}) {
      Path zip = tmp.resolve("slip-" + Math.abs(name.hashCode()) + ".zip");
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
        z.putNextEntry(new ZipEntry(name));
        z.write("x".getBytes());
        z.closeEntry();
      }
      assertThatThrownBy(() -> extract(zip, BundleLimits.current()))
          .as(name)
          .hasMessageStartingWith(zip + ": entry '" + name + "' has ");
    }
    assertThat(tmp.resolve("evil.yaml")).doesNotExist();
  }

  @Test
  void aSmallEntryThatCompressesVeryWellIsAccepted() throws IOException {
    Path zip = tmp.resolve("text.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("reference.json"));
      z.write(new byte[(int) BundleLimits.RATIO_FLOOR - 1]);
      z.closeEntry();
    }
    Path out = extract(zip, BundleLimits.current());
    assertThat(Files.size(out.resolve("reference.json"))).isEqualTo(BundleLimits.RATIO_FLOOR - 1);
  }

  @Test
  void aDuplicateEntryIsRefused() throws IOException {
    Path zip = tmp.resolve("dup.zip");
    byte[] bytes = zipWithTwice("features.yaml");
    Files.write(zip, bytes);
    assertThatThrownBy(() -> extract(zip, BundleLimits.current()))
        .hasMessage(zip + ": entry 'features.yaml' appears twice in the zip");
  }

  @Test
  void notAZipIsOneLine() throws IOException {
    Path zip = Files.writeString(tmp.resolve("text.zip"), "this is not a zip\n");
    assertThatThrownBy(() -> BundleLoader.load(zip)).isInstanceOf(BundleException.class)
        .hasMessageStartingWith(zip.toString()).hasMessageContaining("no entries");
  }

  @Test
  void anEntryNameThatIsNotUtf8IsADamagedZip() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("AAAA.yaml"));
      z.closeEntry();
    }
    byte[] b = bytes.toByteArray();
    for (int i = 0; i + 4 <= b.length; i++) {
      if (b[i] == 'A' && b[i + 1] == 'A' && b[i + 2] == 'A' && b[i + 3] == 'A') {
        b[i] = (byte) 0xff;
        b[i + 1] = (byte) 0xfe;
      }
    }
    Path zip = Files.write(tmp.resolve("latin.zip"), b);
    assertThatThrownBy(() -> extract(zip, BundleLimits.current())).isInstanceOf(BundleException.class)
        .hasMessageStartingWith(zip + ": damaged zip: ");
  }

  @Test
  void limitsCanBeRaisedPerJvm() {
    String old = System.getProperty(BundleLimits.BYTES_PROPERTY);
    System.setProperty(BundleLimits.BYTES_PROPERTY, String.valueOf(3 * GIB));
    try {
      assertThat(BundleLimits.current().maxBytes()).isEqualTo(3 * GIB);
      System.setProperty(BundleLimits.BYTES_PROPERTY, "lots");
      assertThatThrownBy(BundleLimits::current).hasMessageContaining(BundleLimits.BYTES_PROPERTY + "=lots");
    } finally {
      if (old == null) {
        System.clearProperty(BundleLimits.BYTES_PROPERTY);
      } else {
        System.setProperty(BundleLimits.BYTES_PROPERTY, old);
      }
    }
  }

  private Path extract(Path zip, BundleLimits limits) throws IOException {
    Path out = Files.createTempDirectory(tmp, "out");
    try (InputStream in = Files.newInputStream(zip)) {
      return BundleZip.extract(in, zip.toString(), out, limits);
    }
  }

  /** ZipOutputStream refuses duplicate names, so the second entry is renamed in the bytes. */
  private static byte[] zipWithTwice(String name) throws IOException {
    String other = name.substring(0, name.length() - 1) + "X";
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (String n : new String[] {name, other}) {
        z.putNextEntry(new ZipEntry(n));
        z.write("a: 1\n".getBytes());
        z.closeEntry();
      }
    }
    byte[] b = bytes.toByteArray();
    String latin = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace(other, name);
    return latin.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
