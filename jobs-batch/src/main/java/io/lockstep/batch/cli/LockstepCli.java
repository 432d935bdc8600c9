package io.lockstep.batch.cli;

import io.lockstep.bundle.BundleException;
import io.lockstep.score.ModelCannotRun;
import io.lockstep.spec.SpecException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lockstep}: the single-node command line (docs/spec.md, CLI). Exit code 0 when a run finished
 * (even with dead letters); non-zero with a one-line cause when it could not run.
 */
@Command(name = "lockstep", mixinStandardHelpOptions = true, version = "lockstep 0.1.0",
    description = "Score ONNX models on features computed once, identically, on one node, Spark and Flink.",
    subcommands = {ScoreCommand.class, InspectCommand.class, BundleCommand.class, BenchCommand.class, DemoCommand.class,
        ProduceCommand.class, TailCommand.class, ProfileCommand.class, VerifyCommand.class,
        DeployCommand.class, PromoteCommand.class, RollbackCommand.class, StatusCommand.class})
public final class LockstepCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new LockstepCli());
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("lockstep: " + ex.getMessage() + " (see: lockstep " + ex.getCommandLine().getCommandName() + " --help)");
      // verify keeps 2 for "beyond thresholds": a command line it cannot run is 1, like any run that could not start
      return ex.getCommandLine().getCommandSpec().userObject() instanceof VerifyCommand ? 1 : 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("lockstep: " + oneLine(ex));
      if (System.getenv("LOCKSTEP_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    return cli.execute(args);
  }

  static String oneLine(Throwable ex) {
    if (ex instanceof BundleException || ex instanceof SpecException || ex instanceof IllegalArgumentException
        || ex instanceof ModelCannotRun) {
      return ex.getMessage();
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    return msg.replace('\n', ' ');
  }
}
