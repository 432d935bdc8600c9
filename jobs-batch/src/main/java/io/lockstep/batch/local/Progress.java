package io.lockstep.batch.local;

import java.io.PrintStream;

/** A progress line on stderr every two seconds for long inputs; silent for short runs. */
final class Progress {
  private static final long EVERY_NANOS = 2_000_000_000L;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private long last = start;
  private boolean printed;

  Progress(PrintStream out) {
    this.out = out;
  }

  void tick(long read, long scored, long dead) {
    if ((read & 1023) != 0 || out == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - last >= EVERY_NANOS) {
      last = now;
      double s = (now - start) / 1e9;
      out.printf("\rlockstep: read %,d, scored %,d, dead %,d, %,.0f rows/s", read, scored, dead, read / s);
      out.flush();
      printed = true;
    }
  }

  void done() {
    if (printed) {
      out.println();
    }
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
