package io.lockstep.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Published MurmurHash3_x86_32 vectors (SMHasher / Python mmh3). */
class Murmur3Test {
  @Test
  void matchesReferenceVectors() {
    assertThat(Murmur3.hash32("", 0)).isZero();
    assertThat(Murmur3.hash32("", 1)).isEqualTo(0x514E28B7);
    assertThat(Integer.toUnsignedLong(Murmur3.hash32("hello", 0))).isEqualTo(613153351L);
    assertThat(Murmur3.hash32("The quick brown fox jumps over the lazy dog", 0x9747b28c)).isEqualTo(0x2FA826CD);
    assertThat(Murmur3.hash32("aaaa", 0x9747b28c)).isEqualTo(0x5A97808A);
    assertThat(Murmur3.hash32("abc", 0)).isEqualTo(0xB3DD93FA);
  }

  @Test
  void hashesUtf8Bytes() {
    byte[] utf8 = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Murmur3.hash32("é", 0)).isEqualTo(Murmur3.hash32(utf8, 0, utf8.length, 0));
  }
}
