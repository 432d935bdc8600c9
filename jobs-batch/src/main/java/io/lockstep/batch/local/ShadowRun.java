package io.lockstep.batch.local;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.lifecycle.BundleCompatibility;
import io.lockstep.lifecycle.Divergence;
import io.lockstep.lifecycle.ScoreFields;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * The offline twin of a streaming shadow deployment (docs/spec.md, Model lifecycle; Divergence):
 * {@code lockstep score --shadow CANDIDATE} scores the input with the primary bundle into
 * {@code --output} and with the candidate into {@link #shadowOutput} (same format, same schema and
 * dead-letter rules: it is a full {@code lockstep score} run of its own), then writes the
 * {@link Divergence} summary of the records both scored to {@link #statsPath}.
 *
 * <p>Records are paired by their source ({@code file:line}); the primary's score and label of every
 * scored record are held in memory until the candidate's run (tens of bytes a record). Each run
 * decodes the input with its own bundle's {@code input.avsc}, as each would read the file alone.
 */
public final class ShadowRun {
  private final ScoreOptions primary;
  private final Path candidateBundle;
  private final PrintStream progressOut;

  /**
   * What the twin did.
   *
   * @param compatibility why the streaming job would refuse to deploy the candidate next to the primary, if it would
   */
  public record Result(RunSummary primary, RunSummary candidate, Divergence.Summary divergence, Path shadowOutput,
                       Path stats, Optional<String> compatibility, SingleNodeRunner primaryRunner) {
    public boolean inputDamaged() {
      return primary.inputDamaged() || candidate.inputDamaged();
    }
  }

  private final java.util.function.Consumer<SingleNodeRunner> configure;

  /** @param configure applied to both runs' runners (e.g. {@code emitSource}) */
  public ShadowRun(ScoreOptions primary, Path candidateBundle, PrintStream progressOut,
                   java.util.function.Consumer<SingleNodeRunner> configure) {
    this.primary = primary;
    this.candidateBundle = candidateBundle;
    this.progressOut = progressOut;
    this.configure = configure;
  }

  /** {@code preds.csv} -> {@code preds.shadow.csv}: the candidate's predictions, in the output's format. */
  public static Path shadowOutput(Path output) {
    String name = output.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String shadow = dot <= 0 ? name + ".shadow" : name.substring(0, dot) + ".shadow" + name.substring(dot);
    return output.resolveSibling(shadow);
  }

  /** {@code preds.csv} -> {@code preds.csv.shadow-stats.json}. */
  public static Path statsPath(Path output) {
    return output.resolveSibling(output.getFileName() + ".shadow-stats.json");
  }

  public Result run() throws IOException {
    Bundle primaryBundle = BundleLoader.load(primary.bundle());
    Bundle candidate = BundleLoader.load(candidateBundle);
    Optional<String> compatibility = BundleCompatibility.check(primaryBundle, candidate);
    Divergence divergence = new Divergence(primaryBundle.id(), candidate.id());
    Map<String, Scored> primaryScores = new HashMap<>();

    Collector primaryFields = new Collector(primaryBundle, (source, score, label) -> primaryScores.put(source, new Scored(score, label)));
    SingleNodeRunner primaryRunner = new SingleNodeRunner(primary, progressOut).observePredictions(primaryFields);
    configure.accept(primaryRunner);
    RunSummary first = primaryRunner.run();
    ScoreOptions shadow = new ScoreOptions(candidateBundle, primary.input(), shadowOutput(primary.output()), primary.keep(),
        primary.batchSize(), primary.inputFormat(), primary.outputFormat(), primary.threads(), primary.deadLetters());
    Collector[] candidateFields = new Collector[1];
    candidateFields[0] = new Collector(candidate, (source, score, label) -> {
      Scored p = primaryScores.remove(source);
      if (p != null) {
        // Labels count only when both bundles have one (docs/spec.md, Divergence).
        boolean labels = primaryFields.hasLabel() && candidateFields[0].hasLabel();
        divergence.add(p.score, score, labels ? p.label : null, labels ? label : null);
      }
    });
    SingleNodeRunner candidateRunner = new SingleNodeRunner(shadow, progressOut).observePredictions(candidateFields[0]);
    configure.accept(candidateRunner);
    RunSummary second = candidateRunner.run();
    Divergence.Summary summary = divergence.summary(null, null);
    Path stats = statsPath(primary.output());
    writeAtomically(stats, summary.json() + "\n");
    return new Result(first, second, summary, shadow.output(), stats, compatibility, primaryRunner);
  }

  static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".lockstep-tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private record Scored(double score, Object label) {}

  private interface ScoreSink {
    void scored(String source, double score, Object label);
  }

  /** Reads a bundle's score and label from its prediction records (docs/spec.md, Divergence). */
  private static final class Collector implements SingleNodeRunner.PredictionObserver {
    private final Bundle bundle;
    private final ScoreSink sink;
    private ScoreFields fields;

    Collector(Bundle bundle, ScoreSink sink) {
      this.bundle = bundle;
      this.sink = sink;
    }

    boolean hasLabel() {
      return fields != null && fields.label() != null;
    }

    @Override
    public void scored(String source, GenericRecord prediction) {
      if (fields == null) {
        fields = ScoreFields.of(bundle.spec(), prediction.getSchema());
      }
      Object label = fields.label(prediction);
      sink.scored(source, fields.score(prediction), label == null ? null : label.toString());
    }
  }
}
