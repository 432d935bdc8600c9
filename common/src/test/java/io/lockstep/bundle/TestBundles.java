package io.lockstep.bundle;

import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Bundles built at test time from the golden fixtures, for the bundle tests of every level. */
public final class TestBundles {
  /** {@code model.outputs} of a second lr bundle: the same model.onnx, another field, the other class. */
  public static final String STAY_OUTPUTS = "  outputs:\n    stay: {output: probabilities, index: 0}\n";

  private TestBundles() {}

  /** A copy of a golden fixture's bundle directory in {@code dst}. */
  public static Path copyOfGolden(String fixture, Path dst) throws IOException {
    Path src = GoldenFixture.of(fixture).bundle();
    Files.createDirectories(dst);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }

  /**
   * The golden {@code lr} bundle rewritten (with {@link BundleWriter}) with another
   * {@code model.outputs} section and version: same model.onnx, different prediction fields.
   */
  public static Path lrWithOutputs(String outputs, String version, Path dst) throws IOException {
    Path src = GoldenFixture.of("lr").bundle();
    String spec = Files.readString(src.resolve(Bundle.FEATURES_YAML));
    int at = spec.indexOf("  outputs:");
    if (at < 0) {
      throw new IllegalStateException("the golden lr spec has no model.outputs section");
    }
    Path specFile = Files.createTempFile("lr-spec-", ".yaml");
    try {
      Files.writeString(specFile, spec.substring(0, at) + outputs);
      return BundleWriter.write(specFile, src.resolve(Bundle.INPUT_AVSC), src.resolve(Bundle.MODEL_ONNX), null,
          "golden-lr", version, "test bundle", dst);
    } finally {
      Files.deleteIfExists(specFile);
    }
  }

  /** Zips the files of a bundle directory, at the zip's top level. */
  public static Path zip(Path dir, Path zip) throws IOException {
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
         Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        z.putNextEntry(new ZipEntry(f.getFileName().toString()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    return zip;
  }

  /** The temporary bundle folders of this JVM ({@code lockstep-bundle-<pid>-*} in java.io.tmpdir). */
  public static List<Path> tempFoldersOfThisJvm() throws IOException {
    return tempFolders(Path.of(System.getProperty("java.io.tmpdir")), ProcessHandle.current().pid());
  }

  /** The temporary bundle folders of process {@code pid} under {@code root}. */
  public static List<Path> tempFolders(Path root, long pid) throws IOException {
    return tempFolders(root, ExtractedBundles.PREFIX + pid + "-*");
  }

  /** Every temporary bundle folder under {@code root}, of any process. */
  public static List<Path> allTempFolders(Path root) throws IOException {
    return tempFolders(root, ExtractedBundles.PREFIX + "*");
  }

  private static List<Path> tempFolders(Path root, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, glob)) {
      dirs.forEach(out::add);
    }
    return out;
  }
}
