package io.lockstep.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.TestBundles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scorers are shared per bundle, not per model: the prediction fields come from the bundle's spec. */
class SharedScorersTest {
  @TempDir
  Path tmp;

  @Test
  void twoBundlesSharingAModelButNotTheirOutputsGetTheirOwnScorer() throws Exception {
    Bundle a = BundleLoader.load(TestBundles.copyOfGolden("lr", tmp.resolve("a")));
    Bundle b = BundleLoader.load(TestBundles.lrWithOutputs(TestBundles.STAY_OUTPUTS, "stay", tmp.resolve("b")));
    assertThat(b.modelSha256()).isEqualTo(a.modelSha256());
    assertThat(b.identity()).isNotEqualTo(a.identity());

    OnnxScorer sa = SharedScorers.acquire(a, ScorerOptions.defaults());
    OnnxScorer sb = SharedScorers.acquire(b, ScorerOptions.defaults());
    try {
      assertThat(sb).isNotSameAs(sa);
      assertThat(sa.fields()).extracting(PredictionField::name).containsExactly("score", "label");
      assertThat(sb.fields()).extracting(PredictionField::name).containsExactly("stay");
      OnnxScorer sameAsA = SharedScorers.acquire(BundleLoader.load(a.dir()), ScorerOptions.defaults());
      assertThat(sameAsA).isSameAs(sa);
      SharedScorers.release(sameAsA);
    } finally {
      SharedScorers.release(sa);
      SharedScorers.release(sb);
    }
  }
}
