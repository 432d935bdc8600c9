package io.lockstep.batch.cli;

import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep demo}: the single-node demo on the bundled churn example. Same code path as
 * {@code lockstep score}; prints the summary, a few predictions and a few dead letters.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Score the bundled example (examples/churn) on this machine and show the results.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--output", description = "Where to write predictions (default: target/demo/predictions.csv).")
  Path output;

  @Override
  public Integer call() throws Exception {
    Path home = Paths.get(System.getProperty("lockstep.home", "."));
    Path bundle = home.resolve("examples/churn/bundle");
    Path input = home.resolve("examples/churn/events.csv");
    Path out = output != null ? output : home.resolve("target/demo/predictions.csv");
    Files.createDirectories(out.toAbsolutePath().getParent());
    System.out.printf("lockstep demo: scoring %s%n  with bundle %s%n  into %s%n", input, bundle, out);
    RunSummary summary = new SingleNodeRunner(ScoreOptions.of(bundle, input, out, List.of("country"), 512, 1), System.err).run();
    System.out.println("summary: " + summary.line());
    System.out.println("first predictions (" + out + "):");
    Files.lines(out).limit(6).forEach(l -> System.out.println("  " + l));
    Path dead = DeadLetterWriter.pathFor(out);
    System.out.println("dead letters (" + dead + "):");
    Files.lines(dead).limit(3).forEach(l -> System.out.println("  " + l));
    System.out.println("next: bin/lockstep inspect --bundle examples/churn/bundle; bin/lockstep score --help");
    return 0;
  }
}
