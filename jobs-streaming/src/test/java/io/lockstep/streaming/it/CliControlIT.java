package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/lockstep deploy|promote|rollback|status} against a real broker (docs/spec.md, Model
 * lifecycle): the records they write, their exit codes, and how they read the job's answers. The
 * end-to-end path with the streaming job answering is in the lifecycle ITs of the streaming job;
 * here a test thread stands in for the job's answers, written by hand from the documented JSON.
 */
class CliControlIT {
  @TempDir
  Path tmp;

  private final KafkaBroker kafka = KafkaBroker.shared();

  private LockstepProcess lockstep(String... args) throws Exception {
    assumeTrue(LockstepProcess.available(), "jobs-batch/target/lockstep-jobs-batch.jar not built (run the reactor: mvn verify)");
    return CliProduceTailIT.lockstep(tmp, kafka.clientArgs(), args);
  }

  @Test
  void deployWritesTheCommandAndExitsSixWhenNoJobAnswers() throws Exception {
    String control = StreamHarness.topic("control");
    Path bundleDir = GoldenFixture.of("lr").bundle();
    Bundle bundle = BundleLoader.load(bundleDir);
    long start = System.nanoTime();
    LockstepProcess deploy = lockstep("deploy", "--bootstrap", kafka.bootstrap(), "--control-topic", control,
        "--bundle", bundleDir.toString(), "--mode", "canary", "--percent", "10", "--timeout", "3");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

    assertThat(deploy.code()).as(deploy.out() + deploy.err()).isEqualTo(6);
    assertThat(deploy.err()).contains("lockstep deploy: no answer within 3s: is a streaming job running with --control-topic " + control);
    assertThat(seconds).as("bounded wait").isLessThan(60);

    List<ConsumerRecord<byte[], byte[]>> commands = kafka.readAll(control, 1, Duration.ofSeconds(30));
    assertThat(commands).hasSize(1);
    assertThat(new String(commands.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("golden-lr");
    JsonNode json = StreamHarness.json(commands.get(0).value());
    assertThat(json.get("command").asText()).isEqualTo("deploy");
    assertThat(json.get("bundle").asText()).isEqualTo(bundleDir.toAbsolutePath().normalize().toString());
    assertThat(json.get("sha256").asText()).isEqualTo(bundle.identity());
    assertThat(json.get("mode").asText()).isEqualTo("canary");
    assertThat(json.get("percent").asDouble()).isEqualTo(10.0);
    assertThat(json.get("id").asText()).isNotBlank();
    assertThat(json.get("issued_at").asText()).endsWith("Z");
    assertThat(compaction(control)).isEqualTo("compact");
    assertThat(compaction(control + ".status")).isEqualTo("compact");
  }

  @Test
  void promoteIsAcceptedWhenEverySubtaskAccepts() throws Exception {
    String control = StreamHarness.topic("control");
    CompletableFuture<Void> job = answerOnce(control, 2, "accepted", null);
    LockstepProcess promote = lockstep("promote", "--bootstrap", kafka.bootstrap(), "--control-topic", control,
        "--name", "golden-lr", "--timeout", "60");
    job.get(60, TimeUnit.SECONDS);
    assertThat(promote.code()).as(promote.out() + promote.err()).isZero();
    assertThat(promote.out()).contains("subtask 0/2 accepted: primary golden-lr@2, candidate none")
        .contains("subtask 1/2 accepted").contains("accepted by 2/2 subtasks");
  }

  @Test
  void rollbackExitsFiveWithTheReasonWhenASubtaskRejects() throws Exception {
    String control = StreamHarness.topic("control");
    CompletableFuture<Void> job = answerOnce(control, 1, "rejected", "nothing to roll back: golden-lr has no previous primary");
    LockstepProcess rollback = lockstep("rollback", "--bootstrap", kafka.bootstrap(), "--control-topic", control,
        "--name", "golden-lr", "--timeout", "60");
    job.get(60, TimeUnit.SECONDS);
    assertThat(rollback.code()).as(rollback.out() + rollback.err()).isEqualTo(5);
    assertThat(rollback.err()).contains("lockstep rollback: rejected: nothing to roll back: golden-lr has no previous primary");
  }

  @Test
  void statusPrintsThePrimaryAndCandidateEachJobLastReported() throws Exception {
    String control = StreamHarness.topic("control");
    kafka.createTopics(1, control, control + ".status");
    kafka.send(control + ".status", List.of(
        status("golden-lr", 0, 2, "active", "golden-lr@1", null, "2026-12-03T10:00:00Z"),
        status("golden-lr", 1, 2, "active", "golden-lr@1", null, "2026-12-03T10:00:00Z"),
        status("golden-lr", 0, 2, "active", "golden-lr@1",
            "{\"model\":\"golden-lr@2\",\"mode\":\"canary\",\"percent\":10.0}", "2026-12-03T10:05:00Z"),
        status("golden-lr", 1, 2, "active", "golden-lr@1",
            "{\"model\":\"golden-lr@2\",\"mode\":\"canary\",\"percent\":10.0}", "2026-12-03T10:05:01Z"),
        status("fraud", 0, 1, "accepted", "fraud@7", null, "2026-12-03T09:00:00Z")));
    LockstepProcess status = lockstep("status", "--bootstrap", kafka.bootstrap(), "--control-topic", control);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("fraud: primary fraud@7, candidate none (1/1 subtasks")
        .contains("golden-lr: primary golden-lr@1, candidate golden-lr@2 canary 10% (2/2 subtasks, last answer active at 2026-12-03T10:05:01Z)");
  }

  @Test
  void badFlagsExitTwo() throws Exception {
    LockstepProcess canary = lockstep("deploy", "--bootstrap", kafka.bootstrap(), "--control-topic", "t",
        "--bundle", GoldenFixture.of("lr").bundle().toString(), "--mode", "canary");
    assertThat(canary.code()).isEqualTo(2);
    assertThat(canary.err()).contains("--mode canary needs --percent");
  }

  private static ProducerRecord<byte[], byte[]> status(String name, int subtask, int subtasks, String state, String model,
                                                       String candidate, String at) {
    String json = "{\"id\":\"x-" + at + "\",\"name\":\"" + name + "\",\"status\":\"" + state + "\",\"reason\":null,\"model\":\"" + model
        + "\",\"candidate\":" + candidate + ",\"subtask\":" + subtask + ",\"subtasks\":" + subtasks + ",\"offsets\":{},\"at\":\"" + at + "\"}";
    return new ProducerRecord<>("ignored", (name + "/" + subtask).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }

  /** Stands in for a job with {@code subtasks} scoring subtasks: answers the first command on {@code control}. */
  private CompletableFuture<Void> answerOnce(String control, int subtasks, String state, String reason) {
    kafka.createTopics(1, control, control + ".status");
    return CompletableFuture.runAsync(() -> {
      List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(control, 1, Duration.ofSeconds(60));
      if (all.isEmpty()) {
        throw new IllegalStateException("no command on " + control);
      }
      ConsumerRecord<byte[], byte[]> command = all.get(0);
      String id = StreamHarness.json(command.value()).get("id").asText();
      String name = new String(command.key(), StandardCharsets.UTF_8);
      List<ProducerRecord<byte[], byte[]>> answers = new java.util.ArrayList<>();
      for (int s = 0; s < subtasks; s++) {
        String json = "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"status\":\"" + state + "\",\"reason\":"
            + (reason == null ? "null" : "\"" + reason + "\"") + ",\"model\":\"" + name + "@2\",\"candidate\":null,\"subtask\":" + s
            + ",\"subtasks\":" + subtasks + ",\"offsets\":{},\"at\":\"2026-12-03T10:00:00Z\"}";
        answers.add(new ProducerRecord<>("ignored", (name + "/" + s).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
      }
      kafka.send(control + ".status", answers);
    });
  }

  private String compaction(String topic) throws Exception {
    Properties p = new Properties();
    p.putAll(kafka.clientSettings().over(Map.of(), Map.of("bootstrap.servers", kafka.bootstrap())));
    try (Admin admin = Admin.create(p)) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      return c.get("cleanup.policy").value();
    }
  }
}
