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
  void theLifecycleIsOffWithoutAControlTopicAndItsWindowsAreTyped() {
    assertThat(StreamOptions.parse(REQUIRED).lifecycle().settings()).isNull();
    StreamOptions o = StreamOptions.parse(concat(REQUIRED, "--control-topic", "ctl", "--shadow-stats-records", "500",
        "--shadow-stats-window", "2m"));
    assertThat(o.lifecycle().controlTopic()).isEqualTo("ctl");
    assertThat(o.lifecycle().settings()).isEqualTo(new io.lockstep.streaming.scoring.LifecycleSettings(500, 120_000));
    assertThat(StreamOptions.parse(concat(REQUIRED, "--control-topic", "ctl")).lifecycle().settings())
        .isEqualTo(new io.lockstep.streaming.scoring.LifecycleSettings(10_000, 10_000));
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--control-topic", "in"))).hasMessageContaining("--control-topic must name its own topic");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--control-topic", "c", "--shadow-stats-records", "0")))
        .hasMessageContaining("positive integer");
    assertThat(StreamOptions.usage()).contains("--control-topic", "--shadow-stats-records", "--shadow-stats-window");
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

  @Test
  void everyFlagIsDocumentedInTheGeneratedUsage() {
    String usage = StreamOptions.usage();
    for (String flag : new String[] {"--bundle", "--bootstrap", "--input-topic", "--output-topic", "--dlq-topic", "--input-format",
        "--delivery", "--group-id", "--starting-offsets", "--bounded", "--keep", "--batch-size", "--flush-ms", "--checkpoint-ms",
        "--checkpoint-dir", "--parallelism", "--out-of-orderness", "--source-idle-ms", "--buffer-timeout-ms", "--sink-linger-ms",
        "--transactional-id-prefix", "--with-features", "--from-savepoint", "--onnx-threads", "--job-name", "--kafka-config",
        "--kafka-property"}) {
      assertThat(usage).contains(flag);
    }
    assertThat(usage).contains("default: 256").doesNotContain("fail-after");
  }

  @Test
  void testHooksAreNotProductionOptions() {
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--fail-after", "10")))
        .hasMessageStartingWith("unknown option '--fail-after'");
  }

  @Test
  void badValuesNameTheFlagOnOneLine() {
    for (String[] bad : new String[][] {{"--batch-size", "x"}, {"--flush-ms", "-1"}, {"--out-of-orderness", "5 parsecs"},
        {"--starting-offsets", "middle"}, {"--delivery", "maybe"}, {"--kafka-property", "novalue"}, {"--parallelism", "0"}}) {
      assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad[0])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--bundle"))).hasMessageStartingWith("--bundle needs a value");
  }

  @Test
  void switchesTakeAnOptionalBoolean() {
    assertThat(StreamOptions.parse(concat(REQUIRED, "--bounded")).bounded()).isTrue();
    assertThat(StreamOptions.parse(concat(REQUIRED, "--bounded=false")).bounded()).isFalse();
    assertThat(StreamOptions.parse(concat(REQUIRED, "--with-features", "--bounded")).withFeatures()).isTrue();
  }

  @Test
  void kafkaPropertiesOverrideTheConfigFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("client.properties");
    java.nio.file.Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    StreamOptions o = StreamOptions.parse(concat(REQUIRED, "--kafka-config", file.toString(),
        "--kafka-property", "sasl.mechanism=PLAIN", "--kafka-property", "client.rack=r1"));
    assertThat(o.kafka().properties()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN").containsEntry("client.rack", "r1");
    assertThatThrownBy(() -> StreamOptions.parse(concat(REQUIRED, "--kafka-config", dir.resolve("nope").toString())))
        .hasMessageContaining("--kafka-config").hasMessageContaining("no such file");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
