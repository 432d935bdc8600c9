package io.lockstep.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import java.util.List;
import java.util.Optional;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The scoring operator's flush bound and pre-barrier flush, in Flink's operator test harness with a
 * manual processing-time clock and a mailbox the test drains by hand: which batch a record lands in
 * follows from the clock and the mails the test runs, never from wall-clock time.
 */
class ScoringOperatorTimingTest {
  static final int BIG_BATCH = 1_000;

  @Test
  void whileInputKeepsArrivingTheOldestRowWaitsNoLongerThanTheFlushBound() throws Exception {
    try (OneInputStreamOperatorTestHarness<InputEvent, OutRecord> h = harness(50)) {
      h.setProcessingTime(1_000);
      h.processElement(ScoringOperatorTest.event(0), 0);
      h.processElement(ScoringOperatorTest.event(1), 0);
      // The drain check queued by the first record: input kept arriving and no row is 50 ms old yet.
      assertThat(runMails(h)).isEqualTo(1);
      assertThat(h.getOutput()).isEmpty();
      h.processElement(ScoringOperatorTest.event(2), 0);
      h.setProcessingTime(1_049);
      runMails(h);
      assertThat(h.getOutput()).as("49 ms after the oldest row").isEmpty();
      h.processElement(ScoringOperatorTest.event(3), 0);
      h.setProcessingTime(1_050);
      runMails(h);
      assertThat(ScoringOperatorTest.sources(h.getOutput())).as("50 ms after the oldest row, the whole batch")
          .containsExactly("in/0/0", "in/0/1", "in/0/2", "in/0/3");
    }
  }

  @Test
  void aCheckpointBarrierScoresTheBufferedBatchBeforeTheSnapshot() throws Exception {
    try (OneInputStreamOperatorTestHarness<InputEvent, OutRecord> h = harness(ScoringOperatorTest.NEVER_MS)) {
      for (int i = 0; i < 3; i++) {
        h.processElement(ScoringOperatorTest.event(i), 0);
      }
      assertThat(h.getOutput()).as("batched, no check has run").isEmpty();
      h.prepareSnapshotPreBarrier(1);
      assertThat(ScoringOperatorTest.sources(h.getOutput())).containsExactly("in/0/0", "in/0/1", "in/0/2");
      h.snapshot(1, 1);
      assertThat(runMails(h)).as("the queued check finds an empty batch").isEqualTo(1);
      assertThat(h.getOutput()).hasSize(3);
    }
  }

  static OneInputStreamOperatorTestHarness<InputEvent, OutRecord> harness(long flushMillis) throws Exception {
    ScoringSettings settings = new ScoringSettings(InputFormat.JSON, List.of(), BIG_BATCH, flushMillis, false, 1);
    OneInputStreamOperatorTestHarness<InputEvent, OutRecord> h = new OneInputStreamOperatorTestHarness<>(
        new ScoringOperator(ShippedBundle.read(GoldenFixture.of("lr").bundle()), settings));
    h.open();
    return h;
  }

  /** Runs the mails waiting in the task's mailbox (not those they queue); returns how many ran. */
  static int runMails(OneInputStreamOperatorTestHarness<?, ?> h) throws Exception {
    TaskMailbox mailbox = h.getTaskMailbox();
    List<Mail> waiting = new java.util.ArrayList<>();
    for (Optional<Mail> m = mailbox.tryTake(TaskMailbox.MIN_PRIORITY); m.isPresent(); m = mailbox.tryTake(TaskMailbox.MIN_PRIORITY)) {
      waiting.add(m.get());
    }
    for (Mail m : waiting) {
      m.run();
    }
    return waiting.size();
  }
}
