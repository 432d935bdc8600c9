package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.avro.InputFormat;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop-with-savepoint half-way through the golden windows log, restart from the savepoint, feed
 * the rest: window state and the events still waiting for the watermark survive, so every event's
 * features equal the uninterrupted reference (the golden expected features, which an uninterrupted
 * stream run also matches, see {@link StreamGoldenIT}), and no event is scored twice or lost.
 */
class StreamSavepointIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  @TempDir
  Path savepoints;

  @Test
  void windowStateSurvivesStopWithSavepointAndABoundedRestoreStopsAtTheEndOffsets() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("windows");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("savepoint-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    List<GoldenInput.Sent> sent = GoldenInput.read(fx.inputCsv(), bundle, InputFormat.AVRO).stream()
        .filter(s -> s.value() != null).toList();
    Map<Long, Integer> lineByOffset = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (GoldenInput.Sent s : sent) {
      records.add(new ProducerRecord<>(in, s.key(), s.value()));
    }
    int half = records.size() / 2;
    List<String> common = List.of("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--with-features",
        "--parallelism", "2", "--checkpoint-ms", "500");

    JobClient first = StreamScoreJob.start(StreamOptions.parse(common.toArray(String[]::new)));
    List<Long> offsets = kafka.send(in, records.subList(0, half));
    kafka.readAll(out, half / 2, Duration.ofSeconds(60));
    String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get(120, java.util.concurrent.TimeUnit.SECONDS);
    int beforeRestart = kafka.readAll(out, 0, Duration.ofSeconds(5)).size();
    assertThat(beforeRestart).as("some events still wait for the watermark at the savepoint").isLessThan(half);

    // The rest of the log is in the topic before the resumed job starts. Restored with --bounded, the
    // job must stop by itself at the end offsets it finds at start (issue 11 item 2: the Kafka source
    // kept the restored splits' "no stopping offset", and the job ran until cancelled). At the end of
    // input the watermark jumps past every event, so nothing stays buffered.
    List<ProducerRecord<byte[], byte[]>> rest = new ArrayList<>(records.subList(half, records.size()));
    offsets.addAll(kafka.send(in, rest));
    for (int i = 0; i < records.size(); i++) {
      lineByOffset.put(offsets.get(i), sent.get(i).line());
    }
    List<String> resumed = new ArrayList<>(common);
    resumed.addAll(List.of("--from-savepoint", savepoint, "--bounded"));
    JobClient second = StreamScoreJob.start(StreamOptions.parse(resumed.toArray(String[]::new)));
    try {
      second.getJobExecutionResult().get(180, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      second.cancel().get();
      throw new AssertionError("the job restored with --bounded did not stop at the end offsets within 180 s", e);
    }
    List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(out, fx.expected().size(), Duration.ofSeconds(30));

    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Schema schema = StreamHarness.predictionSchema(bundle, List.of(), true);
    Map<Integer, List<Float>> featuresByLine = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : all) {
      Integer line = lineByOffset.get(StreamHarness.sourceOffset(r));
      GenericRecord p = StreamHarness.decode(schema, r.value());
      @SuppressWarnings("unchecked")
      List<Float> f = (List<Float>) p.get("features");
      assertThat(featuresByLine.put(line, f)).as("line %d scored twice", line).isNull();
    }
    assertThat(featuresByLine.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (GoldenFixture.Expected e : expected.values()) {
      for (int c = 0; c < e.features().length; c++) {
        assertThat(featuresByLine.get(e.line()).get(c)).as("line %d feature %d", e.line(), c).isEqualTo(e.features()[c]);
      }
    }
  }
}
