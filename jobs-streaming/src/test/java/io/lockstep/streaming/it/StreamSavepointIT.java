package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.avro.InputFormat;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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
  void windowStateSurvivesStopWithSavepointAndRestore() throws Exception {
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

    // Restored Kafka splits keep their unbounded stopping offsets (--bounded applies to new splits only),
    // so the resumed job runs until cancelled; an event of another key far in the future moves the
    // watermark past the whole log.
    List<String> resumed = new ArrayList<>(common);
    resumed.addAll(List.of("--from-savepoint", savepoint));
    JobClient second = StreamScoreJob.start(StreamOptions.parse(resumed.toArray(String[]::new)));
    List<ProducerRecord<byte[], byte[]>> rest = new ArrayList<>(records.subList(half, records.size()));
    rest.add(new ProducerRecord<>(in, "flush".getBytes(StandardCharsets.UTF_8), flushEvent(bundle)));
    offsets.addAll(kafka.send(in, rest));
    for (int i = 0; i < records.size(); i++) {
      lineByOffset.put(offsets.get(i), sent.get(i).line());
    }
    List<ConsumerRecord<byte[], byte[]>> all;
    try {
      all = kafka.readAll(out, fx.expected().size(), Duration.ofSeconds(90)); // the flush event itself stays buffered
    } finally {
      second.cancel().get();
    }

    Map<Integer, GoldenFixture.Expected> expected = fx.expected();
    Schema schema = StreamHarness.predictionSchema(bundle, List.of(), true);
    Map<Integer, List<Float>> featuresByLine = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : all) {
      Integer line = lineByOffset.get(StreamHarness.sourceOffset(r));
      if (line == null) {
        continue; // the flush event
      }
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

  private static byte[] flushEvent(Bundle bundle) {
    GenericData.Record r = new GenericData.Record(bundle.inputSchema());
    r.put("customer_id", "flush");
    r.put("event_time", 4_102_444_800_000L);
    r.put("amount", 1.0);
    r.put("channel", "web");
    r.put("items", 1);
    return new AvroCodec(bundle.inputSchema()).binary(r);
  }
}
