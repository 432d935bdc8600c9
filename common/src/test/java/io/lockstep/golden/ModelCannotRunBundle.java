package io.lockstep.golden;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A bundle whose model loads and matches the golden {@code lr} spec but fails in ONNX Runtime on
 * every run (see {@code common/src/test/python/make_model_cannot_run.py}): for the tests that prove
 * such a model stops the job at every level instead of dead-lettering every record.
 */
public final class ModelCannotRunBundle {
  private ModelCannotRunBundle() {}

  /** Writes the bundle into {@code dir} and returns it. */
  public static Path write(Path dir) throws IOException {
    Path model = Files.createDirectories(dir).resolve("cannot-run.onnx");
    try (InputStream in = ModelCannotRunBundle.class.getResourceAsStream("/fixtures/model-cannot-run/model.onnx")) {
      if (in == null) {
        throw new IllegalStateException("fixtures/model-cannot-run/model.onnx is not on the test classpath");
      }
      Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
    }
    Path lr = GoldenFixture.of("lr").bundle();
    return BundleWriter.write(lr.resolve(Bundle.FEATURES_YAML), lr.resolve(Bundle.INPUT_AVSC), model, null, "cannot-run", "1",
        "a model that fails in ONNX Runtime on every run", dir.resolve("bundle"));
  }
}
