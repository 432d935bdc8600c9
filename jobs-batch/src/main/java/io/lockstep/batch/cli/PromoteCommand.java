package io.lockstep.batch.cli;

import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlCommand.Kind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockstep promote}: the candidate (shadow or canary) becomes the primary (docs/spec.md, Model lifecycle). */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Make a running streaming job's candidate its primary, and wait for its answer.")
final class PromoteCommand extends ControlTopicCommand {

  @Option(names = "--name", required = true, description = "The bundle name (the job's bundle).")
  String name;

  @Override
  public Integer call() {
    return sendAndReport(ControlCommand.of(name, Kind.PROMOTE));
  }
}
