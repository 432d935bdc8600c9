package io.lockstep.bundle;

import io.lockstep.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a bundle directory ({@code lockstep bundle}): copies the spec, schema and model, checks the
 * spec against the schema, and writes {@code bundle.yaml} with the sha256 of every file.
 */
public final class BundleWriter {
  private BundleWriter() {}

  public static Path write(Path spec, Path schema, Path model, Path reference, String name, String version,
                           String description, Path out) throws IOException {
    return write(spec, schema, model, reference, null, name, version, description, out);
  }

  /** As above, with a reference profile ({@code lockstep profile}) stored as {@code profile.json}; may be null. */
  public static Path write(Path spec, Path schema, Path model, Path reference, Path profile, String name, String version,
                           String description, Path out) throws IOException {
    return write(spec, schema, model, reference, profile, name, version, description, null, out);
  }

  /**
   * As above, recording where the model came from: {@code mlflow} (may be null) becomes the
   * {@code mlflow:} section of {@code bundle.yaml} ({@link MlflowModel#provenance()}).
   */
  public static Path write(Path spec, Path schema, Path model, Path reference, Path profile, String name, String version,
                           String description, Map<String, String> mlflow, Path out) throws IOException {
    SpecParser.parse(spec, spec.toString(), BundleLoader.readSchema(schema));
    Files.createDirectories(out);
    List<String> files = new ArrayList<>(List.of(Bundle.FEATURES_YAML, Bundle.INPUT_AVSC, Bundle.MODEL_ONNX));
    copy(spec, out.resolve(Bundle.FEATURES_YAML));
    copy(schema, out.resolve(Bundle.INPUT_AVSC));
    copy(model, out.resolve(Bundle.MODEL_ONNX));
    if (reference != null) {
      copy(reference, out.resolve(Bundle.REFERENCE_JSON));
      files.add(Bundle.REFERENCE_JSON);
    }
    if (profile != null) {
      io.lockstep.profile.Profile.read(profile);
      copy(profile, out.resolve(Bundle.PROFILE_JSON));
      files.add(Bundle.PROFILE_JSON);
    }
    StringBuilder y = new StringBuilder();
    y.append("name: ").append(quote(name)).append('\n');
    y.append("version: ").append(quote(version)).append('\n');
    y.append("created: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
    y.append("description: ").append(quote(description == null ? "" : description)).append('\n');
    y.append("sha256:\n");
    for (String f : files) {
      y.append("  ").append(f).append(": ").append(Sha256.of(out.resolve(f))).append('\n');
    }
    if (mlflow != null && !mlflow.isEmpty()) {
      y.append(MlflowModel.SECTION).append(":\n");
      mlflow.forEach((k, v) -> y.append("  ").append(k).append(": ").append(quote(v)).append('\n'));
    }
    Files.writeString(out.resolve(Bundle.BUNDLE_YAML), y.toString());
    return out;
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
