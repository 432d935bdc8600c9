package io.lockstep.streaming.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import org.apache.avro.generic.GenericData;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Window state survives Flink's serializer and copies unchanged, and aggregator inputs taken at the
 * source give the same aggregates as reading the record itself.
 */
class WindowStateCellSerializerTest {
  final Bundle bundle = BundleLoader.load(GoldenFixture.of("windows").bundle());
  final WindowSet windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
  final WindowInputs inputs = WindowInputs.compile(bundle.spec(), bundle.inputSchema());

  @Test
  void serializedAndCopiedStateContinuesExactlyLikeTheOriginal() throws Exception {
    WindowStateCell cell = new WindowStateCell();
    KeyWindowState live = cell.state(windows);
    double[] out = new double[windows.size()];
    for (int i = 0; i < 20; i++) {
      windows.observe(live, 1_000L * i, FieldAccessor.of(event(i % 3 == 0 ? null : 1.5 * i)), out);
    }
    DataOutputSerializer bytes = new DataOutputSerializer(64);
    WindowStateCellSerializer.INSTANCE.serialize(cell, bytes);
    WindowStateCell restored = WindowStateCellSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
    WindowStateCell copy = WindowStateCellSerializer.INSTANCE.copy(cell);

    double[] a = new double[windows.size()];
    double[] b = new double[windows.size()];
    double[] c = new double[windows.size()];
    windows.observe(live, 25_000L, FieldAccessor.of(event(4.25)), a);
    windows.observe(restored.state(windows), 25_000L, FieldAccessor.of(event(4.25)), b);
    windows.observe(copy.state(windows), 25_000L, FieldAccessor.of(event(4.25)), c);
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
  }

  @Test
  void inputsTakenAtTheSourceGiveBitwiseTheSameAggregates() {
    KeyWindowState fromRecord = windows.newState();
    KeyWindowState fromInputs = windows.newState();
    double[] a = new double[windows.size()];
    double[] b = new double[windows.size()];
    for (int i = 0; i < 50; i++) {
      GenericData.Record r = event(i % 7 == 0 ? null : i % 5 == 0 ? Double.NaN : 0.1 * i);
      windows.observe(fromRecord, 10_000L * i, FieldAccessor.of(r), a);
      windows.observe(fromInputs, 10_000L * i, inputs.accessor(inputs.read(FieldAccessor.of(r))), b);
      assertThat(b).isEqualTo(a);
    }
  }

  GenericData.Record event(Double amount) {
    GenericData.Record r = new GenericData.Record(bundle.inputSchema());
    r.put("customer_id", "k");
    r.put("event_time", 0L);
    r.put("amount", amount);
    r.put("channel", "web");
    r.put("items", 2);
    return r;
  }
}
