package io.lockstep.spec;

import java.util.List;

/**
 * A parsed and validated {@code features.yaml} (docs/spec.md, Window features). Features are ordered; together they
 * form the model's float32 input {@code [N, width()]}.
 */
public record FeatureSpec(String key, String time, List<FeatureDef> features, ModelSpec model) {

  public FeatureSpec {
    features = List.copyOf(features);
  }

  /** Total number of input columns. */
  public int width() {
    int w = 0;
    for (FeatureDef f : features) {
      w += f.width();
    }
    return w;
  }

  public boolean hasWindows() {
    return features.stream().anyMatch(FeatureDef::isWindow);
  }

  public List<FeatureDef> windowFeatures() {
    return features.stream().filter(FeatureDef::isWindow).toList();
  }

  /** The longest window, the horizon after which a key's state can be dropped; 0 without windows. */
  public long longestWindowMillis() {
    return features.stream().filter(FeatureDef::isWindow).mapToLong(f -> f.window().overMillis()).max().orElse(0);
  }
}
