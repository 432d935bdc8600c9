package io.lockstep.streaming.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.InputEventDeserializer;
import io.lockstep.streaming.scoring.DeadLetterEvent;
import io.lockstep.streaming.scoring.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Window features in event time, in Flink's keyed operator test harness: the test moves the
 * watermark by hand, so which events are late and when a key's state expires follow from event
 * times alone (golden {@code windows} bundle: longest window 24 h).
 */
class WindowFeatureFunctionTest {
  static final ShippedBundle BUNDLE = ShippedBundle.read(GoldenFixture.of("windows").bundle());
  static final long T0 = 1_795_133_000_000L;
  static final long DAY = 86_400_000L;

  @Test
  void anEventAtOrBehindTheWatermarkIsDeadLetteredLateAndInNoWindow() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> h = harness()) {
      h.processElement(event(0, "k1", T0 + 10_000), T0 + 10_000);
      h.processWatermark(T0 + 10_000);
      h.processElement(event(1, "k1", T0 + 10_000), T0 + 10_000);
      h.processElement(event(2, "k1", T0 + 11_000), T0 + 11_000);
      h.processWatermark(T0 + 11_000);

      List<DeadLetterEvent> dead = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).reason.text()).startsWith("late:").contains("1 ms behind the watermark");
      assertThat(dead.get(0).source).isEqualTo("in/0/1");
      // txn_count_1h (the first window) of the released events: the late one counts in neither.
      assertThat(released(h)).containsExactly(1.0, 2.0);
    }
  }

  @Test
  void aKeysStateIsClearedOnceItsNewestEventIsOlderThanTheLongestWindow() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> h = harness()) {
      h.processElement(event(0, "k1", T0), T0);
      h.processElement(event(1, "k1", T0 + 1_000), T0 + 1_000);
      h.processWatermark(T0 + 1_000);
      assertThat(h.numKeyedStateEntries()).as("window state of k1").isPositive();

      h.processWatermark(T0 + 1_000 + DAY - 1);
      assertThat(h.numKeyedStateEntries()).as("within 24 h of the newest event").isPositive();
      h.processWatermark(T0 + 1_000 + DAY + WindowFeatureFunction.EXPIRY_GRANULARITY_MS);
      assertThat(h.numKeyedStateEntries()).as("24 h (rounded up to the minute) after the newest event").isZero();
      assertThat(h.numEventTimeTimers()).isZero();

      h.processElement(event(2, "k1", T0 + 2 * DAY), T0 + 2 * DAY);
      h.processWatermark(T0 + 2 * DAY);
      assertThat(released(h)).as("a fresh window after expiry").containsExactly(1.0, 2.0, 1.0);
    }
  }

  @Test
  void aBusyKeyKeepsOneExpiryTimerWhicheverMinuteItsEventsFallIn() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> h = harness()) {
      int mostTimers = 0;
      // One event every 100 s for 3 h: each moves the key's expiry to a later minute.
      for (int i = 0; i < 108; i++) {
        long t = T0 + i * 100_000L;
        h.processElement(event(i, "k1", t), t);
        h.processWatermark(t);
        mostTimers = Math.max(mostTimers, h.numEventTimeTimers());
      }
      assertThat(released(h)).hasSize(108);
      // txn_count_1h over (t - 1 h, t] with one event per 100 s: 1, 2, ... 36, then 36.
      assertThat(released(h).get(35)).isEqualTo(36.0);
      assertThat(released(h).get(107)).isEqualTo(36.0);
      assertThat(mostTimers).as("timers of one key at any time").isLessThanOrEqualTo(2);
      assertThat(h.numEventTimeTimers()).isEqualTo(1);

      long last = T0 + 107 * 100_000L;
      h.processWatermark(last + DAY - 1);
      assertThat(h.numKeyedStateEntries()).as("the early expiry timers found the state still in its window").isPositive();
      h.processWatermark(last + DAY + WindowFeatureFunction.EXPIRY_GRANULARITY_MS);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  static KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> harness() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new WindowFeatureFunction(BUNDLE, DeadLetterPolicy.DEFAULTS)), e -> e.entityKey, Types.STRING);
    h.open();
    return h;
  }

  /** An event as the Kafka source hands it on: key, time and window inputs read by the job's own deserializer. */
  static InputEvent event(long offset, String key, long time) {
    String json = "{\"customer_id\":\"" + key + "\",\"event_time\":" + time + ",\"amount\":10.0,\"channel\":\"web\",\"items\":3}";
    InputEventDeserializer d = new InputEventDeserializer(BUNDLE, InputFormat.JSON, true);
    d.open(null);
    List<InputEvent> out = new ArrayList<>();
    d.deserialize(new ConsumerRecord<>("in", 0, offset, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)),
        new Collector<>() {
          @Override
          public void collect(InputEvent e) {
            out.add(e);
          }

          @Override
          public void close() {}
        });
    return out.get(0);
  }

  static List<Double> released(KeyedOneInputStreamOperatorTestHarness<String, InputEvent, InputEvent> h) {
    return h.extractOutputValues().stream().map(e -> e.windowValues[0]).toList();
  }
}
