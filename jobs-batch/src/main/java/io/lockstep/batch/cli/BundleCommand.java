package io.lockstep.batch.cli;

import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockstep bundle}: writes a bundle directory and checks it loads and fits its model. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
    description = "Write a model bundle (bundle.yaml with the sha256 of every file) and check it.")
final class BundleCommand implements Callable<Integer> {
  @Option(names = "--spec", required = true, description = "features.yaml") Path spec;
  @Option(names = "--schema", required = true, description = "input.avsc") Path schema;
  @Option(names = "--model", required = true, description = "model.onnx") Path model;
  @Option(names = "--reference", description = "reference.json (optional)") Path reference;
  @Option(names = "--profile", description = "profile.json written by lockstep profile (optional): drift reference") Path profile;
  @Option(names = "--name", required = true) String name;
  @Option(names = "--version", required = true) String version;
  @Option(names = "--description", defaultValue = "") String description;
  @Option(names = "--out", required = true, description = "Bundle directory to write.") Path out;

  @Override
  public Integer call() throws Exception {
    BundleWriter.write(spec, schema, model, reference, profile, name, version, description, out);
    var bundle = BundleLoader.load(out);
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      System.out.printf("wrote bundle %s to %s (%d features, %d columns, outputs %s)%n", bundle.id(), out,
          bundle.spec().features().size(), scorer.width(), bundle.spec().model().outputs().keySet());
    }
    return 0;
  }
}
