package io.lockstep.streaming.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaInputSourceTest {
  static final TopicPartition TP = new TopicPartition("in", 3);

  @Test
  void aBoundedJobStopsARestoredUnboundedSplitAtTheEndOffsetItFindsAtStart() {
    KafkaPartitionSplit restored = new KafkaPartitionSplit(TP, 42, KafkaPartitionSplit.NO_STOPPING_OFFSET);
    KafkaPartitionSplit s = KafkaInputSource.withBounds(restored, true);
    assertThat(s.getStartingOffset()).isEqualTo(42);
    assertThat(s.getStoppingOffset()).contains(KafkaPartitionSplit.LATEST_OFFSET);
  }

  @Test
  void aBoundedJobKeepsAStoppingOffsetItAlreadyResolved() {
    KafkaPartitionSplit resolved = new KafkaPartitionSplit(TP, 42, 100);
    assertThat(KafkaInputSource.withBounds(resolved, true)).isSameAs(resolved);
  }

  @Test
  void anUnboundedJobReadsOnPastARestoredBoundedSplitsStop() {
    KafkaPartitionSplit restored = new KafkaPartitionSplit(TP, 42, 100);
    KafkaPartitionSplit s = KafkaInputSource.withBounds(restored, false);
    assertThat(s.getStartingOffset()).isEqualTo(42);
    assertThat(s.getStoppingOffset()).isEmpty();
  }
}
