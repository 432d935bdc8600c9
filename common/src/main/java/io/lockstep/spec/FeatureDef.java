package io.lockstep.spec;

import java.util.List;

/**
 * One entry of {@code features:}. Exactly one of {@code from} (a row feature) and {@code window}
 * (a window feature) is set.
 */
public record FeatureDef(String name, String from, WindowDef window, List<Op> ops) {

  public FeatureDef {
    ops = List.copyOf(ops);
  }

  public boolean isWindow() {
    return window != null;
  }

  /** Columns this feature contributes to the model input: one per {@code one_hot} value, else one. */
  public int width() {
    if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof Op.OneHot oneHot) {
      return oneHot.values().size();
    }
    return 1;
  }

  /** Whether the ops start with {@code impute}, which makes a null or NaN input acceptable. */
  public boolean imputesFirst() {
    return !ops.isEmpty() && ops.get(0) instanceof Op.Impute;
  }
}
