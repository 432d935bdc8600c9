package io.lockstep.batch.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder replaced by the benchmark command. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (see docs/performance.md).")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("bench: not built yet");
    return 0;
  }
}
