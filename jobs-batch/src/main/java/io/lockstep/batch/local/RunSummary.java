package io.lockstep.batch.local;

import io.lockstep.deadletter.Reason;
import io.lockstep.io.InputDamage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of a batch run; {@code scored + dead == read} always. {@code damage} lists the damage found
 * in the input (the records read before it are counted; docs/spec.md, Exit codes).
 */
public record RunSummary(long read, long scored, long dead, Map<Reason.Kind, Long> deadByReason, double seconds,
                         List<InputDamage> damage) {

  public RunSummary {
    EnumMap<Reason.Kind, Long> byKind = new EnumMap<>(Reason.Kind.class);
    byKind.putAll(deadByReason);
    deadByReason = byKind;
    damage = List.copyOf(damage);
  }

  public RunSummary(long read, long scored, long dead, Map<Reason.Kind, Long> deadByReason, double seconds) {
    this(read, scored, dead, deadByReason, seconds, List.of());
  }

  public boolean inputDamaged() {
    return !damage.isEmpty();
  }

  public double rowsPerSecond() {
    return seconds <= 0 ? 0 : read / seconds;
  }

  /** One line for people: {@code read 5012, scored 5000, dead 12 (decode 3, missing 9) in 0.41 s, 12,224 rows/s}. */
  public String line() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("read %,d, scored %,d, dead %,d", read, scored, dead));
    if (!deadByReason.isEmpty()) {
      s.append(" (");
      boolean first = true;
      for (Map.Entry<Reason.Kind, Long> e : deadByReason.entrySet()) {
        s.append(first ? "" : ", ").append(e.getKey().prefix()).append(' ').append(e.getValue());
        first = false;
      }
      s.append(')');
    }
    s.append(String.format(" in %.2f s, %,.0f rows/s", seconds, rowsPerSecond()));
    return s.toString();
  }
}
