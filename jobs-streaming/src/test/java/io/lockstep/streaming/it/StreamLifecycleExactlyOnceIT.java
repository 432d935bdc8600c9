package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 (b): exactly-once, v2 swapped in, a checkpoint taken with v2 in the broadcast state, then
 * a task fails (test-only {@link FailingMapper}) and the job restores: nothing lost, nothing
 * duplicated, and the restored job scores with v2 without being told again.
 */
class StreamLifecycleExactlyOnceIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  @Test
  void aFailureAfterASwapLosesAndDuplicatesNothingAndTheRestoredJobScoresWithV2() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String in = StreamHarness.topic("lifecycle-eo-in");
    String out = in + "-predictions";
    String control = in + "-control";
    kafka.createTopics(2, in, out, out + ".dlq");
    List<GoldenInput.Sent> rows = LifecycleFixture.goodRows();
    int half = rows.size() / 2;
    Map<Integer, Map<Long, Integer>> lineByOffset = new ConcurrentHashMap<>(Map.of(0, new ConcurrentHashMap<>(), 1, new ConcurrentHashMap<>()));

    int failuresBefore = FailingMapper.FAILURES.get();
    List<String> args = new ArrayList<>(List.of("--bundle", LifecycleFixture.V1.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--control-topic", control, "--starting-offsets", "earliest",
        "--parallelism", "2", "--delivery", "exactly-once", "--checkpoint-ms", "300", "--transactional-id-prefix", in,
        "--group-id", in));
    args.addAll(kafka.clientArgs());
    // Each source subtask reads one partition: it fails after two rounds and half of the third (a round is half the rows per partition).
    JobClient job = StreamScoreJob.start(StreamOptions.parse(args.toArray(String[]::new)), FailingMapper.after(half * 5L / 2));
    try {
      int sent = sendRound(kafka, in, rows, lineByOffset);
      kafka.readAll(out, sent, Duration.ofSeconds(120));

      ControlCommand deploy = LifecycleFixture.deploy(LifecycleFixture.V2, ControlCommand.Mode.PRIMARY, null);
      assertThat(LifecycleFixture.send(kafka, control, deploy).outcome()).isEqualTo(ControlClient.Outcome.ACCEPTED);
      List<ControlStatus> active = LifecycleFixture.awaitActive(kafka, control, deploy.id(), 2);
      sent += sendRound(kafka, in, rows, lineByOffset);
      int beforeFailure = sent;
      // A completed checkpoint covers the second round, so it holds v2 as the deployment.
      Await.until(Duration.ofSeconds(60), () -> kafka.committed(in, in) >= beforeFailure, "a checkpoint after the swap");
      assertThat(FailingMapper.FAILURES.get()).as("no failure yet").isEqualTo(failuresBefore);

      sent += sendRound(kafka, in, rows, lineByOffset);
      sent += sendRound(kafka, in, rows, lineByOffset);
      int total = sent;
      Await.until(Duration.ofSeconds(120), () -> kafka.committed(in, in) >= total, "a checkpoint covers every input");
      List<LifecycleFixture.Scored> scored = LifecycleFixture.decode(kafka.readAll(out, total, Duration.ofSeconds(60)), lineByOffset);

      assertThat(FailingMapper.FAILURES.get()).as("a task failed after the swap and was restored").isGreaterThan(failuresBefore);
      Set<String> seen = new HashSet<>();
      for (LifecycleFixture.Scored s : scored) {
        assertThat(seen.add(s.partition() + "/" + s.offset())).as("partition %d offset %d predicted once", s.partition(), s.offset()).isTrue();
      }
      assertThat(scored).as("every input predicted, none twice").hasSize(total);
      Map<String, Long> from = new HashMap<>();
      active.forEach(a -> from.putAll(a.offsets()));
      for (LifecycleFixture.Scored s : scored) {
        long swap = from.get(in + "-" + s.partition());
        assertThat(s.model()).as("partition %d offset %d (v2 from %d)", s.partition(), s.offset(), swap)
            .isEqualTo(s.offset() < swap ? LifecycleFixture.V1_ID : LifecycleFixture.V2_ID);
      }
      LifecycleFixture.assertScoresEqualSingleNode(scored);
    } finally {
      job.cancel().get();
    }
  }

  private static int sendRound(KafkaBroker kafka, String in, List<GoldenInput.Sent> rows, Map<Integer, Map<Long, Integer>> lineByOffset) {
    int half = rows.size() / 2;
    lineByOffset.get(0).putAll(LifecycleFixture.send(kafka, in, 0, rows.subList(0, half)));
    lineByOffset.get(1).putAll(LifecycleFixture.send(kafka, in, 1, rows.subList(half, 2 * half)));
    return 2 * half;
  }
}
