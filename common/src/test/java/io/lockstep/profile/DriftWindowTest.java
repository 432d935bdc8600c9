package io.lockstep.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tumbling drift windows with sampling (docs/spec.md, Drift), driven by a hand-held clock over 100
 * scored rows of the golden lr model: one row in {@code sampleEvery} is binned, starting with the
 * first; a window whose time is up closes only once it has {@code minRecords} binned rows; a window
 * closes at {@code maxRecords} rows whatever its time, and its PSI is over its binned rows only.
 */
class DriftWindowTest {
  @Test
  void aWindowWaitsForEnoughBinnedRowsAfterItsTimeAndClosesAtItsRecordCount() throws Exception {
    Bundle bundle = BundleLoader.load(GoldenFixture.of("lr").bundle());
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      BatchScorer batch = scorer.newBatch(100);
      Random rnd = new Random(1);
      for (int r = 0; r < 100; r++) {
        float[] row = new float[batch.width()];
        for (int i = 0; i < row.length; i++) {
          row[i] = (float) rnd.nextGaussian();
        }
        batch.addRow(row);
      }
      batch.score();
      ProfileBuilder reference = new ProfileBuilder(bundle.id(), pipeline.columnNames(), scorer.fields());
      for (int r = 0; r < 100; r++) {
        reference.scored(batch.featureRow(r), batch, r);
      }
      Profile profile = reference.build("test", 100, 100, Map.of());
      DriftWindow w = new DriftWindow(profile, pipeline.columnNames(), scorer.fields(), new DriftWindow.Settings(1_000, 1_000, 50, 0.2, 4));

      // rows 1..99 at t=0, then t=2,000 (past the 1 s limit): binned are rows 1, 5, 9, …, so the 50th binned is row 197
      DriftWindow.Closed first = null;
      int row = 0;
      while (first == null) {
        row++;
        first = w.scored(batch, row % 100, row < 100 ? 0 : 2_000);
      }
      assertThat(row).isEqualTo(197);
      assertThat(first.records()).isEqualTo(197);
      assertThat(first.start()).isZero();
      assertThat(first.end()).isEqualTo(2_000);
      assertThat(first.psi()).hasSize(w.columns().size()).allSatisfy(p -> assertThat(Arrays.stream(p.counts()).sum()).isEqualTo(50));

      // the next window starts at 2,000 and its time never runs out: it closes at 1,000 rows, 250 of them binned
      DriftWindow.Closed second = null;
      int rows = 0;
      while (second == null) {
        rows++;
        second = w.scored(batch, (row + rows) % 100, 2_500);
      }
      assertThat(rows).isEqualTo(1_000);
      assertThat(second.records()).isEqualTo(1_000);
      assertThat(second.psi()).allSatisfy(p -> assertThat(Arrays.stream(p.counts()).sum()).isEqualTo(250));
    }
  }
}
