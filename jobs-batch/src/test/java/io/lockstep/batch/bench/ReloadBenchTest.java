package io.lockstep.batch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reload benchmark runs its swaps and reports RSS (figures live in docs/operations.md, not in assertions). */
class ReloadBenchTest {
  @Test
  void swapsBundlesAndReportsRssEveryHundredSwaps() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Path> bundles = List.of(GoldenFixture.of("lr").bundle(), GoldenFixture.of("trees").bundle());
    ReloadBench.Result r = new ReloadBench(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(bundles, 200, 16);
    assertThat(r.rssAfter100Kb()).isPositive();
    assertThat(r.rssAfterLastKb()).isPositive();
    assertThat(r.swaps()).isEqualTo(200);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("reload bench: 200 swaps over 2 bundles").contains("RSS after 100 swaps").contains("ratio");
    assertThat(ReloadBench.rssKb()).isPositive();
  }

  @Test
  void needsAtLeastAHundredSwaps() {
    assertThatThrownBy(() -> new ReloadBench(System.out).run(List.of(GoldenFixture.of("lr").bundle()), 50, 16))
        .hasMessageContaining("--swaps must be >= 100");
  }
}
