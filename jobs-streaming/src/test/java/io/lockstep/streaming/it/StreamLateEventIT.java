package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With window features, an event further behind the newest event time than the out-of-orderness
 * bound is dead-lettered with {@code late:} and enters no window; an event out of order but within
 * the bound is scored in its time order.
 */
class StreamLateEventIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  static final long T0 = 1_795_000_000_000L;

  @Test
  void eventsBeyondTheBoundAreDeadLetteredLateAndOthersScoredInTimeOrder() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("windows");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("late-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    AvroCodec codec = new AvroCodec(bundle.inputSchema());

    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "2",
        "--out-of-orderness", "1s", "--source-idle-ms", "300", "--with-features"));
    try {
      send(kafka, in, codec, bundle, T0 + 10_000, T0 + 20_000);
      // The first prediction comes out once the watermark (T0 + 20 000 - 1 000 - 1) passed T0 + 10 000.
      kafka.readAll(out, 1, Duration.ofSeconds(60));
      send(kafka, in, codec, bundle, T0 + 15_000, T0 + 19_500, T0 + 40_000);
      // T0 + 15 000 is behind the watermark (T0 + 18 999) as soon as it is read: its dead letter comes before the watermark moves on.
      kafka.readAll(out + ".dlq", 1, Duration.ofSeconds(60));
      send(kafka, in, codec, bundle, T0 + 100_000);

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(out + ".dlq", 1, Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> predictions = kafka.readAll(out, 4, Duration.ofSeconds(60));

      assertThat(dead).hasSize(1);
      JsonNode late = StreamHarness.json(dead.get(0).value());
      assertThat(late.get("reason").asText()).startsWith("late:");
      assertThat(StreamHarness.sourceOffset(dead.get(0))).isEqualTo(2L);
      assertThat(late.get("key").asText()).isEqualTo("k1");

      Map<Long, Float> countByTime = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : predictions) {
        GenericRecord p = StreamHarness.decode(StreamHarness.predictionSchema(bundle, List.of(), true), r.value());
        @SuppressWarnings("unchecked")
        List<Float> features = (List<Float>) p.get("features");
        countByTime.put((Long) p.get("event_time"), features.get(0));
      }
      // txn_count_1h in (time, arrival) order: 10 000 → 1, 19 500 → 2, 20 000 → 3, 40 000 → 4; the late 15 000 is in none.
      assertThat(countByTime).containsExactlyEntriesOf(new TreeMap<>(Map.of(
          T0 + 10_000, 1f, T0 + 19_500, 2f, T0 + 20_000, 3f, T0 + 40_000, 4f)));
    } finally {
      job.cancel().get();
    }
  }

  private static void send(KafkaBroker kafka, String topic, AvroCodec codec, Bundle bundle, long... times) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long t : times) {
      GenericData.Record r = new GenericData.Record(bundle.inputSchema());
      r.put("customer_id", "k1");
      r.put("event_time", t);
      r.put("amount", 10.0);
      r.put("channel", "web");
      r.put("items", 3);
      records.add(new ProducerRecord<>(topic, "k1".getBytes(StandardCharsets.UTF_8), codec.binary(r)));
    }
    kafka.send(topic, records);
  }
}
