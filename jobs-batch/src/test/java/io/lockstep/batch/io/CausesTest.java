package io.lockstep.batch.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CausesTest {

  @Test
  void anImplicitJvmExceptionIsNamedByClassOnlySoAWarmAndAColdJvmReportItAlike() {
    IOException withMessage = new IOException("read failed", new ArrayIndexOutOfBoundsException("Index -6788 out of bounds for length 10"));
    IOException messageOmitted = new IOException("read failed", new ArrayIndexOutOfBoundsException());
    assertThat(Causes.of(withMessage, "events.avro")).isEqualTo("ArrayIndexOutOfBoundsException");
    assertThat(Causes.of(messageOmitted, "events.avro")).isEqualTo(Causes.of(withMessage, "events.avro"));
  }

  @Test
  void anExplicitExceptionKeepsTheFirstLineOfItsRootCausesMessage() {
    IOException e = new IOException("outer", new IllegalStateException("Invalid sync!\nsecond line"));
    assertThat(Causes.of(e, "events.avro")).isEqualTo("IllegalStateException: Invalid sync!");
  }
}
