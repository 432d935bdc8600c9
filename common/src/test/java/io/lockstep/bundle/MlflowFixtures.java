package io.lockstep.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The hand-written MLflow model directories under {@code fixtures/mlflow/}, copied out of the (test-)jar for any level's tests. */
public final class MlflowFixtures {
  private static final List<String> FILES = List.of(MlflowModel.MLMODEL, "model.onnx", MlflowModel.REGISTERED_MODEL_META);

  private MlflowFixtures() {}

  /** {@code churn-onnx} (onnx flavor, registered as churn version 3) or {@code sklearn-only} (no onnx flavor), copied to {@code dst}. */
  public static Path copy(String name, Path dst) throws IOException {
    Files.createDirectories(dst);
    for (String f : FILES) {
      try (InputStream in = MlflowFixtures.class.getResourceAsStream("/fixtures/mlflow/" + name + "/" + f)) {
        if (in != null) {
          Files.copy(in, dst.resolve(f));
        }
      }
    }
    if (!Files.exists(dst.resolve(MlflowModel.MLMODEL))) {
      throw new IllegalArgumentException("no MLflow fixture '" + name + "'");
    }
    return dst;
  }
}
