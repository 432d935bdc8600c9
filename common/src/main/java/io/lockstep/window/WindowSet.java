package io.lockstep.window;

import io.lockstep.features.FieldAccessor;
import io.lockstep.features.ValueText;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.FieldType;
import io.lockstep.spec.WindowDef;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The window features of a spec, compiled against the input schema: one aggregator definition per
 * window feature, in spec order. The single-node runner, the Spark backfill and the Flink keyed
 * operator all call {@link #observe}, so offline and online window values are the same code.
 */
public final class WindowSet {
  private final WindowDef[] windows;
  private final int[] ofIndex;
  private final int keyIndex;
  private final int timeIndex;
  private final boolean timeMicros;
  private final long horizon;
  private final String keyField;
  private final String timeField;

  private WindowSet(WindowDef[] windows, int[] ofIndex, int keyIndex, int timeIndex, boolean timeMicros, long horizon,
                    String keyField, String timeField) {
    this.windows = windows;
    this.ofIndex = ofIndex;
    this.keyIndex = keyIndex;
    this.timeIndex = timeIndex;
    this.timeMicros = timeMicros;
    this.horizon = horizon;
    this.keyField = keyField;
    this.timeField = timeField;
  }

  /** The spec's key field name (null without one). */
  public String keyField() {
    return keyField;
  }

  /** The spec's time field name (null without one). */
  public String timeField() {
    return timeField;
  }

  /** Compiles the spec's window features; works (with none) for specs without windows too. */
  public static WindowSet compile(FeatureSpec spec, Schema input) {
    List<FeatureDef> defs = spec.windowFeatures();
    WindowDef[] windows = new WindowDef[defs.size()];
    int[] of = new int[defs.size()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = defs.get(i).window();
      of[i] = windows[i].of() == null ? -1 : input.getField(windows[i].of()).pos();
    }
    int key = spec.key() == null ? -1 : input.getField(spec.key()).pos();
    int time = -1;
    boolean micros = false;
    if (spec.time() != null) {
      Schema.Field f = input.getField(spec.time());
      time = f.pos();
      micros = FieldType.of(f.schema()).micros();
    }
    return new WindowSet(windows, of, key, time, micros, spec.longestWindowMillis(), spec.key(), spec.time());
  }

  public int size() {
    return windows.length;
  }

  public boolean isEmpty() {
    return windows.length == 0;
  }

  /** The longest window: a key idle for this long has empty windows and its state can go. */
  public long horizonMillis() {
    return horizon;
  }

  /** The record's key as text, or null when the spec has no key or the record has none. */
  public String key(FieldAccessor record) {
    if (keyIndex < 0) {
      return null;
    }
    Object v = record.get(keyIndex);
    return v == null ? null : ValueText.of(v);
  }

  /** The record's event time in epoch millis ({@code timestamp-micros} truncated), or null. */
  public Long timeMillis(FieldAccessor record) {
    if (timeIndex < 0) {
      return null;
    }
    Object v = record.get(timeIndex);
    if (!(v instanceof Number n)) {
      return null;
    }
    return timeMicros ? Math.floorDiv(n.longValue(), 1000L) : n.longValue();
  }

  public KeyWindowState newState() {
    SlidingAggregate[] aggs = new SlidingAggregate[windows.length];
    for (int i = 0; i < aggs.length; i++) {
      aggs[i] = SlidingAggregate.create(windows[i].agg());
    }
    return new KeyWindowState(aggs);
  }

  /** Restores a state written by {@link KeyWindowState#toBytes()} for this same spec. */
  public KeyWindowState fromBytes(byte[] data) {
    KeyWindowState s = newState();
    s.readFrom(data);
    return s;
  }

  /**
   * Adds the event to its key's state and writes the aggregates over {@code (time - over, time]}
   * (this event included) into {@code out}. Events of one key must come in non-decreasing time.
   */
  public void observe(KeyWindowState state, long time, FieldAccessor record, double[] out) {
    for (int i = 0; i < windows.length; i++) {
      SlidingAggregate a = state.aggregates[i];
      a.evict(time - windows[i].overMillis());
      a.add(time, ofIndex[i] < 0 ? 0.0 : ofValue(record.get(ofIndex[i])));
      out[i] = a.value();
    }
    state.lastTime = Math.max(state.lastTime, time);
  }

  private static double ofValue(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.NaN;
  }
}
