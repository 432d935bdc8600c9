package io.lockstep.score;

import java.io.Serializable;

/**
 * How the ONNX Runtime session is built.
 *
 * @param intraOpThreads threads per {@code run()}; 1 suits engines that already run one task per core
 * @param cuda use the CUDA execution provider (needs the onnxruntime_gpu artifact and a GPU)
 */
public record ScorerOptions(int intraOpThreads, boolean cuda) implements Serializable {

  public static ScorerOptions defaults() {
    return new ScorerOptions(1, false);
  }

  public ScorerOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }
}
