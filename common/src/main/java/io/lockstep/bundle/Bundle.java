package io.lockstep.bundle;

import io.lockstep.spec.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A loaded, verified model bundle (docs/spec.md, Bundle layout): metadata, the parsed feature spec, the
 * input schema and the model's path. Load one with {@link BundleLoader#load(Path)}, or ship one to
 * Spark executors and Flink tasks with {@link ShippedBundle}.
 *
 * @param dir the folder the files are read from (for a {@code .zip}, its temporary extraction)
 * @param origin where the user's bundle is: the folder or {@code .zip} given; messages name files by it
 * @param identity sha256 of {@code bundle.yaml}, which lists the sha256 of every other file: two
 *     bundles with the same identity have the same spec, schema and model
 */
public record Bundle(Path dir, String origin, String name, String version, String created, String description,
                     FeatureSpec spec, Schema inputSchema, Map<String, String> sha256, String identity) {

  public static final String BUNDLE_YAML = "bundle.yaml";
  public static final String FEATURES_YAML = "features.yaml";
  public static final String INPUT_AVSC = "input.avsc";
  public static final String MODEL_ONNX = "model.onnx";
  public static final String REFERENCE_JSON = "reference.json";
  /** Optional reference profile for drift (docs/spec.md, Profiles), listed in bundle.yaml like every file. */
  public static final String PROFILE_JSON = "profile.json";

  /** {@code name@version}, the value of the {@code model} field of every prediction. */
  public String id() {
    return name + "@" + version;
  }

  /** How messages name one of the bundle's files: {@code /models/churn/features.yaml}, {@code churn.zip!/features.yaml}. */
  public String where(String file) {
    return where(origin, file);
  }

  static String where(String origin, String file) {
    if (origin.endsWith(".zip")) {
      return origin + "!/" + file;
    }
    return origin.endsWith("/") ? origin + file : origin + "/" + file;
  }

  public Path modelPath() {
    return dir.resolve(MODEL_ONNX);
  }

  public byte[] modelBytes() {
    try {
      return Files.readAllBytes(modelPath());
    } catch (IOException e) {
      throw new BundleException(where(MODEL_ONNX) + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The reference profile when the bundle lists one (its sha256 was verified on load). */
  public java.util.Optional<io.lockstep.profile.Profile> profile() {
    return sha256.containsKey(PROFILE_JSON)
        ? java.util.Optional.of(io.lockstep.profile.Profile.read(dir.resolve(PROFILE_JSON)))
        : java.util.Optional.empty();
  }

  /** The model file's sha256. Sessions are cached by {@link #identity()}: the outputs come from the spec. */
  public String modelSha256() {
    return sha256.get(MODEL_ONNX);
  }
}
