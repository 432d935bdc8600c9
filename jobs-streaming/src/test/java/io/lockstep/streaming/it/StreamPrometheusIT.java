package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --prometheus-port}: the job's own MiniCluster serves {@code /metrics} on 127.0.0.1; scraped
 * over HTTP, its counters equal the records sent, the predictions read and the dead letters read
 * (also by reason kind), and every metric the Grafana dashboard (deploy/grafana/lockstep.json) plots
 * is in the scrape. No MiniClusterExtension: the job starts its own cluster, with the reporter.
 */
class StreamPrometheusIT {
  private static final String PREFIX = "flink_taskmanager_job_task_operator_lockstep_";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void scrapedCountersEqualRecordsSentAndDeadLettersProducedAndTheDashboardPlotsOnlyRealMetrics() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    Path bundle = DriftData.profiledBundle(tmp, 5_000);
    Schema input = BundleLoader.load(bundle).inputSchema();
    String in = StreamHarness.topic("prom-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq", out + ".drift");
    int port = freePort();
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", bundle.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--prometheus-port", "" + port, "--drift-window-records", "500"));
    try {
      int good = 1_200;
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(DriftData.records(input, in, 3, 0, good, 0));
      for (int i = 0; i < 3; i++) {
        records.add(new ProducerRecord<>(in, "bad".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFF, 1}));
      }
      kafka.send(in, records);
      int predictions = kafka.readAll(out, good, Duration.ofSeconds(120)).size();
      int dead = kafka.readAll(out + ".dlq", 3, Duration.ofSeconds(60)).size();
      assertThat(predictions).isEqualTo(good);
      assertThat(dead).isEqualTo(3);

      String[] last = {""};
      Await.until(Duration.ofSeconds(60), () -> {
        last[0] = scrape(port);
        Map<String, Double> sums = sums(last[0]);
        return sums.getOrDefault(PREFIX + "scored", 0.0) >= good && sums.getOrDefault(PREFIX + "deadLettered", 0.0) >= 3;
      }, "the scrape counts every prediction and dead letter");
      String scrape = last[0];
      Map<String, Double> m = sums(scrape);
      Files.writeString(Path.of("target", "prometheus-scrape.txt"), scrape); // for people: what a scrape holds
      assertThat(m.get(PREFIX + "recordsIn")).isEqualTo((double) records.size());
      assertThat(m.get(PREFIX + "scored")).isEqualTo((double) predictions);
      assertThat(m.get(PREFIX + "deadLettered")).isEqualTo((double) dead);
      assertThat(m.get(PREFIX + "kind_deadLettered{kind=\"decode\"}")).isEqualTo((double) dead);
      assertThat(m.get(PREFIX + "batchSize_count")).isPositive();
      assertThat(scrape).contains(PREFIX + "model_info{", "model=\"golden_lr_1\"", PREFIX + "drift_column_psi{", "column=\"charges_z\"");

      Path dashboard = KafkaBroker.repo().resolve("deploy/grafana/lockstep.json");
      JsonNode d = JSON.readTree(Files.readString(dashboard));
      Set<String> plotted = new TreeSet<>();
      for (JsonNode panel : d.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          Matcher x = Pattern.compile("flink_[A-Za-z0-9_]+").matcher(target.path("expr").asText());
          while (x.find()) {
            plotted.add(x.group());
          }
        }
      }
      assertThat(plotted).as("metrics the dashboard plots").hasSizeGreaterThanOrEqualTo(8);
      for (String metric : plotted) {
        assertThat(scrape).as("dashboard metric %s in a real scrape", metric).contains("\n" + metric);
      }
    } finally {
      job.cancel().get();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return "\n" + r.body();
  }

  /**
   * Sample values summed over label sets, by metric name, plus by name and the labels kept here
   * ({@code kind}), e.g. {@code …deadLetteredByKind{kind="decode"}}.
   */
  private static Map<String, Double> sums(String scrape) {
    Map<String, Double> out = new HashMap<>();
    Pattern kind = Pattern.compile("kind=\"([a-z]+)\"");
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
      double v = Double.parseDouble(line.substring(space + 1));
      out.merge(name, v, Double::sum);
      Matcher k = kind.matcher(line);
      if (brace > 0 && k.find()) {
        out.merge(name + "{kind=\"" + k.group(1) + "\"}", v, Double::sum);
      }
    }
    return out;
  }
}
