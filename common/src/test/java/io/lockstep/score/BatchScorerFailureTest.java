package io.lockstep.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.deadletter.Reason;
import io.lockstep.golden.ModelCannotRunBundle;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link BatchScorer} treats ONNX Runtime failures, on a real model that fails in ORT on every run. */
class BatchScorerFailureTest {
  @TempDir
  Path tmp;

  private static void addRows(BatchScorer batch, int n) {
    for (int i = 0; i < n; i++) {
      batch.addRow(new float[batch.width()]);
    }
  }

  @Test
  void aModelWhoseFirstRecordsAllFailAloneTheSameWayStopsWithModelCannotRun() throws Exception {
    Bundle bundle = BundleLoader.load(ModelCannotRunBundle.write(tmp));
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      BatchScorer batch = scorer.newBatch(64);
      addRows(batch, 64);
      assertThatThrownBy(batch::score).isInstanceOf(ModelCannotRun.class)
          .hasMessageStartingWith("the model cannot run: its first " + BatchScorer.CANNOT_RUN_AFTER + " records")
          .hasMessageContaining("Reshape").hasMessageNotContaining("\n");
    }
  }

  @Test
  void fewerIdenticalFailuresThanTheRuleAreModelDeadLetters() throws Exception {
    Bundle bundle = BundleLoader.load(ModelCannotRunBundle.write(tmp));
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      BatchScorer batch = scorer.newBatch(64);
      addRows(batch, BatchScorer.CANNOT_RUN_AFTER - 1);
      batch.score();
      for (int r = 0; r < BatchScorer.CANNOT_RUN_AFTER - 1; r++) {
        assertThat(batch.failure(r).kind()).isEqualTo(Reason.Kind.MODEL);
        assertThat(batch.failure(r).detail()).contains("Reshape");
      }
      batch.clear();
      addRows(batch, 1);                           // the 8th identical failure in a row, still none scored
      assertThatThrownBy(batch::score).isInstanceOf(ModelCannotRun.class);
    }
  }
}
