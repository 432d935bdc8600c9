package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow model directories with the onnx flavor become bundles that remember where they came from. */
class MlflowModelTest {
  @TempDir
  Path tmp;

  private Path fixture(String name) throws IOException {
    return MlflowFixtures.copy(name, tmp.resolve("fixture-" + name));
  }

  @Test
  void readsTheOnnxFlavorRunAndRegisteredModel() throws Exception {
    Path dir = fixture("churn-onnx");
    MlflowModel m = MlflowModel.read(dir);
    assertThat(m.onnx()).isEqualTo(dir.resolve("model.onnx"));
    assertThat(m.runId()).isEqualTo("0a9b8c7d6e5f40312a3b4c5d6e7f8091");
    assertThat(m.modelUuid()).isEqualTo("6f1d2c3b4a5948e7b6c5d4e3f2a1b0c9");
    assertThat(m.mlmodelSha256()).isEqualTo(Sha256.of(dir.resolve("MLmodel")));
    assertThat(m.registeredName()).isEqualTo("churn");
    assertThat(m.registeredVersion()).isEqualTo("3");
    assertThat(m.provenance().keySet()).containsExactly("run_id", "model_uuid", "mlmodel_sha256", "model_name", "model_version");
  }

  @Test
  void aBundleBuiltFromItRecordsItsProvenance() throws Exception {
    MlflowModel m = MlflowModel.read(fixture("churn-onnx"));
    Path golden = GoldenFixture.of("lr").bundle();
    Path out = BundleWriter.write(golden.resolve("features.yaml"), golden.resolve("input.avsc"), m.onnx(), null, null,
        m.registeredName(), m.registeredVersion(), "", m.provenance(), tmp.resolve("b"));
    Bundle b = BundleLoader.load(out);
    assertThat(b.id()).isEqualTo("churn@3");
    Map<String, String> recorded = MlflowModel.provenanceOf(b).orElseThrow();
    assertThat(recorded).containsEntry("run_id", "0a9b8c7d6e5f40312a3b4c5d6e7f8091")
        .containsEntry("model_uuid", "6f1d2c3b4a5948e7b6c5d4e3f2a1b0c9")
        .containsEntry("mlmodel_sha256", m.mlmodelSha256());
    assertThat(MlflowModel.provenanceOf(BundleLoader.load(golden))).isEmpty();
  }

  @Test
  void refusesAModelWithoutOnnxFlavorListingItsFlavors() throws Exception {
    Path dir = fixture("sklearn-only");
    assertThatThrownBy(() -> MlflowModel.read(dir)).isInstanceOf(BundleException.class)
        .hasMessage(dir.resolve("MLmodel") + ": no onnx flavor (flavors: python_function, sklearn); Lockstep scores ONNX: "
            + "save the model with mlflow.onnx.save_model or log_model");
  }

  @Test
  void refusesAnOnnxFileOutsideTheDirectoryOrMissing() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(dir.resolve("MLmodel"), "flavors:\n  onnx:\n    data: ../model.onnx\n");
    assertThatThrownBy(() -> MlflowModel.read(dir)).hasMessageContaining("lies outside the model directory");
    Files.writeString(dir.resolve("MLmodel"), "flavors:\n  onnx:\n    data: model.onnx\n");
    assertThatThrownBy(() -> MlflowModel.read(dir)).hasMessageContaining("which does not exist");
    assertThatThrownBy(() -> MlflowModel.read(tmp.resolve("nowhere"))).hasMessageContaining("MLmodel is missing");
  }
}
