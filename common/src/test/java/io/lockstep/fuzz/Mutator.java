package io.lockstep.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded mutations of valid inputs, the classic ones of byte-level fuzzers: flip bits, overwrite,
 * insert or delete bytes, truncate, duplicate a slice, splice in bytes that matter to parsers
 * (quotes, commas, line breaks, braces, high bytes, varint extremes). Each call draws from the
 * generator it was given, so a seed reproduces the whole sequence.
 */
public final class Mutator {
  private static final byte[] INTERESTING = {'"', ',', '\n', '\r', '{', '}', '[', ':', '\\', 0, (byte) 0x80, (byte) 0xC3,
      (byte) 0xFF, (byte) 0xFE, (byte) 0xED, 0x7F, 0x01, (byte) 0xC0};

  private final Random random;

  public Mutator(Random random) {
    this.random = random;
  }

  /** One to four mutations of {@code input} (never modified). */
  public byte[] mutate(byte[] input) {
    byte[] b = input.clone();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      b = once(b);
    }
    return b;
  }

  private byte[] once(byte[] b) {
    if (b.length == 0) {
      return randomBytes(1 + random.nextInt(32));
    }
    int at = random.nextInt(b.length);
    switch (random.nextInt(8)) {
      case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> b[at] = (byte) random.nextInt(256);
      case 2 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
      case 3 -> {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = INTERESTING[random.nextInt(INTERESTING.length)];
        System.arraycopy(b, at, out, at + 1, b.length - at);
        return out;
      }
      case 4 -> {
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        return out;
      }
      case 5 -> {
        return Arrays.copyOf(b, at);
      }
      case 6 -> {
        int len = Math.min(b.length - at, 1 + random.nextInt(64));
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at + len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
      }
      default -> {
        // a varint at its extremes: huge lengths and counts are what binary decoders trip on
        byte[] varint = random.nextBoolean() ? new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}
            : new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, 0x01};
        byte[] out = new byte[b.length + varint.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(varint, 0, out, at, varint.length);
        System.arraycopy(b, at, out, at + varint.length, b.length - at);
        return out;
      }
    }
    return b;
  }

  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** The seed of a fuzz suite: {@code -Dlockstep.fuzz.seed=N} reproduces a failure, the default is fixed. */
  public static long seed() {
    return Long.getLong("lockstep.fuzz.seed", 20261203L);
  }

  /** Cases per property: {@code -Dlockstep.fuzz.cases=N} runs more, the default keeps the suite in seconds. */
  public static int cases(int byDefault) {
    return Integer.getInteger("lockstep.fuzz.cases", byDefault);
  }
}
