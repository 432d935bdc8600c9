package io.lockstep.bundle;

import io.lockstep.spec.FeatureSpec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A loaded, verified model bundle (docs/spec.md, Bundle layout): metadata, the parsed feature spec, the input
 * schema and the model's path. Load one with {@link BundleLoader#load(Path)}.
 */
public record Bundle(Path dir, String name, String version, String created, String description,
                     FeatureSpec spec, Schema inputSchema, Map<String, String> sha256) {

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

  public Path modelPath() {
    return dir.resolve(MODEL_ONNX);
  }

  public byte[] modelBytes() {
    try {
      return Files.readAllBytes(modelPath());
    } catch (IOException e) {
      throw new BundleException(modelPath() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The reference profile when the bundle lists one (its sha256 was verified on load). */
  public java.util.Optional<io.lockstep.profile.Profile> profile() {
    return sha256.containsKey(PROFILE_JSON)
        ? java.util.Optional.of(io.lockstep.profile.Profile.read(dir.resolve(PROFILE_JSON)))
        : java.util.Optional.empty();
  }

  /** The model file's sha256, a stable identity for caching sessions. */
  public String modelSha256() {
    return sha256.get(MODEL_ONNX);
  }
}
