package io.lockstep.batch.local;

import io.lockstep.batch.io.RawRecord;
import io.lockstep.window.WindowSet;
import java.util.List;

/** Test access to level 1's window computation, the reference other levels' parity tests compare to. */
public final class SingleNodeWindows {
  private SingleNodeWindows() {}

  public static double[][] windowValues(List<RawRecord> all, WindowSet windows) {
    return SingleNodeRunner.windowValues(all, windows);
  }
}
