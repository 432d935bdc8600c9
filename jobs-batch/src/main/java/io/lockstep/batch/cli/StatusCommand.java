package io.lockstep.batch.cli;

import io.lockstep.batch.ExitCode;
import io.lockstep.lifecycle.ControlStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockstep status}: what each streaming job on a control topic scores with now, from the
 * latest answer of each scoring subtask on {@code <control-topic>.status} (docs/spec.md, Model
 * lifecycle). Subtasks that disagree (a command still being applied) are listed one by one.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print the active primary and candidate per bundle name, as the streaming jobs last reported them.")
final class StatusCommand extends ControlTopicCommand {

  @Option(names = "--name", description = "Only this bundle name.")
  String name;

  @Override
  public Integer call() {
    Map<String, List<ControlStatus>> current = client().current(timeout());
    PrintWriter out = spec.commandLine().getOut();
    if (name != null) {
      current.keySet().retainAll(List.of(name));
    }
    if (current.isEmpty()) {
      out.println("no deployment reported on " + controlTopic + ".status" + (name == null ? "" : " for " + name));
      return ExitCode.FINISHED.code();
    }
    current.forEach((n, statuses) -> print(out, n, statuses));
    return ExitCode.FINISHED.code();
  }

  private static void print(PrintWriter out, String name, List<ControlStatus> statuses) {
    ControlStatus first = statuses.get(0);
    boolean agree = statuses.stream().allMatch(s -> java.util.Objects.equals(s.model(), first.model())
        && java.util.Objects.equals(s.candidate(), first.candidate()));
    if (agree) {
      out.println(name + ": primary " + first.model() + ", candidate " + candidate(first) + " (" + statuses.size() + "/"
          + first.subtasks() + " subtasks, last answer " + first.status().text() + " at " + latest(statuses) + ")");
      return;
    }
    out.println(name + ": subtasks disagree (a command is being applied):");
    for (ControlStatus s : statuses) {
      out.println("  subtask " + s.subtask() + ": primary " + s.model() + ", candidate " + candidate(s) + " (" + s.status().text()
          + " at " + s.at() + ")");
    }
  }

  private static String candidate(ControlStatus s) {
    return s.candidate() == null ? "none" : s.candidate().describe();
  }

  private static String latest(List<ControlStatus> statuses) {
    return statuses.stream().map(ControlStatus::at).max(String::compareTo).orElse("?");
  }
}
