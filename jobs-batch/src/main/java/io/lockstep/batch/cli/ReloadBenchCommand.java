package io.lockstep.batch.cli;

import io.lockstep.batch.bench.ReloadBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep bench reload}: native memory across 1,000 model swaps in one JVM (see
 * {@link ReloadBench}; docs/performance.md). Exits 1 when RSS grew more than the goal.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = "Load, score with and swap bundles N times in one JVM; print RSS after 100 and after N swaps.")
final class ReloadBenchCommand implements Callable<Integer> {
  @Option(names = "--golden", defaultValue = "common/src/test/resources/golden",
      description = "Directory of golden fixtures (default: ${DEFAULT-VALUE}).")
  Path golden;

  @Option(names = "--fixtures", split = ",", defaultValue = "lr,trees,mlp",
      description = "Golden fixtures whose bundles are swapped in turn (default: ${DEFAULT-VALUE}).")
  List<String> fixtures;

  @Option(names = "--swaps", defaultValue = "1000", description = "Swaps (default: ${DEFAULT-VALUE}).") int swaps;

  @Option(names = "--batch", defaultValue = "512", description = "Rows scored after each swap (default: ${DEFAULT-VALUE}).") int batch;

  @Option(names = "--max-ratio", defaultValue = "1.05",
      description = "RSS after all swaps over RSS after 100 above which the command exits 1 (default: ${DEFAULT-VALUE}).")
  double maxRatio;

  @Override
  public Integer call() throws Exception {
    List<Path> bundles = fixtures.stream().map(f -> golden.resolve(f).resolve("bundle")).toList();
    ReloadBench.Result r = new ReloadBench(System.out).run(bundles, swaps, batch);
    return r.ratio() <= maxRatio ? 0 : 1;
  }
}
