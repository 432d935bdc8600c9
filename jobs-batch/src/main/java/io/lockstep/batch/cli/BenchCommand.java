package io.lockstep.batch.cli;

import io.lockstep.batch.bench.EndToEndBench;
import io.lockstep.batch.bench.ScorerBench;
import io.lockstep.bundle.BundleLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench}: prints, in one run, our scorer over bare ONNX Runtime per model and batch
 * size, and single-node end to end over a no-op read → write. See docs/performance.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = ReloadBenchCommand.class,
    description = "Benchmark the scorer against bare ONNX Runtime, and end-to-end scoring against a no-op read->write.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--fixtures", split = ",", defaultValue = "lr,trees,mlp",
      description = "Golden fixtures to benchmark (default: ${DEFAULT-VALUE}).")
  List<String> fixtures;

  @Option(names = "--golden", defaultValue = "common/src/test/resources/golden",
      description = "Directory of golden fixtures (default: ${DEFAULT-VALUE}).")
  Path golden;

  @Option(names = "--batches", split = ",", defaultValue = "1,64,512,4096",
      description = "Batch sizes of the scorer comparison (default: ${DEFAULT-VALUE}).") int[] batches;

  @Option(names = "--seconds", defaultValue = "1.0", description = "Seconds per measurement round.") double seconds;

  @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds; the median is reported.") int rounds;

  @Option(names = "--rows", defaultValue = "1000000", description = "Rows of the end-to-end Parquet input.") int rows;

  @Option(names = "--e2e-runs", defaultValue = "2", description = "Alternating end-to-end runs of each job (default: ${DEFAULT-VALUE}).")
  int e2eRuns;

  @Option(names = "--e2e-fixture", defaultValue = "lr", description = "Golden fixture scored end to end (default: ${DEFAULT-VALUE}).")
  String e2eFixture;

  @Option(names = "--skip-scorer", description = "Skip the scorer vs bare ONNX Runtime comparison.") boolean skipScorer;

  @Option(names = "--skip-e2e", description = "Skip the end-to-end vs no-op comparison.") boolean skipE2e;

  @Option(names = "--work-dir", defaultValue = "target/bench", description = "Where the generated Parquet input goes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--windows", description = "Also print window state bytes per key for each aggregator.") boolean windows;

  @Override
  public Integer call() throws Exception {
    System.out.printf("lockstep bench: %d cores, java %s, ORT intra-op threads 1%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (!skipScorer) {
      ScorerBench bench = new ScorerBench(seconds, rounds, System.out);
      for (String f : fixtures) {
        bench.run(f, BundleLoader.load(golden.resolve(f).resolve("bundle")), batches);
      }
    }
    if (windows) {
      io.lockstep.batch.bench.WindowStateBench.run(System.out, 10_000, "1h");
    }
    if (!skipE2e) {
      new EndToEndBench(System.out).run(BundleLoader.load(golden.resolve(e2eFixture).resolve("bundle")), rows, e2eRuns, workDir, 512);
    }
    return 0;
  }
}
