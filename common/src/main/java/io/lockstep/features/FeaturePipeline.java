package io.lockstep.features;

import io.lockstep.deadletter.Reason;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.FieldType;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The feature spec compiled against the input schema: turns one record (plus its window aggregates)
 * into one row of the model's float32 input. Stateless and thread-safe; every engine calls this,
 * which is why features agree bitwise across levels.
 */
public final class FeaturePipeline {
  private final CompiledFeature[] features;
  private final int width;
  private final int windowCount;
  private final List<String> columnNames;

  private FeaturePipeline(CompiledFeature[] features, int width, int windowCount, List<String> columnNames) {
    this.features = features;
    this.width = width;
    this.windowCount = windowCount;
    this.columnNames = columnNames;
  }

  public static FeaturePipeline compile(FeatureSpec spec, Schema input) {
    List<CompiledFeature> compiled = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    int column = 0;
    int slot = 0;
    for (FeatureDef def : spec.features()) {
      CompiledFeature f;
      if (def.isWindow()) {
        f = new CompiledFeature(def, -1, slot++, new FieldType(FieldType.Kind.DOUBLE, true, false), column);
      } else {
        Schema.Field field = input.getField(def.from());
        f = new CompiledFeature(def, field.pos(), -1, FieldType.of(field.schema()), column);
      }
      compiled.add(f);
      if (f.width() == 1) {
        columns.add(def.name());
      } else {
        for (int j = 0; j < f.width(); j++) {
          columns.add(def.name() + "[" + j + "]");
        }
      }
      column += f.width();
    }
    return new FeaturePipeline(compiled.toArray(new CompiledFeature[0]), column, slot, List.copyOf(columns));
  }

  /** Number of float columns per row. */
  public int width() {
    return width;
  }

  /** Number of window features, the length of the {@code windowValues} array. */
  public int windowCount() {
    return windowCount;
  }

  /** One name per column ({@code country[0]} for the first one_hot column of {@code country}). */
  public List<String> columnNames() {
    return columnNames;
  }

  /**
   * Writes the feature row of {@code record} into {@code out[offset .. offset + width())}.
   *
   * @param windowValues the record's window aggregates in spec order (may be null without windows)
   * @return null when every feature is finite, else the dead-letter reason of the first failing
   *     feature ({@code missing:<field>} or {@code nan:<feature>}); {@code out} is then undefined
   */
  public Reason extract(FieldAccessor record, double[] windowValues, float[] out, int offset) {
    for (CompiledFeature f : features) {
      Reason reason = f.evaluate(record, windowValues, out, offset);
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }
}
