package io.lockstep.streaming.window;

import io.lockstep.features.FieldAccessor;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.FeatureSpec;
import java.io.Serializable;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The values the window aggregators read from a record (each window's {@code of} field), taken at
 * the source where the record is decoded anyway, so the keyed window operator needs no second
 * decode. Values are kept exactly as {@code WindowSet} reads them: a number's {@code doubleValue()},
 * NaN for null or non-numbers, so aggregates stay bitwise those of the other levels.
 */
public final class WindowInputs implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] ofPositions;

  private WindowInputs(int[] ofPositions) {
    this.ofPositions = ofPositions;
  }

  public static WindowInputs compile(FeatureSpec spec, Schema input) {
    List<FeatureDef> defs = spec.windowFeatures();
    int[] pos = new int[defs.size()];
    for (int i = 0; i < pos.length; i++) {
      String of = defs.get(i).window().of();
      pos[i] = of == null ? -1 : input.getField(of).pos();
    }
    return new WindowInputs(pos);
  }

  /** One value per window feature, in spec order (0 for windows without {@code of}). */
  public double[] read(FieldAccessor record) {
    double[] out = new double[ofPositions.length];
    for (int i = 0; i < out.length; i++) {
      if (ofPositions[i] >= 0) {
        out[i] = record.get(ofPositions[i]) instanceof Number n ? n.doubleValue() : Double.NaN;
      }
    }
    return out;
  }

  /** A record view that answers the window fields from {@code values} (all {@code WindowSet.observe} reads). */
  public FieldAccessor accessor(double[] values) {
    return field -> {
      for (int i = 0; i < ofPositions.length; i++) {
        if (ofPositions[i] == field) {
          return values[i];
        }
      }
      return null;
    };
  }
}
