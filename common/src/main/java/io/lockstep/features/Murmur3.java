package io.lockstep.features;

import java.nio.charset.StandardCharsets;

/** MurmurHash3 x86 32-bit, as Python's {@code mmh3.hash(s, seed)}; used by {@code hash_bucket}. */
public final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** Hash of the UTF-8 bytes of {@code text}. */
  public static int hash32(CharSequence text, int seed) {
    byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
    return hash32(b, 0, b.length, seed);
  }

  public static int hash32(byte[] data, int offset, int len, int seed) {
    int h = seed;
    int end = offset + (len & ~3);
    for (int i = offset; i < end; i += 4) {
      int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (len & 3) {
      case 3:
        k ^= (data[end + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[end + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[end] & 0xff;
        h ^= mixK(k);
        break;
      default:
        break;
    }
    h ^= len;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }

  /** {@code hash_bucket: n}: the unsigned hash modulo {@code n}. */
  public static int bucket(CharSequence text, int buckets) {
    return (int) (Integer.toUnsignedLong(hash32(text, 0)) % buckets);
  }
}
