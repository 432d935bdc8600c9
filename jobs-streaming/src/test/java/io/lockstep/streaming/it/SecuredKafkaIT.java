package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lockstep.avro.InputFormat;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.Delivery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a user of a secured cluster does, against one real SASL_SSL broker (SCRAM-SHA-512 over
 * TLS with a self-signed CA, from {@code KAFKA_SECURITY=sasl_ssl deploy/kafka/start-broker.sh}), given
 * only the {@code client.properties} the script wrote: the golden streaming test, the exactly-once
 * fault test, and {@code produce} → job → {@code tail} from the CLI. A wrong password and a client
 * without the truststore fail fast with one line naming the cause, and no secret reaches any output.
 */
class SecuredKafkaIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  static KafkaBroker kafka;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSecuredBroker() {
    kafka = KafkaBroker.secured();
  }

  @AfterAll
  static void stopSecuredBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void goldenWindowFeaturesAndScoresOverSaslSsl() throws Exception {
    StreamGoldenIT.check(kafka, "windows", InputFormat.AVRO);
  }

  @Test
  void exactlyOnceSurvivesATaskFailureOverSaslSsl() throws Exception {
    StreamFaultToleranceIT.check(kafka, Delivery.EXACTLY_ONCE);
  }

  @Test
  void produceScoreAndTailFromTheCliGivenOnlyTheClientProperties() throws Exception {
    CliProduceTailIT.check(kafka, tmp);
  }

  @Test
  void theJobJarRunsGivenOnlyTheClientPropertiesAndLogsNoSecret() throws Exception {
    String in = StreamHarness.topic("sec-jar");
    kafka.createTopics(1, in, in + "-out", in + "-out.dlq");
    Run job = streamingJar("--kafka-config", kafka.clientConfig().toString(), "--input-topic", in, "--output-topic", in + "-out");
    assertThat(job.code).as(job.output).isZero();
    assertThat(job.output).contains("sasl.jaas.config=****");
    assertNoSecretIn(job.output);
  }

  @Test
  void aWrongPasswordFailsFastWithOneLineNamingAuthentication() throws Exception {
    Path bad = tmp.resolve("wrong-password.properties");
    Files.writeString(bad, Files.readString(kafka.clientConfig()).replaceAll("password=\"[^\"]*\"", "password=\"not-the-password\""));

    Run job = streamingJar("--kafka-config", bad.toString(), "--input-topic", "any", "--output-topic", "any-out");
    assertThat(job.code).as(job.output).isEqualTo(1);
    assertThat(errorLines(job.output, "lockstep-stream:")).singleElement().asString()
        .contains("authentication failed").contains(kafka.bootstrap()).contains("SCRAM-SHA-512");
    assertThat(job.seconds).as("no retry loop").isLessThan(60);

    LockstepProcess tail = CliProduceTailIT.lockstep(tmp, List.of(), "tail", "--bootstrap", kafka.bootstrap(),
        "--topic", "any", "--idle", "1", "--kafka-config", bad.toString());
    assertThat(tail.code()).as(tail.err()).isEqualTo(1);
    assertThat(errorLines(tail.err(), "lockstep:")).singleElement().asString().contains("authentication failed");
    assertNoSecretIn(job.output + tail.out() + tail.err());
  }

  @Test
  void aClientWithoutTheTruststoreFailsWithOneLineNamingTls() throws Exception {
    Path noTrust = tmp.resolve("no-truststore.properties");
    Files.writeString(noTrust, Files.readAllLines(kafka.clientConfig()).stream()
        .filter(l -> !l.startsWith("ssl.truststore")).collect(Collectors.joining("\n")));

    Run job = streamingJar("--kafka-config", noTrust.toString(), "--input-topic", "any", "--output-topic", "any-out");
    assertThat(job.code).as(job.output).isEqualTo(1);
    assertThat(errorLines(job.output, "lockstep-stream:")).singleElement().asString().contains("TLS handshake");

    LockstepProcess produce = CliProduceTailIT.lockstep(tmp, List.of(), "produce", "--bootstrap", kafka.bootstrap(),
        "--topic", "any", "--bundle", GoldenFixture.of("lr").bundle().toString(),
        "--input", GoldenFixture.of("lr").inputCsv().toString(), "--kafka-config", noTrust.toString());
    assertThat(produce.code()).as(produce.err()).isEqualTo(1);
    assertThat(errorLines(produce.err(), "lockstep:")).singleElement().asString().contains("TLS handshake");
  }

  private static List<String> errorLines(String output, String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  /** Neither the SCRAM password nor the store password, in any output. */
  private static void assertNoSecretIn(String output) throws IOException {
    for (Path secret : List.of(kafka.runDir().resolve("kafka/tls/sasl.password"), kafka.runDir().resolve("kafka/tls/store.password"))) {
      assertThat(output).doesNotContain(Files.readString(secret).trim());
    }
  }

  private record Run(int code, String output, double seconds) {}

  /** {@code java -jar lockstep-jobs-streaming.jar} on a bounded, empty input: a user's first run. */
  private Run streamingJar(String... args) throws Exception {
    Path jar = KafkaBroker.repo().resolve("jobs-streaming/target/lockstep-jobs-streaming.jar");
    assumeTrue(Files.isRegularFile(jar), "jobs-streaming/target/lockstep-jobs-streaming.jar not built (mvn verify builds it)");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", jar.toString(), "--bundle", GoldenFixture.of("lr").bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--bounded", "--starting-offsets", "earliest", "--checkpoint-ms", "0"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "jar", ".log");
    long started = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the job jar did not finish in 240 s: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out), (System.nanoTime() - started) / 1e9);
  }
}
