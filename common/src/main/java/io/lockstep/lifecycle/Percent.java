package io.lockstep.lifecycle;

import java.math.BigDecimal;

/** Percent values as people write them: {@code 10}, {@code 2.5}, never {@code 10.0}. */
final class Percent {
  private Percent() {}

  static String text(double percent) {
    return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
  }
}
