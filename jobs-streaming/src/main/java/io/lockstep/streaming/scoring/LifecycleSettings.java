package io.lockstep.streaming.scoring;

import java.io.Serializable;

/**
 * What the scoring operator needs when the job runs with {@code --control-topic} (docs/spec.md,
 * Model lifecycle); without the flag the operator gets none and has no control input and no state.
 *
 * @param statsRecords a divergence window closes after this many pairs scored by primary and shadow
 * @param statsMillis or this long after its first pair, whichever comes first
 */
public record LifecycleSettings(long statsRecords, long statsMillis) implements Serializable {
  public LifecycleSettings {
    if (statsRecords < 1 || statsMillis < 1) {
      throw new IllegalArgumentException("divergence windows need records >= 1 and millis >= 1, got " + statsRecords + " and " + statsMillis);
    }
  }
}
