package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CanaryRouterTest {

  /**
   * Published MurmurHash3_x86_32 vectors, seed 0 (SMHasher; Python {@code mmh3.hash(s, signed=False)}):
   * "" = 0, "hello" = 613153351, "abc" = 0xB3DD93FA, "The quick brown fox jumps over the lazy dog" = 0x2E4FF723.
   * The bucket is the unsigned hash modulo 10,000.
   */
  @Test
  void bucketIsTheUnsignedMurmur3OfTheUtf8KeyModuloTenThousand() {
    assertThat(CanaryRouter.bucket("")).isEqualTo(0);
    assertThat(CanaryRouter.bucket("hello")).isEqualTo((int) (613153351L % 10_000));
    assertThat(CanaryRouter.bucket("abc")).isEqualTo((int) (0xB3DD93FAL % 10_000));
    assertThat(CanaryRouter.bucket("The quick brown fox jumps over the lazy dog")).isEqualTo((int) (0x2E4FF723L % 10_000));
    assertThat(CanaryRouter.bucket("é")).isEqualTo(CanaryRouter.bucket("é".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void tenPercentOfTwentyThousandKeysGoToTheCandidate() {
    CanaryRouter router = new CanaryRouter(10);
    int candidate = 0;
    for (int i = 0; i < 20_000; i++) {
      if (router.toCandidate("C" + (100_000 + i))) {
        candidate++;
      }
    }
    assertThat(candidate / 20_000.0).isBetween(0.085, 0.115);
  }

  @Test
  void aKeyInTheCandidateStaysThereWhenThePercentGrows() {
    CanaryRouter five = new CanaryRouter(5);
    CanaryRouter ten = new CanaryRouter(10);
    for (int i = 0; i < 5_000; i++) {
      String key = "key-" + i;
      if (five.toCandidate(key)) {
        assertThat(ten.toCandidate(key)).as(key).isTrue();
      }
      assertThat(new CanaryRouter(10).toCandidate(key)).isEqualTo(ten.toCandidate(key));
    }
  }

  @Test
  void boundsAndKeylessRecords() {
    assertThat(new CanaryRouter(0).toCandidate("hello")).isFalse();
    assertThat(new CanaryRouter(100).toCandidate("hello")).isTrue();
    assertThat(new CanaryRouter(100).toCandidate((String) null)).isFalse();
    assertThat(new CanaryRouter(0.5).threshold()).isEqualTo(50);
    assertThatThrownBy(() -> new CanaryRouter(100.5)).hasMessageContaining("within 0..100");
  }
}
