package io.lockstep.streaming.window;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.deadletter.Reason;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.scoring.DeadLetters;
import io.lockstep.streaming.scoring.StreamMetrics;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Window features per entity key, in event time (docs/spec.md, Window features). Events wait in keyed state until
 * the watermark (bounded out-of-orderness, generated per Kafka partition at the source) passes
 * their time, then enter the common {@link WindowSet} in {@code (time, arrival)} order, so every
 * event sees exactly the events at or before it, as on the single node and Spark. An event whose
 * time is already behind the watermark is dead-lettered with {@code late:}. A key's state is cleared
 * by an event-time timer once its newest event is older than the longest window. Buffered events
 * and window state are keyed state, carried by checkpoints and savepoints.
 */
public final class WindowFeatureFunction extends KeyedProcessFunction<String, InputEvent, InputEvent> {
  private static final long serialVersionUID = 1L;
  /** Expiry timers are rounded up to this, so a busy key registers one per minute, not one per event. */
  static final long EXPIRY_GRANULARITY_MS = 60_000;

  private final ShippedBundle bundleBytes;

  private transient WindowSet windows;
  private transient WindowInputs inputs;
  private transient ValueState<WindowStateCell> windowState;
  private transient MapState<Long, List<InputEvent>> waiting;
  private final DeadLetterPolicy deadLetterPolicy;
  private transient StreamMetrics metrics;

  public WindowFeatureFunction(ShippedBundle bundleBytes, DeadLetterPolicy deadLetterPolicy) {
    this.bundleBytes = bundleBytes;
    this.deadLetterPolicy = deadLetterPolicy;
  }

  @Override
  public void open(OpenContext context) {
    Bundle bundle = bundleBytes.load();
    windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    inputs = WindowInputs.compile(bundle.spec(), bundle.inputSchema());
    windowState = getRuntimeContext().getState(new ValueStateDescriptor<>("window-state", WindowStateCellSerializer.INSTANCE));
    waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-events", Types.LONG,
        Types.LIST(TypeInformation.of(InputEvent.class))));
    metrics = StreamMetrics.register(getRuntimeContext().getMetricGroup(), false, deadLetterPolicy);
  }

  @Override
  public void processElement(InputEvent e, Context ctx, Collector<InputEvent> out) throws Exception {
    metrics.in();
    long watermark = ctx.timerService().currentWatermark();
    if (e.eventTime <= watermark) {
      Reason late = Reason.late((watermark - e.eventTime + 1) + " ms behind the watermark (out-of-orderness bound exceeded)");
      ctx.output(DeadLetters.TAG, DeadLetters.of(e, late, e.entityKey));
      metrics.dead(late);
      return;
    }
    List<InputEvent> atTime = waiting.get(e.eventTime);
    if (atTime == null) {
      atTime = new ArrayList<>(2);
      ctx.timerService().registerEventTimeTimer(e.eventTime);
    }
    atTime.add(e);
    waiting.put(e.eventTime, atTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<InputEvent> out) throws Exception {
    List<InputEvent> release = waiting.get(timestamp);
    WindowStateCell cell = windowState.value();
    if (cell != null && cell.expiryTimer == timestamp) {
      cell.expiryTimer = WindowStateCell.NO_TIMER;
    }
    if (release != null) {
      waiting.remove(timestamp);
      if (cell == null) {
        cell = new WindowStateCell();
      }
      KeyWindowState state = cell.state(windows);
      for (InputEvent e : release) {
        double[] values = new double[windows.size()];
        windows.observe(state, timestamp, inputs.accessor(e.windowInputs), values);
        e.windowInputs = null;
        e.windowValues = values;
        out.collect(e);
      }
      windowState.update(cell);
      scheduleExpiry(cell, state, ctx);
    } else if (cell != null) {
      KeyWindowState state = cell.state(windows);
      if (state.lastTime() + windows.horizonMillis() > timestamp) {
        scheduleExpiry(cell, state, ctx);
      } else if (waiting.isEmpty()) {
        windowState.clear();
      }
    }
  }

  /**
   * Makes sure an expiry timer is pending for the key. One per key at a time: a key with events every
   * few seconds would otherwise leave one timer per minute of its life in the timer queue (300,000
   * for 10,000 keys in StreamBench's window run), and every timer operation pays the queue's log
   * size and cache misses. The pending timer, when it fires early, registers the next one.
   */
  private void scheduleExpiry(WindowStateCell cell, KeyWindowState state, OnTimerContext ctx) {
    if (cell.expiryTimer != WindowStateCell.NO_TIMER) {
      return;
    }
    long expiry = (Math.floorDiv(state.lastTime() + windows.horizonMillis(), EXPIRY_GRANULARITY_MS) + 1) * EXPIRY_GRANULARITY_MS;
    ctx.timerService().registerEventTimeTimer(expiry);
    cell.expiryTimer = expiry;
  }
}
