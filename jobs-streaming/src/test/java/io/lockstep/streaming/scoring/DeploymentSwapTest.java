package io.lockstep.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.InputFormat;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.Sha256;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.lifecycle.CanaryRouter;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.score.SharedScorers;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The scoring operator with its control input, in Flink's two-input operator test harness, with
 * real bundles ({@code golden/lr} v1 and its candidate v2, same spec, other weights) and real ORT.
 * A deploy is prepared on a background thread and comes back as a mail; the test runs the mails by
 * hand, so which records a version scores follows from where the test runs them.
 */
class DeploymentSwapTest {
  static final Path V1 = GoldenFixture.of("lr").bundle();
  static final Path V2 = GoldenFixture.of("lr").dir().resolve("candidate/bundle");
  static final long WAIT_MS = 60_000;

  @Test
  void aDeployIsPreparedOffTheTaskThreadAndSwapsBetweenTwoBatches() throws Exception {
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness()) {
      send(h, 0, 3);
      h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), sha(V2), ControlCommand.Mode.PRIMARY, null), 0), 0);
      send(h, 3, 5); // scored while v2 loads: still v1
      awaitAnswer(h);
      send(h, 5, 8);
      h.prepareSnapshotPreBarrier(1);

      assertThat(models(h)).containsExactly("golden-lr@1", "golden-lr@1", "golden-lr@1", "golden-lr@1", "golden-lr@1",
          "golden-lr@2", "golden-lr@2", "golden-lr@2");
      List<ControlStatus> answers = statuses(h);
      assertThat(answers).extracting(ControlStatus::status).containsExactly(ControlStatus.State.ACCEPTED, ControlStatus.State.ACTIVE);
      assertThat(answers.get(1).model()).isEqualTo("golden-lr@2");
      assertThat(answers.get(1).offsets()).containsEntry("in-0", 5L);
    }
  }

  @Test
  void aWrongSha256IsRejectedWithItsReasonAndTheRunningBundleKeepsScoring() throws Exception {
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness()) {
      String wrong = "0".repeat(64);
      h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), wrong, ControlCommand.Mode.PRIMARY, null), 0), 0);
      awaitAnswer(h);
      send(h, 0, 2);
      h.prepareSnapshotPreBarrier(1);
      assertThat(models(h)).containsOnly("golden-lr@1");
      ControlStatus s = statuses(h).get(0);
      assertThat(s.status()).isEqualTo(ControlStatus.State.REJECTED);
      assertThat(s.reason()).contains("sha256 of bundle.yaml is " + sha(V2), "the command says " + wrong);
    }
  }

  @Test
  void aCanarySendsExactlyTheKeysItsRouterPicksToTheCandidate() throws Exception {
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness()) {
      h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), sha(V2), ControlCommand.Mode.CANARY, 30.0), 0), 0);
      awaitAnswer(h);
      send(h, 0, 200);
      h.prepareSnapshotPreBarrier(1);
      CanaryRouter router = new CanaryRouter(30.0);
      Map<String, String> expected = new TreeMap<>();
      for (int i = 0; i < 200; i++) {
        expected.put("in/0/" + i, router.toCandidate("C" + i) ? "golden-lr@2" : "golden-lr@1");
      }
      // Each arm scores its own batch, so records of one batch come out by arm; a key stays in order.
      Map<String, String> actual = new TreeMap<>();
      List<String> models = models(h);
      List<OutRecord> out = h.extractOutputValues();
      for (int i = 0; i < out.size(); i++) {
        actual.put(out.get(i).source, models.get(i));
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(expected.values()).contains("golden-lr@1", "golden-lr@2");
    }
  }

  @Test
  void aShadowScoresEveryRecordWithBothAndClosesADivergenceWindowAtTheFirstBatchBoundaryAfterNPairs() throws Exception {
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness(null, new LifecycleSettings(3, 3_600_000))) {
      h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), sha(V2), ControlCommand.Mode.SHADOW, null), 0), 0);
      awaitAnswer(h);
      send(h, 0, 2);
      h.prepareSnapshotPreBarrier(1);
      assertThat(h.getSideOutput(ScoringOperator.SHADOW_STATS)).as("2 pairs: the window stays open").isNull();
      send(h, 2, 5);
      h.prepareSnapshotPreBarrier(2);

      assertThat(models(h)).containsOnly("golden-lr@1").hasSize(5);
      Schema schema = PredictionSchema.forBundle(BundleLoader.load(V1), List.of(), true);
      assertThat(h.getSideOutput(ScoringOperator.SHADOW)).extracting(r -> decode(schema, r.getValue().value).get("model").toString())
          .containsOnly("golden-lr@2").hasSize(5);
      List<io.lockstep.lifecycle.Divergence.Summary> windows = h.getSideOutput(ScoringOperator.SHADOW_STATS).stream()
          .map(r -> io.lockstep.lifecycle.Divergence.Summary.parse(r.getValue().value)).toList();
      assertThat(windows).extracting(io.lockstep.lifecycle.Divergence.Summary::records).containsExactly(5L);
      assertThat(windows.get(0).primary()).isEqualTo("golden-lr@1");
      assertThat(windows.get(0).candidate()).isEqualTo("golden-lr@2");
      assertThat(windows.get(0).maxAbsDiff()).isPositive();
    }
  }

  @Test
  void aRestoredOperatorScoresWithTheDeploymentItHadAndRollsBackFromThere() throws Exception {
    OperatorSubtaskState snapshot;
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness()) {
      h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), sha(V2), ControlCommand.Mode.PRIMARY, null), 0), 0);
      awaitAnswer(h);
      h.prepareSnapshotPreBarrier(1);
      snapshot = h.snapshot(1, 1);
    }
    try (TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness(snapshot)) {
      send(h, 0, 2);
      h.processElement2(command(ControlCommand.of("golden-lr", ControlCommand.Kind.ROLLBACK), 1), 0);
      runMails(h);
      send(h, 2, 4);
      h.prepareSnapshotPreBarrier(2);
      assertThat(models(h)).containsExactly("golden-lr@2", "golden-lr@2", "golden-lr@1", "golden-lr@1");
      assertThat(statuses(h)).extracting(ControlStatus::status).containsExactly(ControlStatus.State.ACCEPTED, ControlStatus.State.ACTIVE);
    }
  }

  @Test
  void closingTheTaskReleasesTheOrtSessionOfADeployPreparedButNotYetSwappedIn() throws Exception {
    String v2 = sha(V2);
    int before = SharedScorers.references(v2);
    TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = harness();
    h.processElement2(command(ControlCommand.deploy("golden-lr", V2.toString(), v2, ControlCommand.Mode.PRIMARY, null), 0), 0);
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!(SharedScorers.references(v2) > before && h.getTaskMailbox().hasMail())) {
      assertThat(System.currentTimeMillis()).as("v2 loaded and its swap queued within %d ms", WAIT_MS).isLessThan(deadline);
      Thread.sleep(5);
    }
    h.close(); // the swap mail never runs
    assertThat(statuses(h)).as("no answer: the task closed first").isEmpty();
    assertThat(SharedScorers.references(v2)).as("v2's ORT session released by close").isEqualTo(before);
  }

  static TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> harness() throws Exception {
    return harness(null);
  }

  static TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> harness(OperatorSubtaskState restore) throws Exception {
    return harness(restore, new LifecycleSettings(1_000, 3_600_000));
  }

  static TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> harness(OperatorSubtaskState restore,
                                                                                      LifecycleSettings lifecycle) throws Exception {
    ScoringSettings settings = new ScoringSettings(InputFormat.JSON, List.of(), 1_000, ScoringOperatorTest.NEVER_MS, false, 1);
    TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h = new TwoInputStreamOperatorTestHarness<>(
        new ScoringOperator(ShippedBundle.read(V1), settings, lifecycle));
    if (restore == null) {
      h.initializeEmptyState();
    } else {
      h.initializeState(restore);
    }
    h.open();
    runMails(h);
    return h;
  }

  static void send(TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      h.processElement1(new StreamRecord<>(ScoringOperatorTest.event(i)));
    }
  }

  static InputEvent command(ControlCommand c, long offset) {
    return new InputEvent(c.key(), c.value(), "control", 0, offset, 0);
  }

  static String sha(Path bundle) throws Exception {
    return Sha256.of(bundle.resolve("bundle.yaml"));
  }

  /**
   * Waits, bounded, until the background deploy handed its outcome to the task's mailbox, and runs
   * it (with whatever mails are queued, e.g. drain checks): returns once an answer was emitted.
   */
  static void awaitAnswer(TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    runMails(h);
    while (statuses(h).isEmpty()) {
      assertThat(System.currentTimeMillis()).as("the deploy's outcome within %d ms", WAIT_MS).isLessThan(deadline);
      Thread.sleep(5);
      runMails(h);
    }
  }

  static void runMails(TwoInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
    TaskMailbox mailbox = h.getTaskMailbox();
    for (Optional<Mail> m = mailbox.tryTake(TaskMailbox.MIN_PRIORITY); m.isPresent(); m = mailbox.tryTake(TaskMailbox.MIN_PRIORITY)) {
      m.get().run();
    }
  }

  static List<String> models(TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h) {
    Schema schema = PredictionSchema.forBundle(BundleLoader.load(V1), List.of(), true);
    return h.extractOutputValues().stream().map(o -> decode(schema, o.value).get("model").toString()).toList();
  }

  static GenericRecord decode(Schema schema, byte[] value) {
    try {
      return new org.apache.avro.generic.GenericDatumReader<GenericRecord>(schema)
          .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(value, null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<ControlStatus> statuses(TwoInputStreamOperatorTestHarness<InputEvent, InputEvent, OutRecord> h) {
    return h.getSideOutput(ScoringOperator.STATUS) == null ? List.of()
        : h.getSideOutput(ScoringOperator.STATUS).stream().map(r -> ControlStatus.parse(r.getValue().value)).toList();
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
