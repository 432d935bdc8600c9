package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.golden.GoldenFixture;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles are verified before use and refused with a message naming the file, feature or tensor. */
class BundleLoaderTest {
  @TempDir
  Path tmp;

  Path copyOfLr() throws IOException {
    Path src = GoldenFixture.of("lr").bundle();
    Path dst = tmp.resolve("lr");
    Files.createDirectories(dst);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }

  @Test
  void loadsAGoldenBundle() throws IOException {
    Bundle b = BundleLoader.load(copyOfLr());
    assertThat(b.id()).contains("@");
    assertThat(b.spec().features()).isNotEmpty();
    try (OnnxScorer s = OnnxScorer.open(b, ScorerOptions.defaults())) {
      assertThat(s.width()).isEqualTo(b.spec().width());
    }
  }

  @Test
  void tamperedModelIsRefusedNamingTheFile() throws IOException {
    Path dir = copyOfLr();
    Path model = dir.resolve("model.onnx");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(model, bytes);
    assertThatThrownBy(() -> BundleLoader.load(dir)).isInstanceOf(BundleException.class)
        .hasMessageContaining("model.onnx").hasMessageContaining("sha256 mismatch");
  }

  @Test
  void missingFileIsRefusedAsIncomplete() throws IOException {
    Path dir = copyOfLr();
    Files.delete(dir.resolve("input.avsc"));
    assertThatThrownBy(() -> BundleLoader.load(dir)).hasMessageContaining("input.avsc").hasMessageContaining("incomplete");
  }

  @Test
  void unlistedRequiredFileIsRefused() throws IOException {
    Path dir = copyOfLr();
    Path yaml = dir.resolve("bundle.yaml");
    String text = Files.readString(yaml).replaceAll("(?m)^\\s+features.yaml:.*\\n", "");
    Files.writeString(yaml, text);
    assertThatThrownBy(() -> BundleLoader.load(dir)).hasMessageContaining("does not list features.yaml");
  }

  @Test
  void notABundleIsExplained() {
    assertThatThrownBy(() -> BundleLoader.load(tmp)).hasMessageContaining("bundle.yaml is missing");
    assertThatThrownBy(() -> BundleLoader.load(tmp.resolve("nope"))).hasMessageContaining("no such bundle");
  }

  @Test
  void widthMismatchNamesTheTensor() throws IOException {
    Path dir = copyOfLr();
    Path spec = dir.resolve("features.yaml");
    String text = Files.readString(spec);
    // drop the last one_hot value: one column fewer than the model takes
    String changed = text.replaceFirst("(one_hot: \\[[^\\]]*?),\\s*([^,\\]]+)\\]", "$1]");
    assertThat(changed).isNotEqualTo(text);
    Path out = tmp.resolve("rebundled");
    BundleWriter.write(spec, dir.resolve("input.avsc"), dir.resolve("model.onnx"), null, "lr", "2", "", out);
    Bundle b = BundleLoader.load(out);
    Files.writeString(out.resolve("features.yaml"), changed);
    BundleWriter.write(out.resolve("features.yaml"), out.resolve("input.avsc"), out.resolve("model.onnx"), null, "lr", "2", "", out);
    Bundle bad = BundleLoader.load(out);
    assertThat(bad.spec().width()).isEqualTo(b.spec().width() - 1);
    assertThatThrownBy(() -> OnnxScorer.open(bad, ScorerOptions.defaults()))
        .hasMessageContaining("feature width mismatch").hasMessageContaining("features.yaml").hasMessageContaining("model.onnx");
  }

  @Test
  void unknownOutputIsNamed() throws IOException {
    Path dir = copyOfLr();
    Path spec = dir.resolve("features.yaml");
    Files.writeString(spec, Files.readString(spec).replace("output: probabilities", "output: probs"));
    Path out = tmp.resolve("b2");
    BundleWriter.write(spec, dir.resolve("input.avsc"), dir.resolve("model.onnx"), null, "lr", "3", "", out);
    assertThatThrownBy(() -> OnnxScorer.open(BundleLoader.load(out), ScorerOptions.defaults()))
        .hasMessageContaining("'probs'").hasMessageContaining("probabilities");
  }

  @Test
  void zippedBundleLoads() throws IOException {
    Path dir = copyOfLr();
    Path zip = tmp.resolve("lr.zip");
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
         Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        z.putNextEntry(new ZipEntry("lr/" + f.getFileName()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    assertThat(BundleLoader.load(zip).spec().width()).isEqualTo(BundleLoader.load(dir).spec().width());
  }
}
