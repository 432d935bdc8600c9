package io.lockstep.streaming.scoring;

import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.Decoded;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.ModelCannotRun;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionBuilder;
import io.lockstep.score.ScorerOptions;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.score.SharedScorers;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.window.WindowSet;
import java.util.concurrent.RejectedExecutionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 * scored at once. The ORT session is opened in {@link #open()}, once per model per task manager
 * ({@link SharedScorers}), and released in {@link #close()}.
 *
 * <p>Predictions go to the main output as Avro binary of the bundle's prediction schema; every
 * rejected record goes to {@link DeadLetters#TAG} with its reason.
 */
public final class ScoringOperator extends AbstractStreamOperator<OutRecord>
    implements OneInputStreamOperator<InputEvent, OutRecord> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ScoringOperator.class);

  private final ShippedBundle bundleBytes;
  private final ScoringSettings settings;

  private transient InputDecoder decoder;
  private transient WindowSet windows;
  private transient OnnxScorer scorer;
  private transient ScoringBuffer<Pending> buffer;
  private transient PredictionBuilder builder;
  private transient FeatureVectorField featureField;
  private transient AvroCodec codec;
  private transient StreamMetrics metrics;
  private transient StreamMonitoring monitoring;
  private transient ScoringBuffer.Sink<Pending> sink;
  private transient StreamRecord<OutRecord> reuse;
  private transient BatchFlushPolicy policy;
  private transient MailboxExecutor mailbox;
  private transient ThrowingRunnable<RuntimeException> drainCheck;
  private transient BatchStats batchStats;
  private transient boolean closed;

  /** A record waiting in the batch, with what its prediction or dead letter needs. */
  private record Pending(InputEvent event, GenericData.Record record, String[] extras) {}

  public ScoringOperator(ShippedBundle bundleBytes, ScoringSettings settings) {
    this.bundleBytes = bundleBytes;
    this.settings = settings;
  }

  @Override
  public void open() throws Exception {
    super.open();
    Bundle bundle = bundleBytes.load();
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    decoder = new InputDecoder(settings.format(), bundle.inputSchema(), PredictionBuilder.extras(bundle, settings.keep()));
    scorer = SharedScorers.acquire(bundle, new ScorerOptions(settings.onnxThreads(), false));
    BatchScorer batch = scorer.newBatch(settings.batchSize());
    buffer = new ScoringBuffer<>(pipeline, batch);
    builder = new PredictionBuilder(bundle, scorer.fields(), settings.keep(), true);
    featureField = settings.withFeatures() ? new FeatureVectorField(builder.schema()) : null;
    codec = new AvroCodec(featureField == null ? builder.schema() : featureField.schema());
    metrics = StreamMetrics.register(getMetricGroup(), true, settings.deadLetters());
    monitoring = new StreamMonitoring(getMetricGroup(), bundle, pipeline, scorer.fields(), settings.drift());
    buffer.onBatch(monitoring::batch);
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
        deadLetter(p.event(), reason, p.record());
      }
    };
    LOG.info("scoring {} with {} (batch {}, flush after {} ms, input {})", bundle.id(), bundleBytes.origin(),
        settings.batchSize(), settings.flushMillis(), settings.format().flag());
  }

  @Override
  public void processElement(StreamRecord<InputEvent> element) throws Exception {
    InputEvent e = element.getValue();
    metrics.in();
    Decoded d = decoder.decode(e.value);
    if (!d.isOk()) {
      deadLetter(e, d.reason(), d.readable());
    } else {
      buffer.offer(FieldAccessor.of(d.record()), e.windowValues, new Pending(e, d.record(), d.extras()), sink);
    }
    obey(policy.onRecord(buffer.size(), getProcessingTimeService().getCurrentProcessingTime()));
  }

  /** The drain check queued by {@link BatchFlushPolicy}: runs between two records of the task's input. */
  private void drainCheck() {
    if (!closed) {
      obey(policy.onCheck(buffer.size(), getProcessingTimeService().getCurrentProcessingTime()));
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

  /** A model that cannot run fails the job once: a restart would replay the same records into the same failure. */
  private void flush() {
    int rows = buffer.size();
    if (rows > 0) {
      try {
        buffer.flush(sink);
      } catch (ModelCannotRun e) {
        throw new SuppressRestartsException(e);
      }
      batchStats.add(rows);
    }
    policy.flushed();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    closed = true;
    if (scorer != null) {
      SharedScorers.release(scorer);
      scorer = null;
    }
    super.close();
  }

  private void emitPrediction(Pending p, BatchScorer b, int row) {
    InputEvent e = p.event();
    Long eventTime = windows.timeMillis(FieldAccessor.of(p.record()));
    long now = System.currentTimeMillis();
    byte[] value = featureField == null ? builder.encode(FieldAccessor.of(p.record()), p.extras(), b, row, eventTime, now)
        : codec.binary(featureField.with(builder.build(p.record(), p.extras(), b, row, eventTime, now), b.featureRow(row)));
    output.collect(reuse.replace(new OutRecord(e.key, value, e.source(), e.kafkaTimestamp)));
    metrics.scored(e.kafkaTimestamp, now);
    monitoring.scored(b, row, now, alert -> output.collect(DriftAlerts.TAG, new StreamRecord<>(alert)));
  }

  private void deadLetter(InputEvent e, Reason reason, GenericData.Record record) {
    String key = record == null ? null : windows.key(FieldAccessor.of(record));
    output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.of(e, reason, key)));
    metrics.dead(reason);
    monitoring.dead(reason);
  }
}
