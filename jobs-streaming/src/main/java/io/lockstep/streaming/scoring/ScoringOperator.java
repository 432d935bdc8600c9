package io.lockstep.streaming.scoring;

import io.lockstep.avro.Decoded;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FieldAccessor;
import io.lockstep.lifecycle.CanaryRouter;
import io.lockstep.lifecycle.Deployment;
import io.lockstep.lifecycle.Divergence;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.ModelCannotRun;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.score.SharedScorers;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes, extracts features and scores records in micro-batches, adaptively
 * ({@link BatchFlushPolicy}): a batch is scored as soon as the task's input has no more records
 * waiting, when it holds {@code batchSize} records, when its oldest record has waited
 * {@code flushMillis} while input kept arriving, before every checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}, so no buffered record is lost or repeated across a restore)
 * and at end of input. ORT thus gets full batches under load, and a record that arrives alone is
 * scored at once. Everything one bundle needs is a {@link ModelSlot}, opened in {@link #open()}
 * (one ORT session per model per task manager, {@link SharedScorers}) and closed in {@link #close()}.
 *
 * <p>Predictions go to the main output as Avro binary of the bundle's prediction schema; every
 * rejected record goes to {@link DeadLetters#TAG} with its reason.
 *
 * <p><b>Model lifecycle</b> (docs/spec.md, Model lifecycle). Built with {@link LifecycleSettings}
 * the operator has a second input, the broadcast control topic, and scores with a
 * {@link Deployment}: a primary and, optionally, a shadow or canary candidate. Commands are
 * handled by {@link DeploymentControl}; the operator only ever scores with {@link Arms} that are
 * whole, replaced between two micro-batches. Shadow predictions go to {@link #SHADOW}, divergence
 * summaries to {@link #SHADOW_STATS}, answers to commands to {@link #STATUS}. Without lifecycle
 * settings the operator has one input and no state, exactly as before.
 */
public final class ScoringOperator extends AbstractStreamOperator<OutRecord>
    implements OneInputStreamOperator<InputEvent, OutRecord>, TwoInputStreamOperator<InputEvent, InputEvent, OutRecord> {
  private static final long serialVersionUID = 2L;
  private static final Logger LOG = LoggerFactory.getLogger(ScoringOperator.class);

  /** Candidate predictions of a shadow deployment, for {@code <output-topic>.shadow}. */
  public static final OutputTag<OutRecord> SHADOW = new OutputTag<>("shadow-predictions") {};
  /** Divergence summaries (JSON), for {@code <output-topic>.shadow-stats}. */
  public static final OutputTag<OutRecord> SHADOW_STATS = new OutputTag<>("shadow-stats") {};
  /** Answers to control commands ({@code ControlStatus} JSON), for {@code <control-topic>.status}. */
  public static final OutputTag<OutRecord> STATUS = new OutputTag<>("control-status") {};

  private final ShippedBundle bundleBytes;
  private final ScoringSettings settings;
  private final LifecycleSettings lifecycle;

  private transient Arms arms;
  private transient DeploymentControl control;
  private transient ShadowStats shadowStats;
  private transient StreamMetrics metrics;
  private transient StreamMonitoring monitoring;
  /** The bundle whose profile {@link #monitoring} compares with: the one the job was submitted with. */
  private transient Bundle driftBundle;
  private transient ScoringBuffer.Sink<Pending> sink;
  private transient StreamRecord<OutRecord> reuse;
  private transient BatchFlushPolicy policy;
  private transient MailboxExecutor mailbox;
  private transient ThrowingRunnable<RuntimeException> drainCheck;
  private transient BatchStats batchStats;
  private transient boolean closed;

  /**
   * The bundles scoring now: a primary, and a candidate that either sees every record (shadow) or
   * the keys {@code router} picks (canary). Replaced whole, between two micro-batches.
   */
  record Arms(ModelSlot primary, ModelSlot candidate, boolean shadow, CanaryRouter router) {
    static Arms of(ModelSlot primary) {
      return new Arms(primary, null, false, null);
    }

    int buffered() {
      return candidate == null ? primary.buffer.size() : Math.max(primary.buffer.size(), candidate.buffer.size());
    }
  }

  /** A record waiting in a slot's batch, with what its prediction or dead letter needs. */
  static final class Pending {
    final InputEvent event;
    final GenericData.Record record;
    /** {@link #record}'s fields, adapted once (features, event time, prediction, dead-letter key read them). */
    final FieldAccessor fields;
    final String[] extras;
    final ModelSlot slot;
    /** Shadow deployments: the pair this record's two predictions meet in; else null. */
    final Pair pair;
    final boolean shadow;

    Pending(InputEvent event, GenericData.Record record, String[] extras, ModelSlot slot, Pair pair, boolean shadow) {
      this.event = event;
      this.record = record;
      this.fields = record == null ? null : FieldAccessor.of(record);
      this.extras = extras;
      this.slot = slot;
      this.pair = pair;
      this.shadow = shadow;
    }
  }

  /** The primary's prediction of a record, kept until the shadow scores the same record (same flush). */
  static final class Pair {
    GenericRecord primary;
  }

  public ScoringOperator(ShippedBundle bundleBytes, ScoringSettings settings) {
    this(bundleBytes, settings, null);
  }

  /** @param lifecycle null: no control input, the bundle is fixed */
  public ScoringOperator(ShippedBundle bundleBytes, ScoringSettings settings, LifecycleSettings lifecycle) {
    this.bundleBytes = bundleBytes;
    this.settings = settings;
    this.lifecycle = lifecycle;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    if (lifecycle != null) {
      control = new DeploymentControl(this, context.getOperatorStateStore());
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    Bundle bundle = bundleBytes.load();
    metrics = StreamMetrics.register(getMetricGroup(), true, settings.deadLetters());
    reuse = new StreamRecord<>(null);
    policy = new BatchFlushPolicy(settings.batchSize(), settings.flushMillis());
    mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
    drainCheck = this::drainCheck;
    batchStats = BatchStats.register(getRuntimeContext());
    sink = new ScoringBuffer.Sink<>() {
      @Override
      public void scored(Pending p, BatchScorer b, int row) {
        emitPrediction(p, b, row);
      }

      @Override
      public void rejected(Pending p, Reason reason) {
        if (p.shadow) {
          shadowStats.candidateRejected();
        } else {
          deadLetter(p.event, reason, p.record, p.slot);
        }
      }
    };
    ModelSlot started = ModelSlot.open(bundle, DeploymentControl.modelOf(bundle, bundleBytes.origin()), settings);
    // Drift follows the bundle the job was submitted with (its profile defines the reference).
    monitoring = new StreamMonitoring(getMetricGroup(), bundle, started.pipeline, started.buffer.batch().fields(), settings.drift());
    driftBundle = bundle;
    arms = Arms.of(started);
    if (control != null) {
      shadowStats = new ShadowStats(getMetricGroup(), lifecycle);
      arms = control.open(started);
      monitoring.primary(arms.primary().model.id());
    }
    started.buffer.onBatch(monitoring::batch);
    LOG.info("scoring {} with {} (batch {}, flush after {} ms, input {}{})", arms.primary().bundle.id(), bundleBytes.origin(),
        settings.batchSize(), settings.flushMillis(), settings.format().flag(), control == null ? "" : ", " + control.describe());
  }

  // ---- records ----

  @Override
  public void processElement(StreamRecord<InputEvent> element) throws Exception {
    InputEvent e = element.getValue();
    metrics.in();
    if (control != null) {
      control.read(e);
    }
    Arms a = arms;
    if (a.candidate() == null) {
      offer(a.primary(), e, decode(a.primary(), e, null, null), null, false);
    } else if (a.shadow()) {
      Pair pair = new Pair();
      Decoded d = decode(a.primary(), e, null, null);
      offer(a.primary(), e, d, pair, false);
      offer(a.candidate(), e, decode(a.candidate(), e, a.primary(), d), pair, true);
    } else {
      Decoded d = decode(a.primary(), e, null, null);
      if (d.isOk() && a.router().toCandidate(canaryKey(a.primary(), e, d))) {
        offer(a.candidate(), e, decode(a.candidate(), e, a.primary(), d), null, false);
      } else {
        offer(a.primary(), e, d, null, false);
      }
    }
    obey(policy.onRecord(a.buffered(), getProcessingTimeService().getCurrentProcessingTime()));
  }

  @Override
  public void processElement1(StreamRecord<InputEvent> element) throws Exception {
    processElement(element);
  }

  /** A control-topic record (docs/spec.md, Model lifecycle). */
  @Override
  public void processElement2(StreamRecord<InputEvent> element) throws Exception {
    control.command(element.getValue());
  }

  /** Decodes with {@code slot}'s decoder, or reuses {@code shared} when it was decoded for the same input schema and extras. */
  private static Decoded decode(ModelSlot slot, InputEvent e, ModelSlot decodedBy, Decoded shared) {
    if (shared != null && slot.bundle.inputSchema().equals(decodedBy.bundle.inputSchema())
        && slot.builder.schema().equals(decodedBy.builder.schema())) {
      return shared;
    }
    return slot.decoder.decode(e.value);
  }

  /**
   * The key a canary routes by: the spec's entity key when the spec has one (so a key's events stay
   * with the windows that own them), else the Kafka record key; null (no key) stays with the primary.
   */
  private static String canaryKey(ModelSlot primary, InputEvent e, Decoded d) {
    if (primary.windows.keyField() != null) {
      return primary.windows.key(FieldAccessor.of(d.record()));
    }
    return e.key == null ? null : new String(e.key, StandardCharsets.UTF_8);
  }

  private void offer(ModelSlot slot, InputEvent e, Decoded d, Pair pair, boolean shadow) {
    if (!d.isOk()) {
      sink.rejected(new Pending(e, d.readable(), null, slot, pair, shadow), d.reason());
    } else {
      Pending p = new Pending(e, d.record(), d.extras(), slot, pair, shadow);
      slot.buffer.offer(p.fields, e.windowValues, p, sink);
    }
  }

  // ---- micro-batches ----

  /** The drain check queued by {@link BatchFlushPolicy}: runs between two records of the task's input. */
  private void drainCheck() {
    if (!closed) {
      obey(policy.onCheck(arms.buffered(), getProcessingTimeService().getCurrentProcessingTime()));
    }
  }

  private void obey(BatchFlushPolicy.Action action) {
    switch (action) {
      case FLUSH -> flush();
      case CHECK -> queueDrainCheck();
      case NONE -> { }
    }
  }

  private void queueDrainCheck() {
    try {
      mailbox.execute(drainCheck, "lockstep score: drain check");
    } catch (RejectedExecutionException e) {
      // The task is shutting down and takes no more mails: score now rather than leave rows waiting.
      flush();
      policy.onCheck(0, getProcessingTimeService().getCurrentProcessingTime());
    }
  }

  /**
   * Scores what the arms buffer: the primary first, so that a shadow's pairs are complete when the
   * candidate's batch follows. A model that cannot run fails the job once: a restart would replay
   * the same records into the same failure.
   */
  void flush() {
    Arms a = arms;
    int rows = a.primary().buffer.size() + (a.candidate() == null ? 0 : a.candidate().buffer.size());
    if (rows > 0) {
      try {
        a.primary().buffer.flush(sink);
        if (a.candidate() != null) {
          a.candidate().buffer.flush(sink);
        }
      } catch (ModelCannotRun e) {
        throw new SuppressRestartsException(e);
      }
      batchStats.add(rows);
    }
    policy.flushed();
    if (shadowStats != null) {
      emitStats(shadowStats.closeIfDue(getProcessingTimeService().getCurrentProcessingTime()));
    }
  }

  /** Called by {@link DeploymentControl} between two micro-batches (after {@link #flush()}). */
  void swap(Arms next) {
    if (shadowStats != null && arms.candidate() != null && next.candidate() != arms.candidate()) {
      emitStats(shadowStats.closeNow(getProcessingTimeService().getCurrentProcessingTime()));
    }
    monitoring.primary(next.primary().model.id());
    if (next.candidate() == null) {
      monitoring.shadow(null);
    }
    next.primary().buffer.onBatch(monitoring::batch);
    if (next.candidate() != null) {
      next.candidate().buffer.onBatch(monitoring::batch);
    }
    arms = next;
    monitoring.primary(next.primary().model.id());
    if (next.candidate() == null) {
      monitoring.shadow(null);
    }
  }

  Arms arms() {
    return arms;
  }

  ScoringSettings settings() {
    return settings;
  }

  ShippedBundle bundleBytes() {
    return bundleBytes;
  }

  MailboxExecutor mailbox() {
    return mailbox;
  }

  int subtask() {
    return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
  }

  int subtasks() {
    return getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
  }

  void emitStatus(OutRecord status) {
    output.collect(STATUS, new StreamRecord<>(status));
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    if (control != null) {
      control.snapshot();
    }
  }

  @Override
  public void finish() throws Exception {
    flush();
    if (shadowStats != null) {
      emitStats(shadowStats.closeNow(getProcessingTimeService().getCurrentProcessingTime()));
    }
    super.finish();
  }

  @Override
  public void close() throws Exception {
    closed = true;
    if (control != null) {
      control.close();
    } else if (arms != null) {
      arms.primary().close();
    }
    arms = null;
    super.close();
  }

  // ---- outputs ----

  private void emitPrediction(Pending p, BatchScorer b, int row) {
    InputEvent e = p.event;
    ModelSlot slot = p.slot;
    Long eventTime = slot.windows.timeMillis(p.fields);
    long now = System.currentTimeMillis();
    byte[] value;
    if (p.pair == null && slot.featureField == null) {
      // The hot path: Avro written straight from the values, no prediction record.
      value = slot.builder.encode(p.fields, p.extras, b, row, eventTime, now);
    } else {
      GenericRecord prediction = slot.builder.build(p.record, p.extras, b, row, eventTime, now);
      if (p.pair != null) {
        pair(p, prediction);
      }
      if (slot.featureField != null) {
        prediction = slot.featureField.with(prediction, b.featureRow(row));
      }
      value = slot.codec.binary(prediction);
    }
    OutRecord out = new OutRecord(e.key, value, e.source(), e.kafkaTimestamp);
    if (p.shadow) {
      output.collect(SHADOW, new StreamRecord<>(out));
      return;
    }
    output.collect(reuse.replace(out));
    metrics.scored(e.kafkaTimestamp, now);
    if (slot.bundle == driftBundle) {
      monitoring.scored(b, row, now, alert -> output.collect(DriftAlerts.TAG, new StreamRecord<>(alert)));
    }
  }

  private void pair(Pending p, GenericRecord prediction) {
    if (!p.shadow) {
      p.pair.primary = prediction;
      return;
    }
    if (p.pair.primary == null) {
      return; // the primary rejected this record: no pair
    }
    Arms a = arms;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    boolean opened = shadowStats.add(a.primary().model.id(), a.primary().scoreFields(), p.pair.primary,
        a.candidate().model.id(), p.slot.scoreFields(), prediction, now);
    if (opened) {
      getProcessingTimeService().registerTimer(shadowStats.windowDeadline(), t -> {
        if (!closed) {
          emitStats(shadowStats.closeIfDue(t));
        }
      });
    }
  }

  private void emitStats(Divergence.Summary s) {
    if (s != null) {
      monitoring.shadow(s);
      byte[] key = (s.primary() + "/" + subtask()).getBytes(StandardCharsets.UTF_8);
      output.collect(SHADOW_STATS, new StreamRecord<>(new OutRecord(key, s.json().getBytes(StandardCharsets.UTF_8), null,
          System.currentTimeMillis())));
    }
  }

  private void deadLetter(InputEvent e, Reason reason, GenericData.Record record, ModelSlot slot) {
    String key = record == null ? null : slot.windows.key(FieldAccessor.of(record));
    output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.of(e, reason, key)));
    metrics.dead(reason);
  }
}
