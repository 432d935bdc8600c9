package io.lockstep.batch.io;

/** The root cause of a reader's failure in one line, for damage reports and errors that name the file. */
final class Causes {
  private Causes() {}

  /**
   * Exceptions the JVM throws implicitly (a decoder reading garbage indexes out of bounds). HotSpot
   * drops their message once the same site has thrown often ({@code OmitStackTraceInFastThrow}), so
   * the message depends on how warm the JVM is: a fresh single-node run and a long-lived Spark
   * executor would report the same damage in different words. They are named by class only.
   */
  private static final java.util.Set<Class<?>> IMPLICIT = java.util.Set.of(NullPointerException.class,
      ArrayIndexOutOfBoundsException.class, ArrayStoreException.class, ClassCastException.class,
      ArithmeticException.class, NegativeArraySizeException.class);

  /**
   * {@code ExceptionClass: first line of its message}, with parquet-mr's {@code LocalInputFile@1a2b3c}
   * replaced by the file's name; the class alone for {@link #IMPLICIT} exceptions.
   */
  static String of(Throwable e, String file) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = IMPLICIT.contains(root.getClass()) ? null : root.getMessage();
    String text = root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    return text.replaceAll("org\\.apache\\.parquet\\.io\\.LocalInputFile@[0-9a-f]+", file);
  }
}
