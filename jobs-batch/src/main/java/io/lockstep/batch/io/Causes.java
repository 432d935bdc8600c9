package io.lockstep.batch.io;

/** The root cause of a reader's failure in one line, for damage reports and errors that name the file. */
final class Causes {
  private Causes() {}

  /**
   * {@code ExceptionClass: first line of its message}, with parquet-mr's {@code LocalInputFile@1a2b3c}
   * replaced by the file's name.
   */
  static String of(Throwable e, String file) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    String text = root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    return text.replaceAll("org\\.apache\\.parquet\\.io\\.LocalInputFile@[0-9a-f]+", file);
  }
}
