package io.lockstep.spec;

/**
 * Where a named prediction field comes from: an ONNX output found by name, and for 2-D tensors the
 * column index (for ZipMap-style sequence-of-map outputs, the class label, compared as text).
 */
public record OutputRef(String output, String index) {

  public boolean hasIndex() {
    return index != null;
  }
}
