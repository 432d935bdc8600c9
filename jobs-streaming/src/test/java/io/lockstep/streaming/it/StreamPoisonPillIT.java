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
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A poison pill cannot stop the job (issue: a 900 kB undecodable value once became a 1.2 MB dead
 * letter, over the producer's limit, and the job restarted forever). Oversized values of several
 * sizes are dead-lettered once each, cut to fit with {@code original_truncated}/{@code original_bytes},
 * the records after them are scored, and no task is ever restarted. A job whose dead-letter budget is
 * exceeded, or whose model cannot run at all, fails once with a clear message, without restarts.
 */
class StreamPoisonPillIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  private static final int[] PILL_SIZES = {900_000, 1_000_000, 300_000, 65_537, 5_000};

  @Test
  void oversizedUndecodableValuesAreDeadLetteredOnceTruncatedAndTheRecordsAfterThemAreScoredWithoutRestarts(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    runPills(cluster, PILL_SIZES, 64 * 1024, List.of(), Map.of());
  }

  @Test
  void aDeadLetterTopicWithASmallMessageLimitGetsDeadLettersCutToFitIt(@InjectMiniCluster MiniCluster cluster) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> dead = runPills(cluster, new int[] {900_000, 40_000}, 30_000, List.of(),
        Map.of("max.message.bytes", "30000"));
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(r.value().length + (r.key() == null ? 0 : r.key().length)).isLessThan(30_000);
    }
  }

  @Test
  void aSmallProducerLimitCutsDeadLettersFurtherSoTheyStillFit(@InjectMiniCluster MiniCluster cluster) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> dead = runPills(cluster, new int[] {900_000, 100_000}, 20_000,
        List.of("--kafka-property", "max.request.size=20000"), Map.of());
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(r.value().length + (r.key() == null ? 0 : r.key().length)).isLessThan(20_000);
    }
  }

  /** Sends a good record before and after each pill and checks every output; returns the dead letters. */
  private List<ConsumerRecord<byte[], byte[]>> runPills(MiniCluster cluster, int[] sizes, int expectedCapAtMost,
                                                       List<String> extraFlags, Map<String, String> dlqTopicConfig)
      throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("pill-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(out + ".dlq", 1, (short) 1).configs(dlqTopicConfig))).all().get(60, TimeUnit.SECONDS);
    }
    AvroCodec codec = new AvroCodec(bundle.inputSchema());

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<Long, byte[]> pills = new HashMap<>();
    Random random = new Random(42);
    for (int i = 0; i <= sizes.length; i++) {
      records.add(new ProducerRecord<>(in, ("C" + i).getBytes(StandardCharsets.UTF_8),
          codec.binary(StreamDeadLetterIT.customer(bundle.inputSchema(), "C" + i, 70.0 + i, 0.0))));
      if (i < sizes.length) {
        byte[] pill = new byte[sizes[i]];
        random.nextBytes(pill);
        pill[0] = (byte) 0xFF;                          // a negative string length: never a readable customer_id
        pills.put((long) records.size(), pill);
        records.add(new ProducerRecord<>(in, ("P" + i).getBytes(StandardCharsets.UTF_8), pill));
      }
    }
    List<String> args = new ArrayList<>(List.of("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--checkpoint-ms", "300"));
    args.addAll(extraFlags);
    JobClient job = StreamScoreJob.start(StreamOptions.parse(args.toArray(String[]::new)));
    try {
      kafka.send(in, records);
      int good = sizes.length + 1;
      List<ConsumerRecord<byte[], byte[]>> predictions = kafka.readAll(out, good, Duration.ofSeconds(90));
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(out + ".dlq", sizes.length, Duration.ofSeconds(30));

      assertThat(predictions.stream().map(StreamHarness::sourceOffset).distinct().count()).as("distinct predictions").isEqualTo(good);
      assertThat(predictions).as("no prediction written twice (a restart would replay)").hasSize(good);
      assertThat(dead).as("each pill dead-lettered exactly once").hasSize(sizes.length);
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        long offset = StreamHarness.sourceOffset(r);
        byte[] pill = pills.get(offset);
        assertThat(pill).as("dead letter of offset %d is a pill", offset).isNotNull();
        JsonNode d = StreamHarness.json(r.value());
        assertThat(d.get("reason").asText()).matches("(decode|schema):.+");
        assertThat(d.get("level").asText()).isEqualTo("flink");
        byte[] kept = Base64.getDecoder().decode(d.get("original").asText());
        assertThat(kept).isEqualTo(Arrays.copyOf(pill, kept.length));
        assertThat(kept.length).isLessThanOrEqualTo(expectedCapAtMost);
        if (pill.length > expectedCapAtMost) {
          assertThat(d.get("original_truncated").asBoolean()).isTrue();
          assertThat(d.get("original_bytes").asLong()).isEqualTo(pill.length);
        } else {
          assertThat(kept).hasSize(pill.length);
          assertThat(d.has("original_truncated")).isFalse();
        }
      }
      assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      assertThat(attempts(cluster, job.getJobID())).as("task attempt numbers (0 = never restarted)").containsOnly(0);
      return dead;
    } finally {
      job.cancel().get();
    }
  }

  @Test
  void exceedingTheDeadLetterBudgetFailsTheJobOnceWithTheBudgetMessage(@InjectMiniCluster MiniCluster cluster) throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("budget-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] value = i % 2 == 0 ? codec.binary(StreamDeadLetterIT.customer(bundle.inputSchema(), "C" + i, 70.0, 0.0))
          : new byte[] {(byte) 0xFF, 1, 2};
      records.add(new ProducerRecord<>(in, ("C" + i).getBytes(StandardCharsets.UTF_8), value));
    }
    kafka.send(in, records);
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--checkpoint-ms", "300", "--max-dead-fraction", "0.2", "--min-records", "10"));
    Throwable failure = null;
    try {
      job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      failure = e;
    }
    assertThat(failure).as("the job fails").isNotNull();
    assertThat(messages(failure)).anyMatch(m -> m.startsWith("dead-letter budget exceeded:")
        && m.contains("--max-dead-fraction 0.2") && m.contains("(judged after --min-records 10)"));
    assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.FAILED);
    assertThat(attempts(cluster, job.getJobID())).as("failed once, never restarted").containsOnly(0);
  }

  @Test
  void aModelThatCannotRunFailsTheJobOnceInsteadOfDeadLetteringEveryRecord(@InjectMiniCluster MiniCluster cluster,
                                                                           @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    java.nio.file.Path bundleDir = io.lockstep.golden.ModelCannotRunBundle.write(tmp);
    Bundle bundle = BundleLoader.load(bundleDir);
    String in = StreamHarness.topic("cannot-run-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(new ProducerRecord<>(in, ("C" + i).getBytes(StandardCharsets.UTF_8),
          codec.binary(StreamDeadLetterIT.customer(bundle.inputSchema(), "C" + i, 70.0, 0.0))));
    }
    kafka.send(in, records);
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", bundleDir.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1",
        "--checkpoint-ms", "300", "--batch-size", "32", "--flush-ms", "50"));
    Throwable failure = null;
    try {
      job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      failure = e;
    }
    assertThat(failure).as("the job fails").isNotNull();
    assertThat(messages(failure)).anyMatch(m -> m.startsWith("the model cannot run:") && m.contains("Reshape"));
    assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.FAILED);
    assertThat(attempts(cluster, job.getJobID())).as("failed once, never restarted").containsOnly(0);
  }

  private static List<String> messages(Throwable t) {
    List<String> out = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      out.add(String.valueOf(c.getMessage()));
    }
    return out;
  }

  private static List<Integer> attempts(MiniCluster cluster, JobID id) throws Exception {
    AccessExecutionGraph graph = cluster.getExecutionGraph(id).get(10, TimeUnit.SECONDS);
    List<Integer> attempts = new ArrayList<>();
    for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
      attempts.add(v.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return attempts;
  }
}
