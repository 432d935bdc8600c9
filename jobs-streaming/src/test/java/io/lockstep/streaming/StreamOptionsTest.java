package io.lockstep.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.avro.InputFormat;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {
  static final String[] REQUIRED = {"--bundle", "b/churn", "--bootstrap", "127.0.0.1:9092", "--input-topic", "in", "--output-topic", "out"};

  @Test
  void defaultsFollowTheContract() {
    StreamOptions o = StreamOptions.parse(REQUIRED);
    assertThat(o.deadLetterTopic()).isEqualTo("out.dlq");
    assertThat(o.inputFormat()).isEqualTo(InputFormat.AVRO);
    assertThat(o.delivery()).isEqualTo(Delivery.AT_LEAST_ONCE);
    assertThat(o.groupId()).isEqualTo("lockstep-churn");
    assertThat(o.outOfOrdernessMillis()).isEqualTo(5000);
    assertThat(o.bounded()).isFalse();
  }

  @Test
  void exactlyOnceCheckpointsEverySecondByDefault() {
    StreamOptions o = StreamOptions.parse(concat(REQUIRED, "--delivery", "exactly-once", "--input-format", "avro-single-object"));
    assertThat(o.checkpointMillis()).isEqualTo(1000);
    assertThat(o.inputFormat()).isEqualTo(InputFormat.AVRO_SINGLE);
  }

  /** Flink's default (JobManager heap, 5 MiB) fails every checkpoint of a few thousand keys' window state. */
  @Test
  void checkpointsGoToAFileSystemFlagFirstThenClusterThenTemp() {
    var key = org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY;
    var storage = org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE;
    StreamOptions flag = StreamOptions.parse(concat(REQUIRED, "--checkpoint-dir", "hdfs:///ckpt"));
    assertThat(StreamScoreJob.checkpointStorage(flag, "s3://cluster").get(key)).isEqualTo("hdfs:///ckpt");
    StreamOptions none = StreamOptions.parse(REQUIRED);
    assertThat(StreamScoreJob.checkpointStorage(none, "s3://cluster").get(key)).isEqualTo("s3://cluster");
    assertThat(StreamScoreJob.checkpointStorage(none, null).get(key)).startsWith("file:").contains("lockstep-checkpoints");
    assertThat(StreamScoreJob.checkpointStorage(none, null).get(storage)).isEqualTo("filesystem");
  }

  @Test
  void durationsTakeUnits() {
    assertThat(StreamOptions.durationMillis("500ms", "--x")).isEqualTo(500);
    assertThat(StreamOptions.durationMillis("2m", "--x")).isEqualTo(120_000);
    assertThat(StreamOptions.durationMillis("7", "--x")).isEqualTo(7);
  }

  @Test
  void refusesWhatCannotRunWithAOneLineCause() {
    assertThatThrownBy(() -> StreamOptions.parse("--bundle", "b")).hasMessageStartingWith("missing --bootstrap");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--delivery", "exactly-once", "--checkpoint-ms", "0")))
        .hasMessageContaining("exactly-once needs checkpoints");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--input-format", "xml"))).hasMessageContaining("--input-format must be");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--batch-size", "0"))).hasMessageContaining("positive integer");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--nope", "1"))).hasMessageStartingWith("unknown option '--nope'");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--dlq-topic", "in"))).hasMessageContaining("must differ");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
