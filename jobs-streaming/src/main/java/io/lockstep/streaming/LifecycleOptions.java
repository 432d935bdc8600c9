package io.lockstep.streaming;

import io.lockstep.streaming.scoring.LifecycleSettings;
import picocli.CommandLine.Option;

/**
 * The streaming job's model-lifecycle flags (docs/spec.md, Model lifecycle): the control topic and
 * the divergence windows of a shadow. A mixin of {@link StreamOptions}, validated with it. Without
 * {@code --control-topic} the job has no control input and no lifecycle state.
 */
public final class LifecycleOptions {
  @Option(names = "--control-topic", paramLabel = "T",
      description = "Compacted topic of deploy/promote/rollback commands; answers go to <T>.status (default: off, the bundle is fixed).")
  String controlTopic;

  @Option(names = "--shadow-stats-records", paramLabel = "N", defaultValue = "10000", converter = StreamOptions.Converters.PositiveInt.class,
      description = "A shadow's divergence window closes after N records scored by both (default: ${DEFAULT-VALUE}).")
  int statsRecords;

  @Option(names = "--shadow-stats-window", paramLabel = "DURATION", defaultValue = "10s", converter = StreamOptions.Converters.Millis.class,
      description = "... or this long after its first record, on <output-topic>.shadow-stats (default: ${DEFAULT-VALUE}).")
  long statsMillis;

  /** The control topic, or null when the bundle is fixed. */
  public String controlTopic() {
    return controlTopic;
  }

  public boolean enabled() {
    return controlTopic != null;
  }

  /** What the scoring operator needs, or null without {@code --control-topic}. */
  public LifecycleSettings settings() {
    return enabled() ? new LifecycleSettings(statsRecords, statsMillis) : null;
  }

  void validate(String inputTopic, String outputTopic) {
    if (controlTopic == null) {
      return;
    }
    if (controlTopic.isBlank() || controlTopic.equals(inputTopic) || controlTopic.equals(outputTopic)) {
      throw new IllegalArgumentException("--control-topic must name its own topic, not the input or output topic");
    }
    if (statsMillis < 1) {
      throw new IllegalArgumentException("--shadow-stats-window must be > 0");
    }
  }
}
