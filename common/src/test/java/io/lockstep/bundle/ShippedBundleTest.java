package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one way bundles travel to Spark executors and Flink tasks: serialisable bytes, verified again
 * where they are loaded, loaded once per JVM.
 */
class ShippedBundleTest {
  @TempDir
  Path tmp;

  @Test
  void aDirectoryShipsAsTheSameBytesEveryTimeAndLoadsOncePerJvmAfterSerialisation() throws Exception {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    ShippedBundle first = ShippedBundle.read(dir);
    ShippedBundle again = ShippedBundle.read(dir);
    assertThat(again.sha256()).isEqualTo(first.sha256());
    assertThat(first.origin()).isEqualTo(dir.toString());

    ShippedBundle copy = roundTrip(first);
    Bundle loaded = copy.load();
    assertThat(loaded).isSameAs(first.load()).isSameAs(roundTrip(again).load());
    assertThat(loaded.identity()).isEqualTo(BundleLoader.load(dir).identity());
    assertThat(loaded.where("model.onnx")).isEqualTo(dir + "/model.onnx");
  }

  @Test
  void aVerifiedDirectoryThatVanishesOrChangesAfterShippingIsExtractedFromTheShippedBytes() throws Exception {
    Path dir = TestBundles.copyOfGolden("mlp", tmp.resolve("vanishing"));
    ShippedBundle shipped = ShippedBundle.read(dir);
    Bundle fromDirectory = shipped.load();
    assertThat(fromDirectory.dir()).isEqualTo(dir.toAbsolutePath());

    Path model = dir.resolve("model.onnx");
    Files.write(model, new byte[] {1, 2, 3});
    Bundle afterEdit = shipped.load();
    assertThat(afterEdit.dir()).isNotEqualTo(dir.toAbsolutePath());
    assertThat(Sha256.of(afterEdit.dir().resolve("model.onnx"))).isEqualTo(fromDirectory.sha256().get("model.onnx"));

    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
    Bundle afterDelete = roundTrip(shipped).load();
    assertThat(Files.isRegularFile(afterDelete.dir().resolve("model.onnx"))).isTrue();
    assertThat(afterDelete.identity()).isEqualTo(fromDirectory.identity());
  }

  @Test
  void filesReadElsewhereAreVerifiedWhereTheyAreLoaded() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    assertThat(ShippedBundle.ofDirectory("hdfs://nn/models/lr", files).load().spec().width())
        .isEqualTo(BundleLoader.load(dir).spec().width());

    files.put("features.yaml", (new String(files.get("features.yaml")) + "# edited\n").getBytes());
    assertThatThrownBy(() -> ShippedBundle.ofDirectory("hdfs://nn/models/lr", files).load())
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith("hdfs://nn/models/lr/features.yaml: sha256 mismatch");
  }

  @Test
  void aShippedZipKeepsItsLimits() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
      z.putNextEntry(new java.util.zip.ZipEntry("../bundle.yaml"));
      z.closeEntry();
    }
    assertThatThrownBy(() -> ShippedBundle.ofZip("s3a://models/x.zip", bytes.toByteArray()).load())
        .hasMessageStartingWith("s3a://models/x.zip: entry '../bundle.yaml' has a '..'");
  }

  private static ShippedBundle roundTrip(ShippedBundle b) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(b);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      return (ShippedBundle) in.readObject();
    }
  }
}
