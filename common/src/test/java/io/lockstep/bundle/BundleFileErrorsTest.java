package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.spec.BoundedYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken bundle files give one line that names the file as the user knows it (the
 * folder's path, or {@code x.zip!/file}), checked before heavy work: YAML nested 100,000 deep is
 * refused by depth, not by a StackOverflowError, and before the model's sha256 is computed.
 */
class BundleFileErrorsTest {
  @TempDir
  Path tmp;

  @Test
  void aSpecNested100000DeepIsRefusedByDepthNamingTheFile() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("features.yaml"), "[".repeat(100_000) + "]".repeat(100_000));
    relist(dir);
    // checked before the model's sha256 (heavy for a large model): a tampered model is not reported first
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> BundleLoader.load(dir)).isInstanceOf(BundleException.class)
        .hasMessageStartingWith(dir.resolve("features.yaml") + ": YAML nested deeper than " + BoundedYaml.MAX_DEPTH + " levels")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aBundleYamlNested100000DeepIsRefusedBeforeAnySha256() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    // block style: "- - - ... x" nests a sequence per dash
    Files.writeString(dir.resolve("bundle.yaml"), "- ".repeat(100_000) + "x\n");
    // a tampered model would fail its sha256 check: the depth error must come first
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> BundleLoader.load(dir))
        .hasMessageStartingWith(dir.resolve("bundle.yaml") + ": YAML nested deeper than");
  }

  @Test
  void deepYamlInAZipIsNamedByTheZip() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("features.yaml"), "a: " + "{b: ".repeat(100_000) + "1" + "}".repeat(100_000) + "\n");
    relist(dir);
    Path zip = TestBundles.zip(dir, tmp.resolve("deep.zip"));
    assertThatThrownBy(() -> BundleLoader.load(zip))
        .hasMessageStartingWith(zip + "!/features.yaml: YAML nested deeper than");
  }

  @Test
  void aliasBombsAndOversizedYamlAreRefused() throws IOException {
    StringBuilder laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'z'; c++) {
      char p = (char) (c - 1);
      laughs.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *").append(p)
          .append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
    }
    assertThatThrownBy(() -> BoundedYaml.load(laughs.toString(), "features.yaml"))
        .hasMessageStartingWith("features.yaml: is not valid YAML: ").hasMessageContaining("aliases");

    Path big = Files.writeString(tmp.resolve("big.yaml"), "# " + "x".repeat(BoundedYaml.MAX_BYTES) + "\n");
    assertThatThrownBy(() -> BoundedYaml.load(big, big.toString()))
        .hasMessageStartingWith(big + ": " + Files.size(big) + " bytes; YAML files are limited to");
  }

  @Test
  void invalidYamlIsOneLineWithTheLineNumberAndNoSnippet() {
    String yaml = "name: x\nversion: [unclosed, secret-token-1234\n";
    assertThatThrownBy(() -> BoundedYaml.load(yaml, "bundle.yaml"))
        .hasMessageStartingWith("bundle.yaml: is not valid YAML: ")
        .hasMessageContaining("(line ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("secret-token"));
  }

  @Test
  void anUnknownAvroTypeNamesTheSchemaFile() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("input.avsc"),
        "{\"type\": \"record\", \"name\": \"E\", \"fields\": [{\"name\": \"a\", \"type\": \"decimal128\"}]}");
    relist(dir);
    assertThatThrownBy(() -> BundleLoader.load(dir))
        .hasMessageStartingWith(dir.resolve("input.avsc") + ": not a valid Avro schema: ")
        .hasMessageContaining("decimal128");
    Path zip = TestBundles.zip(dir, tmp.resolve("bad-schema.zip"));
    assertThatThrownBy(() -> BundleLoader.load(zip)).hasMessageStartingWith(zip + "!/input.avsc: not a valid Avro schema: ");
  }

  @Test
  void specErrorsInAZipNameTheZip() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Path spec = dir.resolve("features.yaml");
    Files.writeString(spec, Files.readString(spec).replace("from: tenure_months", "from: tenure_weeks"));
    relist(dir);
    Path zip = TestBundles.zip(dir, tmp.resolve("bad-spec.zip"));
    assertThatThrownBy(() -> BundleLoader.load(zip)).hasMessageStartingWith(zip + "!/features.yaml: ")
        .hasMessageContaining("tenure_weeks");
    assertThatThrownBy(() -> BundleLoader.load(dir)).hasMessageStartingWith(spec + ": ");
  }

  @Test
  void aTamperedFileInAZipIsNamedByTheZip() throws IOException {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("features.yaml"), Files.readString(dir.resolve("features.yaml")) + "# edited\n");
    Path zip = TestBundles.zip(dir, tmp.resolve("tampered.zip"));
    assertThatThrownBy(() -> BundleLoader.load(zip)).hasMessageStartingWith(zip + "!/features.yaml: sha256 mismatch");
  }

  /** Rewrites bundle.yaml's sha256 lines for the files as they are now. */
  static void relist(Path dir) throws IOException {
    Path yaml = dir.resolve("bundle.yaml");
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(yaml)) {
      String t = line.strip();
      int colon = t.indexOf(": ");
      if (line.startsWith("  ") && colon > 0 && Files.isRegularFile(dir.resolve(t.substring(0, colon)))) {
        out.append("  ").append(t, 0, colon).append(": ").append(Sha256.of(dir.resolve(t.substring(0, colon)))).append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    Files.writeString(yaml, out.toString());
  }
}
