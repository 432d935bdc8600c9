package io.lockstep.batch.cli;

import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.bundle.MlflowModel;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lockstep bundle}: writes a bundle directory and checks it loads and fits its model. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
    description = "Write a model bundle (bundle.yaml with the sha256 of every file) and check it.")
final class BundleCommand implements Callable<Integer> {
  @Option(names = "--spec", required = true, description = "features.yaml") Path spec;
  @Option(names = "--schema", required = true, description = "input.avsc") Path schema;
  @Option(names = "--model", description = "model.onnx (or --mlflow-model)") Path model;
  @Option(names = "--mlflow-model", paramLabel = "DIR",
      description = "An MLflow model directory with the onnx flavor (MLmodel + the ONNX file it names), instead of --model; "
          + "--name/--version default to its registered_model_meta.") Path mlflowModel;
  @Option(names = "--reference", description = "reference.json (optional)") Path reference;
  @Option(names = "--profile", description = "profile.json written by lockstep profile (optional): drift reference") Path profile;
  @Option(names = "--name") String name;
  @Option(names = "--version") String version;
  @Spec CommandSpec commandSpec;
  @Option(names = "--description", defaultValue = "") String description;
  @Option(names = "--out", required = true, description = "Bundle directory to write.") Path out;

  @Override
  public Integer call() throws Exception {
    if ((model == null) == (mlflowModel == null)) {
      throw new ParameterException(commandSpec.commandLine(), "give exactly one of --model and --mlflow-model");
    }
    MlflowModel mlflow = mlflowModel == null ? null : MlflowModel.read(mlflowModel);
    String bundleName = name != null ? name : mlflow == null ? null : mlflow.registeredName();
    String bundleVersion = version != null ? version : mlflow == null ? null : mlflow.registeredVersion();
    if (bundleName == null || bundleVersion == null) {
      throw new ParameterException(commandSpec.commandLine(), "missing " + (bundleName == null ? "--name" : "--version")
          + (mlflow == null ? "" : " (" + mlflowModel + " has no " + MlflowModel.REGISTERED_MODEL_META + " to take it from)"));
    }
    BundleWriter.write(spec, schema, mlflow == null ? model : mlflow.onnx(), reference, profile, bundleName, bundleVersion,
        description, mlflow == null ? null : mlflow.provenance(), out);
    var bundle = BundleLoader.load(out);
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      System.out.printf("wrote bundle %s to %s (%d features, %d columns, outputs %s)%n", bundle.id(), out,
          bundle.spec().features().size(), scorer.width(), bundle.spec().model().outputs().keySet());
      if (mlflow != null) {
        System.out.println("from MLflow model " + mlflowModel + ": " + mlflow.provenance());
      }
    }
    return 0;
  }
}
