package io.lockstep.streaming.bench;

import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.scoring.ScoringOperator;
import io.lockstep.streaming.scoring.ScoringSettings;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.OneInputStreamTask;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarness;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarnessBuilder;

/**
 * The scoring operator's per-record path alone, without Kafka or a cluster: a real task (Flink's
 * mailbox test harness) fed the churn example's records, for profiling (run it under JFR:
 * {@code -XX:StartFlightRecording=filename=score.jfr}) and for a rough records/s figure. The
 * figures of record are StreamBench's.
 *
 * <p>{@code ScoringOperatorProfile avro|json [records [rounds]]}
 */
public final class ScoringOperatorProfile {
  private ScoringOperatorProfile() {}

  public static void main(String[] args) throws Exception {
    InputFormat format = InputFormat.parse(args.length > 0 ? args[0] : "avro");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path churn = Path.of(System.getProperty("lockstep.repo", ".")).resolve("examples/churn/bundle");
    Bundle bundle = BundleLoader.load(churn);
    List<GenericData.Record> records = new StreamBench(n, 0).churnRecords(bundle, n);
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    InputEvent[] events = new InputEvent[n];
    for (int i = 0; i < n; i++) {
      byte[] key = records.get(i).get("customer_id").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      events[i] = new InputEvent(key, format.encode(records.get(i), codec), "in", 0, i, 1L);
    }
    ScoringSettings settings = new ScoringSettings(format, List.of(), 256, 2, false, 1);
    for (int round = 0; round < rounds; round++) {
      // The task's own mailbox loop over input that is all waiting (as when draining a topic), so
      // batches fill as they do in the job; a fresh task per round because the loop ends with the input.
      try (StreamTaskMailboxTestHarness<OutRecord> h = new StreamTaskMailboxTestHarnessBuilder<>(OneInputStreamTask::new,
          TypeInformation.of(OutRecord.class)).addInput(TypeInformation.of(InputEvent.class))
          .setupOutputForSingletonOperatorChain(new ScoringOperator(ShippedBundle.read(churn), settings)).build()) {
        h.setAutoProcess(false);
        for (InputEvent e : events) {
          h.processElement(new StreamRecord<>(e));
        }
        h.endInput();
        long t0 = System.nanoTime();
        h.getStreamTask().runMailboxLoop();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("round %d: %.0f records/s (%s, %d out)%n", round, n / s, format.flag(), h.getOutput().size());
      }
    }
    System.exit(0);
  }
}
