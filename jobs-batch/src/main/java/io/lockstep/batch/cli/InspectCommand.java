package io.lockstep.batch.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.Op;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockstep inspect}: what a bundle holds and whether it passes its checks. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show a bundle's spec, model inputs/outputs and checks.")
final class InspectCommand implements Callable<Integer> {
  @Option(names = "--bundle", required = true) Path bundlePath;

  @Override
  public Integer call() throws Exception {
    Bundle bundle = BundleLoader.load(bundlePath);
    System.out.printf("bundle    %s (created %s)%n", bundle.id(), bundle.created());
    if (!bundle.description().isBlank()) {
      System.out.printf("          %s%n", bundle.description());
    }
    System.out.printf("check     sha256 of %s: ok%n", String.join(", ", bundle.sha256().keySet()));
    io.lockstep.bundle.MlflowModel.provenanceOf(bundle).ifPresent(m -> System.out.println("source    MLflow model: "
        + m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "))));
    System.out.println("profile   " + bundle.profile()
        .map(p -> String.format("%s (%d columns, %,d records of %s, %s)", Bundle.PROFILE_JSON, p.columns().size(), p.records(),
            p.input(), p.created()))
        .orElse("none (drift needs one: lockstep profile, then lockstep bundle --profile)"));
    System.out.printf("key       %s%ntime      %s%n", orDash(bundle.spec().key()), orDash(bundle.spec().time()));
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    System.out.printf("features  %d features, %d columns%n", bundle.spec().features().size(), pipeline.width());
    int col = 0;
    for (FeatureDef f : bundle.spec().features()) {
      String src = f.isWindow()
          ? "window " + f.window().agg().yamlName() + (f.window().of() == null ? "" : " of " + f.window().of()) + " over " + f.window().overText()
          : "from " + f.from();
      String ops = f.ops().stream().map(Op::name).collect(Collectors.joining(" -> "));
      System.out.printf("  [%d%s] %-24s %s%s%n", col, f.width() > 1 ? ".." + (col + f.width() - 1) : "", f.name(), src,
          ops.isEmpty() ? "" : " | " + ops);
      col += f.width();
    }
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
         OrtSession session = OrtEnvironment.getEnvironment().createSession(bundle.modelBytes(), so)) {
      System.out.println("model inputs");
      session.getInputInfo().forEach((k, v) -> System.out.printf("  %-24s %s%n", k, v.getInfo()));
      System.out.println("model outputs");
      session.getOutputInfo().forEach((k, v) -> System.out.printf("  %-24s %s%n", k, v.getInfo()));
    }
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      System.out.printf("check     model input '%s' takes %d columns%s: ok%n", bundle.spec().model().input(), scorer.width(),
          scorer.fixedBatch() > 0 ? " (fixed batch " + scorer.fixedBatch() + ")" : "");
      scorer.fields().forEach(f -> System.out.printf("check     prediction %-12s <- %s%s as %s: ok%n", f.name(), f.output(),
          f.label() != null ? "[label " + f.label() + "]" : "[" + f.column() + "]", f.type().name().toLowerCase()));
      System.out.println("prediction schema");
      System.out.println(PredictionSchema.derive(bundle, scorer.fields(), List.of(), false).toString(true));
    }
    return 0;
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
