package io.lockstep.batch.spark;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import io.lockstep.score.SharedScorers;
import io.lockstep.window.WindowSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loaded bundle, compiled features and ONNX Runtime session of each bundle, once per JVM
 * (executor or driver). Every task of an executor scores through the same {@link OnnxScorer}
 * ({@code run} is thread-safe); the session is acquired from {@link SharedScorers} and never
 * released: tasks come and go, and closing after each partition would reload the model for the
 * next one. It lives as long as the executor.
 *
 * <p>Keyed by the sha256 of the shipped bundle (every file of it), never by the model alone: two
 * bundles with one {@code model.onnx} but different {@code model.outputs} are two models here.
 */
public final class ExecutorModels {
  private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  /** A bundle ready to score: immutable and shared by all tasks of the JVM. */
  public record Model(Bundle bundle, FeaturePipeline pipeline, WindowSet windows, OnnxScorer scorer) {}

  public static Model get(ShippedBundle files) {
    return MODELS.computeIfAbsent(files.sha256(), sha -> {
      Bundle bundle = files.load();
      OnnxScorer scorer = SharedScorers.acquire(bundle, ScorerOptions.defaults());
      return new Model(bundle, FeaturePipeline.compile(bundle.spec(), bundle.inputSchema()),
          WindowSet.compile(bundle.spec(), bundle.inputSchema()), scorer);
    });
  }
}
