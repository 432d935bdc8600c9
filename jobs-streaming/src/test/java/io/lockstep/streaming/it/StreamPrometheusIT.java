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
      assertThat(maxOf(scrape, PREFIX + "scoringLatencyUs")).as("ONNX Runtime calls take some microseconds").isPositive();
      assertThat(scrape).as("no candidate: its divergence reads NaN").contains(PREFIX + "shadow_meanAbsDiff{").containsPattern(
          "\n" + PREFIX + "shadow_meanAbsDiff\\{[^}]*\\} NaN");
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
      // and every label it groups by is on that metric's samples (a misspelt label plots nothing)
      Pattern by = Pattern.compile("by \\(([^)]*)\\)");
      for (JsonNode panel : d.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          Matcher labels = by.matcher(expr);
          Matcher metrics = Pattern.compile("flink_[A-Za-z0-9_]+").matcher(expr);
          while (labels.find()) {
            while (metrics.find()) {
              for (String label : labels.group(1).split(",")) {
                assertThat(scrape).as("%s groups %s by %s", panel.path("title").asText(), metrics.group(), label.trim())
                    .containsPattern("\n" + Pattern.quote(metrics.group()) + "\\{[^}]*\\b" + Pattern.quote(label.trim()) + "=\"");
              }
            }
            metrics.reset();
          }
        }
      }
    } finally {
      job.cancel().get();
    }
  }

  /**
   * With window features, dead letters come from three operators: undecodable records from the
   * router before the keyBy ({@code decode}), an event behind the watermark from the window operator
   * ({@code late}). The scrape counts each kind where it happens, {@code deadLettered} by kind adds
   * up to the dead letters produced, and the first operator's {@code recordsIn} is the records sent.
   */
  @Test
  void deadLettersOfTheRouterAndTheWindowOperatorAreCountedByReasonKind() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    io.lockstep.golden.GoldenFixture fx = io.lockstep.golden.GoldenFixture.of("windows");
    Schema input = BundleLoader.load(fx.bundle()).inputSchema();
    io.lockstep.avro.AvroCodec codec = new io.lockstep.avro.AvroCodec(input);
    String in = StreamHarness.topic("prom-window-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    int port = freePort();
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--out-of-orderness", "1s", "--source-idle-ms", "300", "--prometheus-port", "" + port));
    try {
      long t0 = 1_795_000_000_000L;
      kafka.send(in, List.of(event(in, codec, input, t0 + 10_000), event(in, codec, input, t0 + 20_000),
          new ProducerRecord<>(in, "k1".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFF, 1}),
          new ProducerRecord<>(in, "k1".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, 7})));
      kafka.readAll(out, 1, Duration.ofSeconds(60)); // the watermark passed t0 + 10 000
      kafka.send(in, List.of(event(in, codec, input, t0 + 15_000), event(in, codec, input, t0 + 40_000)));
      int dead = kafka.readAll(out + ".dlq", 3, Duration.ofSeconds(60)).size();
      assertThat(dead).isEqualTo(3);
      kafka.send(in, List.of(event(in, codec, input, t0 + 100_000)));
      int predictions = kafka.readAll(out, 3, Duration.ofSeconds(60)).size(); // 10 000, 20 000, 40 000; 100 000 waits
      assertThat(predictions).isEqualTo(3);

      String[] last = {""};
      Await.until(Duration.ofSeconds(60), () -> {
        last[0] = scrape(port);
        Map<String, Double> sums = sums(last[0]);
        return sums.getOrDefault(PREFIX + "scored", 0.0) >= predictions && sums.getOrDefault(PREFIX + "deadLettered", 0.0) >= dead
            && maxOf(last[0], PREFIX + "recordsIn") >= 7;
      }, "the scrape counts every prediction and dead letter");
      Map<String, Double> m = sums(last[0]);
      assertThat(m.get(PREFIX + "scored")).isEqualTo((double) predictions);
      assertThat(m.get(PREFIX + "deadLettered")).isEqualTo((double) dead);
      assertThat(m.get(PREFIX + "kind_deadLettered{kind=\"decode\"}")).as("the router's").isEqualTo(2.0);
      assertThat(m.get(PREFIX + "kind_deadLettered{kind=\"late\"}")).as("the window operator's").isEqualTo(1.0);
      assertThat(m.get(PREFIX + "kind_deadLettered")).as("by kind, summed").isEqualTo((double) dead);
      assertThat(maxOf(last[0], PREFIX + "recordsIn")).as("the first operator reads every record sent").isEqualTo(7.0);
    } finally {
      job.cancel().get();
    }
  }

  private static ProducerRecord<byte[], byte[]> event(String topic, io.lockstep.avro.AvroCodec codec, Schema s, long time) {
    org.apache.avro.generic.GenericData.Record r = new org.apache.avro.generic.GenericData.Record(s);
    r.put("customer_id", "k1");
    r.put("event_time", time);
    r.put("amount", 10.0);
    r.put("channel", "web");
    r.put("items", 3);
    return new ProducerRecord<>(topic, "k1".getBytes(StandardCharsets.UTF_8), codec.binary(r));
  }

  /** The largest sample of {@code metric} over its label sets (one per operator). */
  private static double maxOf(String scrape, String metric) {
    double max = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return max;
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
