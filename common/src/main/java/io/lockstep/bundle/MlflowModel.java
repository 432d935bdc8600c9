package io.lockstep.bundle;

import io.lockstep.spec.BoundedYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MLflow model directory with the ONNX flavor, as {@code mlflow.onnx.save_model} writes it
 * (docs/spec.md, MLflow models): an {@code MLmodel} YAML file whose {@code flavors.onnx.data} names
 * the ONNX file, and, when the directory was downloaded from the model registry, a
 * {@code registered_model_meta} YAML file with {@code model_name} and {@code model_version}.
 *
 * <p>What a bundle records of it ({@link #provenance()}, the {@code mlflow:} section of
 * {@code bundle.yaml}): the MLmodel's {@code run_id} and {@code model_uuid} and the sha256 of the
 * MLmodel file, so a scored prediction can be traced back to the training run.
 *
 * @param onnx the ONNX file the onnx flavor names, inside {@code dir}
 * @param runId null when the model was saved outside a run
 * @param modelUuid null for MLmodel files written before MLflow recorded it
 * @param registeredName from {@code registered_model_meta}, or null
 * @param registeredVersion from {@code registered_model_meta}, or null
 */
public record MlflowModel(Path dir, Path onnx, String runId, String modelUuid, String mlmodelSha256, String registeredName,
                          String registeredVersion) {
  public static final String MLMODEL = "MLmodel";
  public static final String REGISTERED_MODEL_META = "registered_model_meta";
  /** The {@code bundle.yaml} section a bundle built from an MLflow model carries. */
  public static final String SECTION = "mlflow";

  /**
   * Reads {@code dir}.
   *
   * @throws BundleException with one line: no MLmodel, no onnx flavor (listing the flavors it has),
   *     an ONNX file that is missing or outside the directory
   */
  public static MlflowModel read(Path dir) {
    Path mlmodel = dir.resolve(MLMODEL);
    if (!Files.isRegularFile(mlmodel)) {
      throw new BundleException(dir + ": not an MLflow model directory: " + MLMODEL + " is missing");
    }
    Map<?, ?> root = mapping(BoundedYaml.load(mlmodel, mlmodel.toString()), mlmodel.toString());
    Map<?, ?> flavors = root.get("flavors") instanceof Map<?, ?> m ? m : Map.of();
    if (!(flavors.get("onnx") instanceof Map<?, ?> onnx)) {
      List<String> names = flavors.keySet().stream().map(String::valueOf).sorted().toList();
      throw new BundleException(mlmodel + ": no onnx flavor (flavors: " + (names.isEmpty() ? "none" : String.join(", ", names))
          + "); Lockstep scores ONNX: save the model with mlflow.onnx.save_model or log_model");
    }
    Object data = onnx.get("data");
    if (data == null) {
      throw new BundleException(mlmodel + ": flavors.onnx has no 'data' (the ONNX file's path)");
    }
    Path onnxFile = dir.resolve(String.valueOf(data)).normalize();
    if (!onnxFile.startsWith(dir.normalize())) {
      throw new BundleException(mlmodel + ": flavors.onnx.data '" + data + "' lies outside the model directory");
    }
    if (!Files.isRegularFile(onnxFile)) {
      throw new BundleException(mlmodel + ": flavors.onnx.data names " + onnxFile + ", which does not exist");
    }
    String sha;
    try {
      sha = Sha256.of(mlmodel);
    } catch (IOException e) {
      throw new BundleException(mlmodel + ": cannot read: " + e.getMessage(), e);
    }
    String name = null;
    String version = null;
    Path meta = dir.resolve(REGISTERED_MODEL_META);
    if (Files.isRegularFile(meta)) {
      Map<?, ?> m = mapping(BoundedYaml.load(meta, meta.toString()), meta.toString());
      name = text(m.get("model_name"));
      version = text(m.get("model_version"));
    }
    return new MlflowModel(dir, onnxFile, text(root.get("run_id")), text(root.get("model_uuid")), sha, name, version);
  }

  private static Map<?, ?> mapping(Object yaml, String where) {
    if (!(yaml instanceof Map<?, ?> m)) {
      throw new BundleException(where + ": must be a YAML mapping");
    }
    return m;
  }

  private static String text(Object o) {
    return o == null || String.valueOf(o).isBlank() ? null : String.valueOf(o);
  }

  /** The {@code mlflow:} section of {@code bundle.yaml}, in this order; absent values are left out. */
  public Map<String, String> provenance() {
    Map<String, String> out = new LinkedHashMap<>();
    put(out, "run_id", runId);
    put(out, "model_uuid", modelUuid);
    put(out, "mlmodel_sha256", mlmodelSha256);
    put(out, "model_name", registeredName);
    put(out, "model_version", registeredVersion);
    return out;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** The {@code mlflow:} section of a loaded bundle's {@code bundle.yaml}, if it has one. */
  public static Optional<Map<String, String>> provenanceOf(Bundle bundle) {
    Path yaml = bundle.dir().resolve(Bundle.BUNDLE_YAML);
    Object root = BoundedYaml.load(yaml, bundle.where(Bundle.BUNDLE_YAML));
    if (root instanceof Map<?, ?> m && m.get(SECTION) instanceof Map<?, ?> section) {
      Map<String, String> out = new LinkedHashMap<>();
      section.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      return Optional.of(out);
    }
    return Optional.empty();
  }
}
