package io.lockstep.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.OneInputStreamTask;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarness;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarnessBuilder;
import org.junit.jupiter.api.Test;

/**
 * The scoring operator in a real {@code OneInputStreamTask} with its real mailbox
 * ({@link StreamTaskMailboxTestHarness}), real ONNX Runtime on the golden {@code lr} bundle, and a
 * flush bound far beyond anything the test could wait: what is emitted, and in which batches, follows
 * from the input alone, not from wall-clock time or a timer.
 */
class ScoringOperatorTest {
  static final long NEVER_MS = 3_600_000;

  @Test
  void underATrickleEachRecordIsScoredBeforeTheNextOneArrives() throws Exception {
    try (StreamTaskMailboxTestHarness<OutRecord> h = harness(256)) {
      h.setAutoProcess(false);
      for (int i = 0; i < 5; i++) {
        h.processElement(new StreamRecord<>(event(i)));
        // Steps the task (mails, then input) until nothing is left; nothing advances processing time.
        h.processAll();
        assertThat(h.getOutput()).as("outputs after record %d", i).hasSize(i + 1);
      }
      assertThat(sources(h)).containsExactly("in/0/0", "in/0/1", "in/0/2", "in/0/3", "in/0/4");
      Map<String, Object> acc = accumulators(h);
      assertThat(acc).containsEntry(BatchStats.BATCHES, 5L).containsEntry(BatchStats.ROWS, 5L);
    }
  }

  @Test
  void underABurstBatchesFillUpToTheSizeBound() throws Exception {
    try (StreamTaskMailboxTestHarness<OutRecord> h = harness(256)) {
      h.setAutoProcess(false);
      for (int i = 0; i < 512; i++) {
        h.processElement(new StreamRecord<>(event(i)));
      }
      // The task's own mailbox loop (not the harness's step-by-step driver) over the waiting input.
      h.endInput();
      h.getStreamTask().runMailboxLoop();
      assertThat(h.getOutput()).hasSize(512);
      // 512 rows in 2 calls of at most 256 rows: both were full.
      Map<String, Object> acc = accumulators(h);
      assertThat(acc).containsEntry(BatchStats.ROWS, 512L).containsEntry(BatchStats.BATCHES, 2L);
    }
  }

  static StreamTaskMailboxTestHarness<OutRecord> harness(int batchSize) throws Exception {
    ScoringSettings settings = new ScoringSettings(InputFormat.JSON, List.of(), batchSize, NEVER_MS, false, 1);
    ScoringOperator op = new ScoringOperator(ShippedBundle.read(GoldenFixture.of("lr").bundle()), settings);
    return new StreamTaskMailboxTestHarnessBuilder<>(OneInputStreamTask::new, TypeInformation.of(OutRecord.class))
        .addInput(TypeInformation.of(InputEvent.class))
        .setupOutputForSingletonOperatorChain(op)
        .build();
  }

  static InputEvent event(int i) {
    String json = "{\"customer_id\":\"C" + i + "\",\"tenure_months\":" + (i % 60) + ",\"monthly_charges\":70.5,"
        + "\"total_charges\":1400.0,\"support_calls\":1,\"days_since_login\":3.5,\"discount_pct\":10,"
        + "\"country\":\"US\",\"age\":40,\"paperless_billing\":true}";
    return new InputEvent(("C" + i).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8), "in", 0, i, 1_000L + i);
  }

  static List<String> sources(StreamTaskMailboxTestHarness<OutRecord> h) {
    return sources(h.getOutput());
  }

  /** The {@code source} of every prediction in a harness's output, in order. */
  static List<String> sources(java.util.Collection<Object> output) {
    return output.stream().filter(o -> o instanceof StreamRecord<?>)
        .map(o -> ((OutRecord) ((StreamRecord<?>) o).getValue()).source).toList();
  }

  static Map<String, Object> accumulators(StreamTaskMailboxTestHarness<OutRecord> h) {
    Map<String, Object> out = new java.util.HashMap<>();
    h.getStreamMockEnvironment().getAccumulatorRegistry().getUserMap().forEach((k, v) -> out.put(k, v.getLocalValue()));
    return out;
  }
}
