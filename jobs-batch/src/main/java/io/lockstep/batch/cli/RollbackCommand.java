package io.lockstep.batch.cli;

import io.lockstep.lifecycle.ControlCommand.Kind;
import picocli.CommandLine.Command;

/**
 * {@code lockstep rollback}: the previous primary comes back and the candidate is dropped; with no
 * previous primary, only the candidate is dropped (docs/spec.md, Model lifecycle).
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = "Restore a running streaming job's previous primary and drop its candidate, and wait for its answer.")
final class RollbackCommand extends NamedControlCommand {
  @Override
  Kind kind() {
    return Kind.ROLLBACK;
  }
}
