package io.lockstep.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code model:} section: the ONNX input fed with {@code [N, F]} float32 and the named outputs. */
public record ModelSpec(String input, Map<String, OutputRef> outputs) {

  public ModelSpec {
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }
}
