package io.lockstep.batch.cli;

import io.lockstep.lifecycle.ControlCommand.Kind;
import picocli.CommandLine.Command;

/** {@code lockstep promote}: the candidate (shadow or canary) becomes the primary (docs/spec.md, Model lifecycle). */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = "Make a running streaming job's candidate its primary, and wait for its answer.")
final class PromoteCommand extends NamedControlCommand {
  @Override
  Kind kind() {
    return Kind.PROMOTE;
  }
}
