package io.lockstep.batch.cli;

import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlCommand.Kind;
import picocli.CommandLine.Option;

/** {@code promote} and {@code rollback}: a command that names the bundle and carries nothing else. */
abstract class NamedControlCommand extends ControlTopicCommand {

  @Option(names = "--name", required = true, description = "The bundle name (the job's bundle).")
  String name;

  abstract Kind kind();

  @Override
  public Integer call() {
    return sendAndReport(ControlCommand.of(name, kind()));
  }
}
