package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.MlflowFixtures;
import io.lockstep.bundle.Sha256;
import io.lockstep.golden.GoldenFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep bundle --mlflow-model} and what {@code inspect} shows of it (docs/spec.md, MLflow models). */
class MlflowBundleCommandTest {
  @TempDir
  Path tmp;

  private static final Path GOLDEN = GoldenFixture.of("lr").bundle();

  @Test
  void bundlesAnOnnxFlavorWithNameAndVersionFromTheRegistryMetadata() throws Exception {
    Path model = MlflowFixtures.copy("churn-onnx", tmp.resolve("model"));
    Path out = tmp.resolve("bundle");
    CliRun run = CliRun.of("bundle", "--mlflow-model", model.toString(), "--spec", GOLDEN.resolve("features.yaml").toString(),
        "--schema", GOLDEN.resolve("input.avsc").toString(), "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote bundle churn@3");

    CliRun inspect = CliRun.of("inspect", "--bundle", out.toString());
    assertThat(inspect.code()).as(inspect.err()).isZero();
    assertThat(inspect.out()).contains("source    MLflow model: run_id 0a9b8c7d6e5f40312a3b4c5d6e7f8091, "
        + "model_uuid 6f1d2c3b4a5948e7b6c5d4e3f2a1b0c9, mlmodel_sha256 " + Sha256.of(model.resolve("MLmodel"))
        + ", model_name churn, model_version 3");
  }

  @Test
  void flagsOverrideTheRegistryMetadata() throws Exception {
    Path model = MlflowFixtures.copy("churn-onnx", tmp.resolve("model"));
    CliRun run = CliRun.of("bundle", "--mlflow-model", model.toString(), "--spec", GOLDEN.resolve("features.yaml").toString(),
        "--schema", GOLDEN.resolve("input.avsc").toString(), "--name", "churn-eu", "--version", "3.1", "--out", tmp.resolve("b").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote bundle churn-eu@3.1");
  }

  @Test
  void refusesAModelWithoutOnnxFlavorInOneLine() throws Exception {
    Path model = MlflowFixtures.copy("sklearn-only", tmp.resolve("model"));
    CliRun run = CliRun.of("bundle", "--mlflow-model", model.toString(), "--spec", GOLDEN.resolve("features.yaml").toString(),
        "--schema", GOLDEN.resolve("input.avsc").toString(), "--name", "x", "--version", "1", "--out", tmp.resolve("b").toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("lockstep: " + model.resolve("MLmodel")
        + ": no onnx flavor (flavors: python_function, sklearn); Lockstep scores ONNX: save the model with mlflow.onnx.save_model or log_model");
    assertThat(tmp.resolve("b")).doesNotExist();
  }

  @Test
  void needsExactlyOneModelAndANameFromSomewhere() throws Exception {
    CliRun both = CliRun.of("bundle", "--model", GOLDEN.resolve("model.onnx").toString(), "--mlflow-model", tmp.toString(),
        "--spec", GOLDEN.resolve("features.yaml").toString(), "--schema", GOLDEN.resolve("input.avsc").toString(),
        "--name", "x", "--version", "1", "--out", tmp.resolve("b").toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("give exactly one of --model and --mlflow-model");
    CliRun noName = CliRun.of("bundle", "--model", GOLDEN.resolve("model.onnx").toString(),
        "--spec", GOLDEN.resolve("features.yaml").toString(), "--schema", GOLDEN.resolve("input.avsc").toString(),
        "--version", "1", "--out", tmp.resolve("b").toString());
    assertThat(noName.code()).isEqualTo(2);
    assertThat(noName.err()).contains("missing --name");
  }
}
