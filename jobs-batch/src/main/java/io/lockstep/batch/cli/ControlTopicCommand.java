package io.lockstep.batch.cli;

import io.lockstep.batch.ExitCode;
import io.lockstep.kafka.KafkaClientOptions;
import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlClient.Answer;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code lockstep deploy|promote|rollback|status} share (docs/spec.md, Model lifecycle): the
 * control topic's flags, and sending one command then reporting the job's answers. Exit codes:
 * 0 accepted by every scoring subtask, 5 rejected by one, 6 not every subtask answered within
 * {@code --timeout} (docs/spec.md, Exit codes).
 */
abstract class ControlTopicCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT.")
  String bootstrap;

  @Option(names = "--control-topic", required = true,
      description = "The control topic the streaming job was started with (--control-topic); answers come on <topic>.status.")
  String controlTopic;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "How long to wait for every scoring subtask's answer (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Spec
  CommandSpec spec;

  ControlClient client() {
    if (!(timeoutSeconds > 0)) {
      throw new ParameterException(spec.commandLine(), "--timeout must be a positive number of seconds, got " + timeoutSeconds);
    }
    return new ControlClient(bootstrap, controlTopic, kafka.settings());
  }

  Duration timeout() {
    return Duration.ofMillis(Math.round(timeoutSeconds * 1000));
  }

  String prefix() {
    return "lockstep " + spec.name() + ": ";
  }

  /** Sends {@code command}, prints every answer, and returns the exit code. */
  int sendAndReport(ControlCommand command) {
    ControlClient client = client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.println(prefix() + "sent " + command.describe() + " to " + controlTopic + "; waiting up to "
        + Math.round(timeoutSeconds) + "s for answers on " + client.statusTopic());
    out.flush();
    Answer answer = client.send(command, timeout());
    for (ControlStatus s : answer.answers().values()) {
      out.println(prefix() + s.describe());
    }
    for (ControlStatus s : answer.active()) {
      out.println(prefix() + s.describe());
    }
    out.flush();
    return switch (answer.outcome()) {
      case ACCEPTED -> {
        out.println(prefix() + "accepted by " + answer.subtasks() + "/" + answer.subtasks() + " subtasks");
        yield ExitCode.FINISHED.code();
      }
      case REJECTED -> {
        err.println(prefix() + "rejected: " + answer.firstRejection());
        yield ExitCode.REJECTED.code();
      }
      case TIMED_OUT -> {
        err.println(prefix() + (answer.subtasks() == 0
            ? "no answer within " + Math.round(timeoutSeconds) + "s: is a streaming job running with --control-topic " + controlTopic + "?"
            : "only " + answer.answers().size() + " of " + answer.subtasks() + " subtasks answered within " + Math.round(timeoutSeconds) + "s"));
        yield ExitCode.NO_ANSWER.code();
      }
    };
  }
}
