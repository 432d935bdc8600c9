package io.lockstep.score;

import java.io.Serializable;

/**
 * A named prediction field resolved against the ONNX model: which output, which column (or
 * ZipMap class label), and the Avro type it is written as.
 */
public record PredictionField(String name, String output, Source source, Type type, int column, String label)
    implements Serializable {

  /** How the value is read from the output. */
  public enum Source { TENSOR, ZIPMAP }

  /** Value type: {@code float} for float tensors, {@code long} for integer, {@code string} for string tensors. */
  public enum Type { FLOAT, DOUBLE, LONG, STRING }
}
