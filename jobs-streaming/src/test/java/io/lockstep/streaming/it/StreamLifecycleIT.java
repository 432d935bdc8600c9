package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (a), (e), (f) in one at-least-once job run with the real broker, MiniCluster and ORT:
 * bad deploys are rejected while v1 keeps scoring, v2 is deployed as primary while records flow,
 * then rolled back. The v2 deploy and a status query go through {@code bin/lockstep}, the way a user
 * drives the job; the rest through {@link ControlClient}. Input goes to two partitions (parallelism 2), so each subtask swaps on its own.
 */
class StreamLifecycleIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  @TempDir
  Path tmp;

  @Test
  void rejectedDeploysKeepV1ScoringThenV2SwapsInOncePerPartitionInOffsetOrderAndRollbackRestoresV1() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String in = StreamHarness.topic("lifecycle-in");
    String out = in + "-predictions";
    String control = in + "-control";
    kafka.createTopics(2, in, out, out + ".dlq");
    List<GoldenInput.Sent> rows = LifecycleFixture.goodRows();
    Map<Integer, Map<Long, Integer>> lineByOffset = new ConcurrentHashMap<>(Map.of(0, new ConcurrentHashMap<>(), 1, new ConcurrentHashMap<>()));

    List<String> args = new ArrayList<>(List.of("--bundle", LifecycleFixture.V1.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--control-topic", control, "--starting-offsets", "earliest",
        "--parallelism", "2", "--checkpoint-ms", "1000"));
    args.addAll(kafka.clientArgs());
    JobClient job = StreamScoreJob.start(StreamOptions.parse(args.toArray(String[]::new)));
    try {
      int sent = sendRound(kafka, in, rows, lineByOffset);
      kafka.readAll(out, sent, Duration.ofSeconds(120));

      // (e) three bad deploys, each rejected by both subtasks with its reason
      String wrongSha = "0".repeat(64);
      assertRejected(kafka, control, ControlCommand.deploy(LifecycleFixture.NAME, LifecycleFixture.V2.toString(), wrongSha,
          ControlCommand.Mode.PRIMARY, null), "sha256 of bundle.yaml is " + LifecycleFixture.sha(LifecycleFixture.V2));
      Path missing = tmp.resolve("no-such-bundle");
      assertRejected(kafka, control, ControlCommand.deploy(LifecycleFixture.NAME, missing.toString(), wrongSha,
          ControlCommand.Mode.PRIMARY, null), "does not exist");
      Path incompatible = LifecycleFixture.incompatibleSchemaBundle(tmp);
      assertRejected(kafka, control, LifecycleFixture.deploy(incompatible, ControlCommand.Mode.PRIMARY, null),
          "cannot read records written with the running input.avsc");
      sent += sendRound(kafka, in, rows, lineByOffset);
      int afterRejects = sent;
      kafka.readAll(out, sent, Duration.ofSeconds(120));

      // (a) v2 deployed as primary while a producer keeps sending
      AtomicBoolean producing = new AtomicBoolean(true);
      int[] background = {0};
      Thread producer = new Thread(() -> {
        while (producing.get()) {
          background[0] += sendRound(kafka, in, rows, lineByOffset);
        }
      }, "lifecycle-it-producer");
      producer.start();
      // ... through bin/lockstep, as a user does it (the CLI computes the sha256 and waits for every subtask)
      LockstepProcess deploy = lockstep(kafka, "deploy", "--bootstrap", kafka.bootstrap(), "--control-topic", control,
          "--bundle", LifecycleFixture.V2.toString(), "--mode", "primary", "--timeout", "120");
      assertThat(deploy.code()).as(deploy.out() + deploy.err()).isZero();
      assertThat(deploy.out()).contains("lockstep deploy: subtask 0/2 accepted").contains("lockstep deploy: subtask 1/2 accepted")
          .contains("lockstep deploy: accepted by 2/2 subtasks");
      List<ControlStatus> swapped = LifecycleFixture.awaitActive(kafka, control, commandId(deploy.out()), 2);
      LockstepProcess status = lockstep(kafka, "status", "--bootstrap", kafka.bootstrap(), "--control-topic", control);
      assertThat(status.code()).as(status.out() + status.err()).isZero();
      assertThat(status.out()).as("status once both subtasks swapped")
          .contains(LifecycleFixture.NAME + ": primary " + LifecycleFixture.V2_ID + ", candidate none (2/2 subtasks, last answer active at ");
      sent += 2 * sendRound(kafka, in, rows, lineByOffset) / 2;
      producing.set(false);
      producer.join();
      sent += background[0];

      // (f) rollback: v1 again
      ControlCommand rollback = ControlCommand.of(LifecycleFixture.NAME, ControlCommand.Kind.ROLLBACK);
      assertThat(LifecycleFixture.send(kafka, control, rollback).outcome()).isEqualTo(ControlClient.Outcome.ACCEPTED);
      List<ControlStatus> rolledBack = LifecycleFixture.awaitActive(kafka, control, rollback.id(), 2);
      assertThat(rolledBack).allSatisfy(s -> assertThat(s.model()).isEqualTo(LifecycleFixture.V1_ID));
      sent += sendRound(kafka, in, rows, lineByOffset);

      List<LifecycleFixture.Scored> scored = LifecycleFixture.decode(kafka.readAll(out, sent, Duration.ofSeconds(120)), lineByOffset);
      Map<String, Long> swapAt = offsets(swapped);
      Map<String, Long> rollbackAt = offsets(rolledBack);
      assertThat(swapAt.keySet()).containsExactlyInAnyOrder(in + "-0", in + "-1");

      Map<Integer, List<LifecycleFixture.Scored>> byPartition = scored.stream()
          .collect(Collectors.groupingBy(LifecycleFixture.Scored::partition));
      int total = 0;
      for (int p = 0; p < 2; p++) {
        List<LifecycleFixture.Scored> ps = new ArrayList<>(byPartition.get(p));
        ps.sort(Comparator.comparingLong(LifecycleFixture.Scored::offset));
        assertThat(ps).extracting(LifecycleFixture.Scored::offset).as("partition %d: every input predicted once", p)
            .containsExactlyElementsOf(lineByOffset.get(p).keySet().stream().sorted().toList());
        long from = swapAt.get(in + "-" + p);
        long back = rollbackAt.get(in + "-" + p);
        assertThat(from).as("partition %d swapped after the rejected deploys", p).isGreaterThan(0);
        for (LifecycleFixture.Scored s : ps) {
          String expected = s.offset() < from || s.offset() >= back ? LifecycleFixture.V1_ID : LifecycleFixture.V2_ID;
          assertThat(s.model()).as("partition %d offset %d (v2 from %d, v1 again from %d)", p, s.offset(), from, back)
              .isEqualTo(expected);
        }
        assertThat(ps.stream().filter(s -> s.model().equals(LifecycleFixture.V2_ID))).as("partition %d scored by v2", p).isNotEmpty();
        total += ps.size();
      }
      assertThat(total).isEqualTo(sent);
      assertThat(afterRejects).isPositive();
      LifecycleFixture.assertScoresEqualSingleNode(scored);
    } finally {
      job.cancel().get();
    }
  }

  private LockstepProcess lockstep(KafkaBroker kafka, String... args) throws Exception {
    assertThat(LockstepProcess.available()).as("jobs-batch/target/lockstep-jobs-batch.jar built (run the reactor: mvn verify)").isTrue();
    return CliProduceTailIT.lockstep(tmp, kafka.clientArgs(), args);
  }

  /** The command id the CLI printed in its {@code sent ... (id X)} line. */
  private static String commandId(String out) {
    Matcher m = Pattern.compile("sent .* \\(id ([^)]+)\\) to ").matcher(out);
    assertThat(m.find()).as("command id in: %s", out).isTrue();
    return m.group(1);
  }

  private static void assertRejected(KafkaBroker kafka, String control, ControlCommand c, String reason) {
    ControlClient.Answer a = LifecycleFixture.send(kafka, control, c);
    assertThat(a.outcome()).as("%s", a.answers()).isEqualTo(ControlClient.Outcome.REJECTED);
    assertThat(a.answers()).hasSize(2);
    assertThat(a.answers().values()).allSatisfy(s -> {
      assertThat(s.reason()).contains(reason);
      assertThat(s.model()).isEqualTo(LifecycleFixture.V1_ID);
    });
  }

  /** Sends every good row once, split over the two partitions; returns how many. */
  private static int sendRound(KafkaBroker kafka, String in, List<GoldenInput.Sent> rows, Map<Integer, Map<Long, Integer>> lineByOffset) {
    int half = rows.size() / 2;
    lineByOffset.get(0).putAll(LifecycleFixture.send(kafka, in, 0, rows.subList(0, half)));
    lineByOffset.get(1).putAll(LifecycleFixture.send(kafka, in, 1, rows.subList(half, rows.size())));
    return rows.size();
  }

  private static Map<String, Long> offsets(List<ControlStatus> active) {
    Map<String, Long> out = new HashMap<>();
    active.forEach(s -> out.putAll(s.offsets()));
    return out;
  }
}
