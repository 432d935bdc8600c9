package io.lockstep.batch.cli;

import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlCommand.Kind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep rollback}: the previous primary comes back and the candidate is dropped; with no
 * previous primary, only the candidate is dropped (docs/spec.md, Model lifecycle).
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Restore a running streaming job's previous primary and drop its candidate, and wait for its answer.")
final class RollbackCommand extends ControlTopicCommand {

  @Option(names = "--name", required = true, description = "The bundle name (the job's bundle).")
  String name;

  @Override
  public Integer call() {
    return sendAndReport(ControlCommand.of(name, Kind.ROLLBACK));
  }
}
