package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift in streaming (real broker, MiniCluster): with a profile in the bundle, a stream drawn from
 * the profile's distribution raises no alert over 5 windows of 2,000 records; the same stream with
 * {@code monthly_charges} shifted by one standard deviation then raises an alert for its feature
 * ({@code charges_z}) in the first window that holds only shifted records.
 */
class StreamDriftIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  private static final int WINDOW = 2_000;

  @TempDir
  Path tmp;

  @Test
  void noAlertInDistributionAndAnAlertForTheShiftedFeatureWithinOneWindow() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    Path bundle = DriftData.profiledBundle(tmp, 20_000);
    Schema input = BundleLoader.load(bundle).inputSchema();
    String in = StreamHarness.topic("drift-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq", out + ".drift");
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", bundle.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--drift-window-records", "" + WINDOW, "--drift-window", "1h", "--drift-sample", "1"));
    try {
      kafka.send(in, DriftData.records(input, in, 7, 0, 5 * WINDOW, 0));
      assertThat(kafka.readAll(out, 5 * WINDOW, Duration.ofSeconds(120))).hasSize(5 * WINDOW);
      // the five windows closed with the 2,000th, …, 10,000th prediction; their alerts would be out by now
      assertThat(kafka.readAll(out + ".drift", 0, Duration.ofSeconds(5))).as("alerts for an in-distribution stream").isEmpty();

      kafka.send(in, DriftData.records(input, in, 8, 5 * WINDOW, WINDOW, DriftData.CHARGES_STD));
      List<ConsumerRecord<byte[], byte[]>> alerts = kafka.readAll(out + ".drift", 1, Duration.ofSeconds(120));
      List<String> features = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : alerts) {
        JsonNode a = StreamHarness.json(r.value());
        assertThat(a.path("window").path("records").asLong()).isEqualTo(WINDOW);
        assertThat(a.path("threshold").asDouble()).isEqualTo(0.2);
        assertThat(a.path("model").asText()).isEqualTo("golden-lr@1");
        assertThat(a.path("psi").asDouble()).isGreaterThan(0.2);
        assertThat(a.has("window") && a.path("window").has("start") && a.path("window").has("end")).isTrue();
        if (a.path("kind").asText().equals("feature")) {
          features.add(a.path("feature").asText());
        }
      }
      assertThat(features).as("the shifted feature, and only it").containsExactly("charges_z");
    } finally {
      job.cancel().get();
    }
  }
}
