package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.bundle.TestBundles;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.scoring.ScoringOperator;
import io.lockstep.streaming.scoring.ScoringSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles in Flink tasks (MiniCluster, one task manager JVM): two bundles that share a model.onnx
 * but not their {@code model.outputs} each score with their own fields in one job, and a zip bundle
 * is extracted once per JVM however many subtasks and attempts load it.
 */
class StreamBundleIT {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = StreamHarness.miniCluster();

  private static final ScoringSettings SETTINGS = new ScoringSettings(InputFormat.JSON, List.of(), 16, 0, false, 1);

  @TempDir
  Path tmp;

  @Test
  void twoBundlesWithOneModelButDifferentOutputsEachGetTheirOwnFieldsInOneJob() throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path churnDir = TestBundles.copyOfGolden("lr", tmp.resolve("churn"));
    Path stayDir = TestBundles.lrWithOutputs(TestBundles.STAY_OUTPUTS, "stay", tmp.resolve("stay"));
    Bundle churn = BundleLoader.load(churnDir);
    Bundle stay = BundleLoader.load(stayDir);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<InputEvent> in = env.fromData(events(fx, churn));
    CloseableIterator<OutRecord> stayOut = score(in, ShippedBundle.read(stayDir), "stay").collectAsync();
    CloseableIterator<OutRecord> churnOut = score(in, ShippedBundle.read(churnDir), "churn").collectAsync();
    env.execute("two bundles, one model");

    Map<String, GenericRecord> stayed = byKey(stayOut, StreamHarness.predictionSchema(stay, List.of(), false));
    Map<String, GenericRecord> churned = byKey(churnOut, StreamHarness.predictionSchema(churn, List.of(), false));
    assertThat(stayed).hasSize(fx.expected().size());
    assertThat(churned).hasSize(fx.expected().size());
    for (GoldenFixture.Expected e : fx.expected().values()) {
      GenericRecord s = stayed.get(e.key());
      GenericRecord c = churned.get(e.key());
      assertThat(s.getSchema().getField("score")).isNull();
      assertThat(((Number) s.get("stay")).doubleValue()).as(e.key()).isCloseTo(1 - e.prediction("score"), within(1e-5));
      assertThat(s.get("model").toString()).isEqualTo("golden-lr@stay");
      assertThat(((Number) c.get("score")).doubleValue()).as(e.key()).isCloseTo(e.prediction("score"), within(1e-5));
      assertThat(c.get("model").toString()).isEqualTo(churn.id());
    }
  }

  @Test
  void aZipBundleIsExtractedOncePerJvmAcrossSubtasksAndAttempts() throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr"));
    Files.writeString(dir.resolve("NOTES"), "makes this zip's bytes unique to this test\n");
    Path zip = TestBundles.zip(dir, tmp.resolve("lr.zip"));
    int foldersBefore = TestBundles.tempFoldersOfThisJvm().size();
    int failuresBefore = FailingMapper.FAILURES.get();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<InputEvent> in = FailingMapper.after(5).apply(env.fromData(events(fx, BundleLoader.load(dir))));
    CloseableIterator<OutRecord> out = score(in, ShippedBundle.read(zip), "zip").collectAsync();
    env.execute("zip bundle with restarts");
    int outputs = 0;
    while (out.hasNext()) {
      out.next();
      outputs++;
    }

    assertThat(FailingMapper.FAILURES.get()).as("attempts that failed and were restarted").isGreaterThan(failuresBefore);
    assertThat(outputs).isGreaterThanOrEqualTo(fx.expected().size());
    assertThat(TestBundles.tempFoldersOfThisJvm()).hasSizeLessThanOrEqualTo(foldersBefore + 1);
  }

  private static DataStream<OutRecord> score(DataStream<InputEvent> in, ShippedBundle bundle, String name) {
    return in.transform("score " + name, TypeInformation.of(OutRecord.class), new ScoringOperator(bundle, SETTINGS))
        .uid("score-" + name);
  }

  /** The fixture's decodable rows as JSON Kafka values keyed by customer id. */
  private static List<InputEvent> events(GoldenFixture fx, Bundle bundle) throws IOException {
    List<InputEvent> out = new ArrayList<>();
    for (GoldenInput.Sent s : GoldenInput.read(fx.inputCsv(), bundle, InputFormat.JSON)) {
      if (s.key() != null && s.value() != null) {
        out.add(new InputEvent(s.key(), s.value(), "golden", 0, s.line(), 0L));
      }
    }
    return out;
  }

  private static Map<String, GenericRecord> byKey(CloseableIterator<OutRecord> it, Schema schema) throws Exception {
    Map<String, GenericRecord> out = new HashMap<>();
    try (it) {
      while (it.hasNext()) {
        OutRecord r = it.next();
        out.put(new String(r.key, StandardCharsets.UTF_8), StreamHarness.decode(schema, r.value));
      }
    }
    return out;
  }
}
