package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file read from a bundle directory must resolve inside it: a symbolic link out of the bundle
 * is refused before it is read, and no message ever shows the content of the file it points to.
 */
class BundleSymlinkTest {
  private static final String SECRET = "root:x:0:0:secret-token-4711:/root:/bin/bash";

  @TempDir
  Path tmp;

  @Test
  void aSpecLinkedOutOfTheBundleIsRefusedWithoutShowingItsContent() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Path secret = Files.writeString(tmp.resolve("passwd"), SECRET + "\n");
    Files.delete(dir.resolve("features.yaml"));
    Files.createSymbolicLink(dir.resolve("features.yaml"), secret);

    assertThatThrownBy(() -> BundleLoader.load(dir)).isInstanceOf(BundleException.class)
        .hasMessageStartingWith(dir.resolve("features.yaml") + ": is a symbolic link to " + secret.toRealPath())
        .hasMessageContaining("outside the bundle")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-token").doesNotContain("\n"));
    assertThatThrownBy(() -> ShippedBundle.read(dir)).hasMessageContaining("outside the bundle")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-token"));
  }

  @Test
  void bundleYamlLinkedToEtcPasswdIsRefusedWithoutShowingIt() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.delete(dir.resolve("bundle.yaml"));
    Files.createSymbolicLink(dir.resolve("bundle.yaml"), Path.of("/etc/passwd"));
    String passwd = Files.isReadable(Path.of("/etc/passwd")) ? Files.readString(Path.of("/etc/passwd")) : "root:";
    String firstLine = passwd.lines().findFirst().orElse("root:");

    assertThatThrownBy(() -> BundleLoader.load(dir))
        .hasMessageStartingWith(dir.resolve("bundle.yaml") + ": is a symbolic link to /etc/passwd, outside the bundle")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(firstLine));
  }

  @Test
  void aLinkOutThroughALinkedFolderIsRefusedToo() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.move(dir.resolve("input.avsc"), outside.resolve("input.avsc"));
    Files.createSymbolicLink(dir.resolve("sub"), outside);
    Files.createSymbolicLink(dir.resolve("input.avsc"), Path.of("sub/input.avsc"));

    assertThatThrownBy(() -> BundleLoader.load(dir)).hasMessageStartingWith(dir.resolve("input.avsc") + ": is a symbolic link to ");
  }

  @Test
  void linksThatStayInsideTheBundleAndALinkedBundleFolderAreFine() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.move(dir.resolve("model.onnx"), dir.resolve("weights.onnx"));
    Files.createSymbolicLink(dir.resolve("model.onnx"), Path.of("weights.onnx"));
    Path linkedFolder = Files.createSymbolicLink(tmp.resolve("current"), dir);

    assertThat(BundleLoader.load(linkedFolder).spec().features()).isNotEmpty();
    assertThat(ShippedBundle.read(linkedFolder).load().spec().width()).isEqualTo(BundleLoader.load(dir).spec().width());
  }

  @Test
  void aDanglingLinkIsNamed() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.delete(dir.resolve("input.avsc"));
    Files.createSymbolicLink(dir.resolve("input.avsc"), tmp.resolve("gone.avsc"));
    assertThatThrownBy(() -> BundleLoader.load(dir))
        .hasMessage(dir.resolve("input.avsc") + ": is a symbolic link to a file that does not exist");
  }
}
