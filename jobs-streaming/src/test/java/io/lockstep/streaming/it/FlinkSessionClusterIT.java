package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redeploys on a running Flink session cluster (deploy/flink/start-cluster.sh: JobManager and one
 * TaskManager in their own JVMs), as a deployment does it: submit with deploy/bin/flink run, stop
 * with a savepoint, submit a new jar build with the next bundle version from that savepoint — twice,
 * without restarting the cluster. Every job lands on the same TaskManager, which loads ONNX Runtime's
 * native library once: the cluster's lib/ has ORT and jobs load it parent-first. Inputs sent while no
 * job runs are read by the next one: every input key gets a prediction (at-least-once), stamped with
 * the version that read it. Own run directory and non-default ports; the cluster is stopped whatever
 * happens. No secret of the job's {@code --kafka-config} shows in the REST API or the cluster's logs.
 * The cluster serves Prometheus {@code /metrics} on 127.0.0.1 (the reporter plugin start-cluster.sh
 * installs) and the TaskManager's counts equal the records sent to the first job.
 */
class FlinkSessionClusterIT {
  static final Path ROOT = KafkaBroker.repo();
  static final Path JAR = ROOT.resolve("jobs-streaming/target/lockstep-jobs-streaming.jar");
  static final Path WORK = ROOT.resolve("jobs-streaming/target/flink-cluster-it");
  static final Map<String, String> ENV = Map.of(
      "LOCKSTEP_RUN_DIR", WORK.resolve("run").toString(),
      "FLINK_REST_PORT", "18281",
      "FLINK_RPC_PORT", "16223",
      "FLINK_TASK_SLOTS", "2",
      "FLINK_PROMETHEUS_JM_PORT", "18291",
      "FLINK_PROMETHEUS_TM_PORT", "18292");
  static final String TM_METRICS = "http://127.0.0.1:18292/metrics";
  static final String JM_METRICS = "http://127.0.0.1:18291/metrics";
  static final String CANARY = "canary-" + Long.toHexString(System.nanoTime());
  static final int PER_VERSION = 300;
  static String rest;

  @BeforeAll
  static void startCluster() throws Exception {
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    Run start = run(List.of(ROOT.resolve("deploy/flink/start-cluster.sh").toString()), 300);
    assertThat(start.exit).as("start-cluster.sh: %s", start.output).isZero();
    List<String> lines = start.stdout.lines().toList();
    rest = lines.get(lines.size() - 1).trim();
    assertThat(rest).isEqualTo("http://127.0.0.1:18281");
    assertThat(WORK.resolve("run/flink/lib")).isDirectoryContaining("glob:**/onnxruntime-*.jar");
    assertThat(WORK.resolve("run/flink/plugins/lockstep-prometheus")).isDirectoryContaining("glob:**/lockstep-prometheus-plugin.jar");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Run stop = run(List.of(ROOT.resolve("deploy/flink/stop-cluster.sh").toString()), 120);
    assertThat(stop.exit).as("stop-cluster.sh: %s", stop.output).isZero();
  }

  @Test
  void twoRedeploysFromSavepointsWithNewJarsAndBundlesLoseNoInputAndStampTheNewModel() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("lr");
    String in = StreamHarness.topic("cluster-in");
    String out = in + "-predictions";
    kafka.createTopics(2, in, out, out + ".dlq");
    Path clientConfig = WORK.resolve("client.properties");
    // Plaintext broker: the password keys are unused by the clients, but travel like real ones would.
    Files.writeString(clientConfig, "security.protocol=PLAINTEXT\nssl.truststore.password=" + CANARY + "\n");

    Bundle v1 = BundleLoader.load(fx.bundle());
    Schema schema = StreamHarness.predictionSchema(v1, List.of(), false);
    AvroCodec codec = new AvroCodec(v1.inputSchema());
    Map<String, Set<String>> modelsByKey = new HashMap<>();
    String savepoint = null;
    String job = null;
    for (int version = 1; version <= 3; version++) {
      Path bundle = version == 1 ? fx.bundle() : bundleVersion(fx.bundle(), version);
      String model = BundleLoader.load(bundle).id();
      assertThat(model).endsWith("@" + version);
      // Sent while no job runs (after the previous one stopped): the restored job must read them.
      kafka.send(in, StreamFaultToleranceIT.records(in, v1.inputSchema(), codec, (version - 1) * PER_VERSION, version * PER_VERSION));
      Path jar = version == 1 ? JAR : Files.copy(JAR, WORK.resolve("lockstep-jobs-streaming-build" + version + ".jar"),
          StandardCopyOption.REPLACE_EXISTING);
      job = submit(jar, savepoint, "--bundle", bundle.toString(), "--bootstrap", kafka.bootstrap(), "--input-topic", in,
          "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "2", "--checkpoint-ms", "1000",
          "--job-name", "redeploy-it", "--kafka-config", clientConfig.toString());

      Set<String> keys = keys((version - 1) * PER_VERSION, version * PER_VERSION);
      awaitPredictions(kafka, out, schema, modelsByKey, keys, model);
      if (version == 1) {
        assertPrometheusCountsTheRecordsOf(job, PER_VERSION);
      }
      assertNoSecretInTheClusterFor(job);
      if (version < 3) {
        savepoint = stopWithSavepoint(job);
      }
    }
    run(List.of(ROOT.resolve("deploy/bin/flink").toString(), "cancel", job), 120);

    assertThat(modelsByKey).as("every input key has a prediction").hasSize(3 * PER_VERSION);
    for (int version = 1; version <= 3; version++) {
      for (String key : keys((version - 1) * PER_VERSION, version * PER_VERSION)) {
        assertThat(modelsByKey.get(key)).as("key %s, sent for version %d", key, version)
            .containsExactly(v1.id().replaceFirst("@.*$", "@" + version));
      }
    }
  }

  /**
   * start-cluster.sh installed the loopback Prometheus reporter as a plugin: scraped over HTTP, the
   * TaskManager's {@code /metrics} counts, over the job's two scoring subtasks, as many records in
   * and predictions as were sent (all of them valid); the JobManager serves its own on its port;
   * neither answers on an address other than 127.0.0.1.
   */
  private static void assertPrometheusCountsTheRecordsOf(String job, int sent) throws Exception {
    String prefix = "flink_taskmanager_job_task_operator_lockstep_";
    double[] counts = new double[2];
    Await.until(Duration.ofSeconds(60), () -> {
      String scrape = get(URI.create(TM_METRICS));
      counts[0] = sumOf(scrape, prefix + "recordsIn", job);
      counts[1] = sumOf(scrape, prefix + "scored", job);
      return counts[1] >= sent;
    }, "the TaskManager's /metrics counts the " + sent + " predictions of job " + job);
    assertThat(counts[0]).as("recordsIn").isEqualTo(sent);
    assertThat(counts[1]).as("scored").isEqualTo(sent);
    assertThat(get(URI.create(JM_METRICS))).contains("flink_jobmanager_numRegisteredTaskManagers");
    for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
        if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
          for (int port : List.of(18291, 18292)) {
            try (java.net.Socket s = new java.net.Socket()) {
              s.connect(new java.net.InetSocketAddress(address, port), 2_000);
              throw new AssertionError("/metrics answers on " + address.getHostAddress() + ":" + port + ", not only on 127.0.0.1");
            } catch (java.io.IOException refused) {
              // expected: bound to the loopback address only
            }
          }
        }
      }
    }
  }

  /** The sum of {@code metric}'s samples of job {@code job} (one per subtask) in a Prometheus scrape. */
  private static double sumOf(String scrape, String metric, String job) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") && line.contains("job_id=\"" + job + "\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static Set<String> keys(int from, int to) {
    Set<String> keys = new HashSet<>();
    for (int i = from; i < to; i++) {
      keys.add("C" + i);
    }
    return keys;
  }

  /** Reads the predictions until every key in {@code keys} has one stamped {@code model}; records every key's models. */
  private static void awaitPredictions(KafkaBroker kafka, String topic, Schema schema, Map<String, Set<String>> modelsByKey,
                                       Set<String> keys, String model) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      modelsByKey.clear();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, 0, Duration.ofSeconds(3))) {
        GenericRecord p = StreamHarness.decode(schema, r.value());
        modelsByKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new HashSet<>()).add(p.get("model").toString());
      }
      if (keys.stream().allMatch(k -> modelsByKey.getOrDefault(k, Set.of()).contains(model))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        long missing = keys.stream().filter(k -> !modelsByKey.getOrDefault(k, Set.of()).contains(model)).count();
        throw new AssertionError(missing + " of " + keys.size() + " keys have no prediction of " + model + " after 180 s; "
            + "TaskManager log: " + tail(WORK.resolve("run/flink/logs/taskmanager.log")));
      }
    }
  }

  /** A copy of {@code bundle} whose bundle.yaml says {@code version}. */
  private static Path bundleVersion(Path bundle, int version) throws IOException {
    Path copy = WORK.resolve("bundle-v" + version);
    deleteRecursively(copy);
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(bundle)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path yaml = copy.resolve("bundle.yaml");
    Files.writeString(yaml, Files.readString(yaml).replaceFirst("(?m)^version: .*$", "version: \"" + version + "\""));
    return copy;
  }

  private static String submit(Path jar, String savepoint, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("deploy/bin/flink").toString(), "run", "-d"));
    if (savepoint != null) {
      cmd.addAll(List.of("-s", savepoint));
    }
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    Run r = run(cmd, 300);
    assertThat(r.exit).as("flink run: %s", r.output).isZero();
    Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output);
    assertThat(m.find()).as("flink run printed a JobID: %s", r.output).isTrue();
    String id = m.group(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!get("/jobs/" + id).contains("\"state\":\"RUNNING\"")) {
      assertThat(System.nanoTime()).as("job %s running within 120 s: %s", id, get("/jobs/" + id)).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(500);
    }
    return id;
  }

  private static String stopWithSavepoint(String job) throws Exception {
    Run r = run(List.of(ROOT.resolve("deploy/bin/flink").toString(), "stop", "--savepointPath",
        WORK.resolve("savepoints").toUri().toString(), job), 300);
    assertThat(r.exit).as("flink stop: %s", r.output).isZero();
    Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(r.output);
    assertThat(m.find()).as("flink stop printed the savepoint: %s", r.output).isTrue();
    return m.group(1);
  }

  private static void assertNoSecretInTheClusterFor(String job) throws Exception {
    for (String path : List.of("/jobs/" + job, "/jobs/" + job + "/config", "/jobs/" + job + "/plan",
        "/jobs/" + job + "/jobmanager/config", "/jobs/" + job + "/vertices/" + firstVertex(job))) {
      assertThat(get(path)).as(path).doesNotContain(CANARY);
    }
    for (String log : List.of("jobmanager.log", "taskmanager.log", "flink-cli.log")) {
      Path file = WORK.resolve("run/flink/logs/" + log);
      if (Files.exists(file)) {
        assertThat(Files.readString(file)).as(log).doesNotContain(CANARY);
      }
    }
  }

  private static String firstVertex(String job) throws Exception {
    Matcher m = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(get("/jobs/" + job + "/plan"));
    return m.find() ? m.group(1) : "none";
  }

  private static String get(String path) throws Exception {
    return get(URI.create(rest + path));
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private record Run(int exit, String stdout, String output) {}

  private static Run run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().putAll(ENV);
    Path stdout = Files.createTempFile(WORK, "out", ".txt");
    Path stderr = Files.createTempFile(WORK, "err", ".txt");
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd + " did not finish in " + timeoutSeconds + " s: " + Files.readString(stderr));
    }
    String out = Files.readString(stdout);
    return new Run(p.exitValue(), out, out + Files.readString(stderr));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
