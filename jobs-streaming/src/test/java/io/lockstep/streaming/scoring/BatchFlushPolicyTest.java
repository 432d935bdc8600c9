package io.lockstep.streaming.scoring;

import static io.lockstep.streaming.scoring.BatchFlushPolicy.Action.CHECK;
import static io.lockstep.streaming.scoring.BatchFlushPolicy.Action.FLUSH;
import static io.lockstep.streaming.scoring.BatchFlushPolicy.Action.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The flush decisions alone, driven as the mailbox loop drives them: record, check, record, check... */
class BatchFlushPolicyTest {
  @Test
  void aLoneRecordIsScoredByTheFirstCheckThatSeesNoNewArrival() {
    BatchFlushPolicy p = new BatchFlushPolicy(256, 1_000);
    assertThat(p.onRecord(1, 0)).isEqualTo(CHECK);
    // The check queued by the record runs before the task looks at its input again: it cannot judge yet.
    assertThat(p.onCheck(1, 0)).isEqualTo(CHECK);
    // The next one runs after one step of input that brought nothing.
    assertThat(p.onCheck(1, 0)).isEqualTo(FLUSH);
  }

  @Test
  void whileRecordsKeepArrivingChecksWaitAndTheBatchFillsToItsBound() {
    BatchFlushPolicy p = new BatchFlushPolicy(4, 1_000);
    assertThat(p.onRecord(1, 0)).isEqualTo(CHECK);
    assertThat(p.onCheck(1, 0)).isEqualTo(CHECK);
    assertThat(p.onRecord(2, 0)).isEqualTo(NONE);
    assertThat(p.onCheck(2, 0)).isEqualTo(CHECK);
    assertThat(p.onRecord(3, 0)).isEqualTo(NONE);
    assertThat(p.onCheck(3, 0)).isEqualTo(CHECK);
    assertThat(p.onRecord(4, 0)).isEqualTo(FLUSH);
    p.flushed();
    assertThat(p.onCheck(0, 0)).isEqualTo(NONE);
    assertThat(p.onRecord(1, 0)).isEqualTo(CHECK);
  }

  @Test
  void aCheckQueuedBeforeAFullFlushServesTheNextBatch() {
    BatchFlushPolicy p = new BatchFlushPolicy(2, 1_000);
    assertThat(p.onRecord(1, 0)).isEqualTo(CHECK);
    assertThat(p.onCheck(1, 0)).isEqualTo(CHECK);
    assertThat(p.onRecord(2, 0)).isEqualTo(FLUSH);
    p.flushed();
    assertThat(p.onRecord(1, 5)).isEqualTo(NONE); // the earlier check is still queued
    assertThat(p.onCheck(1, 5)).isEqualTo(CHECK); // a record arrived since it was queued
    assertThat(p.onCheck(1, 5)).isEqualTo(FLUSH); // then nothing more
  }

  @Test
  void underSustainedInputTheOldestRowWaitsAtMostMaxWait() {
    BatchFlushPolicy p = new BatchFlushPolicy(1_000, 5);
    assertThat(p.onRecord(1, 100)).isEqualTo(CHECK);
    assertThat(p.onCheck(1, 100)).isEqualTo(CHECK);
    assertThat(p.onRecord(2, 103)).isEqualTo(NONE);
    assertThat(p.onCheck(2, 104)).isEqualTo(CHECK);
    assertThat(p.onRecord(3, 105)).isEqualTo(NONE);
    assertThat(p.onCheck(3, 105)).isEqualTo(FLUSH);
  }

  @Test
  void zeroMaxWaitScoresEveryRecordAlone() {
    BatchFlushPolicy p = new BatchFlushPolicy(256, 0);
    assertThat(p.onRecord(1, 0)).isEqualTo(FLUSH);
  }

  @Test
  void recordsRejectedBeforeTheBatchNeedNoCheck() {
    BatchFlushPolicy p = new BatchFlushPolicy(256, 2);
    assertThat(p.onRecord(0, 0)).isEqualTo(NONE);
  }

  @Test
  void refusesMeaninglessBounds() {
    assertThatThrownBy(() -> new BatchFlushPolicy(0, 2)).hasMessageContaining("batch size");
    assertThatThrownBy(() -> new BatchFlushPolicy(1, -1)).hasMessageContaining("max wait");
  }
}
