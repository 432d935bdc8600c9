package io.lockstep.streaming.scoring;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.lifecycle.Deployment;
import io.lockstep.lifecycle.ScoreFields;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionBuilder;
import io.lockstep.score.ScorerOptions;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.score.SharedScorers;
import io.lockstep.window.WindowSet;
import org.apache.avro.Schema;

/**
 * Everything the scoring operator needs to score with one bundle: its decoder, compiled features,
 * ORT session ({@link SharedScorers}), micro-batch and prediction encoder. A slot is opened whole
 * (and warmed) before it scores a record, and closed whole after its last batch: no record is ever
 * scored by half of one bundle and half of another. Not thread-safe: opened on any thread, then
 * used by the task's thread only.
 */
final class ModelSlot implements AutoCloseable {
  final Bundle bundle;
  final Deployment.Model model;
  final InputDecoder decoder;
  final WindowSet windows;
  final FeaturePipeline pipeline;
  final ScoringBuffer<ScoringOperator.Pending> buffer;
  final PredictionBuilder builder;
  final FeatureVectorField featureField;
  final AvroCodec codec;
  private final OnnxScorer scorer;
  private ScoreFields scoreFields;
  private boolean closed;

  private ModelSlot(Bundle bundle, Deployment.Model model, ScoringSettings settings) {
    this.bundle = bundle;
    this.model = model;
    pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    decoder = new InputDecoder(settings.format(), bundle.inputSchema(), PredictionBuilder.extras(bundle, settings.keep()));
    scorer = SharedScorers.acquire(bundle, new ScorerOptions(settings.onnxThreads(), false));
    try {
      BatchScorer batch = scorer.newBatch(settings.batchSize());
      buffer = new ScoringBuffer<>(pipeline, batch);
      builder = new PredictionBuilder(bundle, scorer.fields(), settings.keep(), true);
      featureField = settings.withFeatures() ? new FeatureVectorField(builder.schema()) : null;
      codec = new AvroCodec(outputSchema());
    } catch (RuntimeException e) {
      SharedScorers.release(scorer);
      throw e;
    }
  }

  /** Compiles the bundle and opens its ORT session (the slow part of a deploy: call it off the task thread). */
  static ModelSlot open(Bundle bundle, Deployment.Model model, ScoringSettings settings) {
    return new ModelSlot(bundle, model, settings);
  }

  /** The schema of the predictions this slot writes (with the feature vector when asked for). */
  Schema outputSchema() {
    return featureField == null ? builder.schema() : featureField.schema();
  }

  /**
   * Runs the model once on a row of zeros, so that ORT's first-run allocations and kernel choices
   * happen here and not in the first live batch after a swap.
   */
  void warm() {
    BatchScorer b = buffer.batch();
    if (!b.isEmpty()) {
      throw new IllegalStateException("warm() on a slot that already buffers records");
    }
    b.addRow(new float[b.width()]);
    b.score();
    b.clear();
  }

  /** Which prediction fields divergence compares; fails with one line when the bundle has no float output. */
  ScoreFields scoreFields() {
    if (scoreFields == null) {
      scoreFields = ScoreFields.of(scorer.fields());
    }
    return scoreFields;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      SharedScorers.release(scorer);
    }
  }
}
