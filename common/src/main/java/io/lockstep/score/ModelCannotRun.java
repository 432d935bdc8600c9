package io.lockstep.score;

/**
 * The model fails the same way on every record, so it cannot run at all (a wrong input type, an op
 * ONNX Runtime cannot execute, a broken graph): the run stops with this one line instead of writing
 * a {@code model:} dead letter per record. See {@link BatchScorer} for the rule.
 */
public final class ModelCannotRun extends RuntimeException {
  /** Carries ORT's message in its own and no cause, so every level's "root cause" line is this one. */
  ModelCannotRun(String message) {
    super(message);
  }
}
