package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.Delivery;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A task fails mid-stream (a test-only {@link FailingMapper} ahead of scoring) after at least one checkpoint has
 * completed; Flink restores it from that checkpoint and replays. Exactly-once: a read_committed
 * consumer sees every input exactly once. At-least-once: every input at least once.
 */
class StreamFaultToleranceIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  static final int PER_PHASE = 1000;

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aFailureMidStreamLosesNothingAndExactlyOnceDuplicatesNothing(Delivery delivery) throws Exception {
    check(KafkaBroker.shared(), delivery);
  }

  /** The whole fault check against {@code kafka} (plaintext here, SASL_SSL in {@link SecuredKafkaIT}). */
  static void check(KafkaBroker kafka, Delivery delivery) throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("ft-" + delivery.flag());
    String out = in + "-predictions";
    kafka.createTopics(2, in, out, out + ".dlq");
    AvroCodec codec = new AvroCodec(bundle.inputSchema());

    int failuresBefore = FailingMapper.FAILURES.get();
    List<String> args = new ArrayList<>(List.of("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "2",
        "--delivery", delivery.flag(), "--checkpoint-ms", "300", "--transactional-id-prefix", in, "--group-id", in));
    args.addAll(kafka.clientArgs());
    JobClient job = StreamScoreJob.start(StreamOptions.parse(args.toArray(String[]::new)), FailingMapper.after(PER_PHASE * 3 / 4));
    try {
      kafka.send(in, records(in, bundle.inputSchema(), codec, 0, PER_PHASE));
      // Outputs visible to read_committed (exactly-once) means a checkpoint has completed.
      kafka.readAll(out, 1, Duration.ofSeconds(60));
      // The failure (mid second phase) then restores from a checkpoint that holds the whole first phase.
      Await.until(Duration.ofSeconds(60), () -> kafka.committed(in, in) >= PER_PHASE, "a checkpoint covers the first phase");
      kafka.send(in, records(in, bundle.inputSchema(), codec, PER_PHASE, 2 * PER_PHASE));

      kafka.readAll(out, 2 * PER_PHASE, Duration.ofSeconds(120));
      // Once a checkpoint covers every input, every output it will ever write (duplicates too) was flushed.
      Await.until(Duration.ofSeconds(60), () -> kafka.committed(in, in) >= 2 * PER_PHASE, "a checkpoint covers every input");
      List<ConsumerRecord<byte[], byte[]>> predictions = kafka.readAll(out, 2 * PER_PHASE, Duration.ofSeconds(30));
      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : predictions) {
        seen.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
      }
      assertThat(FailingMapper.FAILURES.get()).as("a task failed mid-stream and was restored").isGreaterThan(failuresBefore);
      assertThat(seen).as("every input predicted").hasSize(2 * PER_PHASE);
      if (delivery == Delivery.EXACTLY_ONCE) {
        assertThat(predictions).as("no duplicates under exactly-once").hasSize(2 * PER_PHASE);
      }
      assertThat(kafka.readAll(out + ".dlq", 0, Duration.ofSeconds(2))).isEmpty();
    } finally {
      job.cancel().get();
    }
  }

  static List<ProducerRecord<byte[], byte[]>> records(String topic, Schema schema, AvroCodec codec, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = "C" + i;
      out.add(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
          codec.binary(StreamDeadLetterIT.customer(schema, id, 20.0 + i % 50, 100.0 + i))));
    }
    return out;
  }
}
