package io.lockstep.batch;

/**
 * Exit codes of {@code lockstep} commands and the Spark job (docs/spec.md, Exit codes). Scripts rely
 * on them: a run that finished but read a damaged input is not a clean success, and must be told
 * apart from a run that could not start.
 */
public enum ExitCode {
  /** The run finished; every record read became a prediction or a dead letter. */
  FINISHED(0),
  /** The run could not run or stopped: nothing is left under the output names (or the previous files). */
  FAILED(1),
  /** A flag is missing or malformed. */
  USAGE(2),
  /** The run finished and its outputs are complete for what could be read, but an input was damaged. */
  INPUT_DAMAGED(3),
  /**
   * The run stopped because more records were dead-lettered than {@code --max-dead-fraction} allows
   * (docs/spec.md, Dead letters); outputs are left as they were.
   */
  DEAD_LETTER_BUDGET(4),
  /** {@code lockstep deploy|promote|rollback}: a scoring subtask rejected the command (docs/spec.md, Model lifecycle). */
  REJECTED(5),
  /** {@code lockstep deploy|promote|rollback}: not every scoring subtask answered within {@code --timeout}. */
  NO_ANSWER(6);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
