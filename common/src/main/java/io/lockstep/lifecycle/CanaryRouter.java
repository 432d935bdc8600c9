package io.lockstep.lifecycle;

import io.lockstep.features.Murmur3;
import java.nio.charset.StandardCharsets;

/**
 * Which arm scores a key during a canary (docs/spec.md, Model lifecycle): MurmurHash3 x86 32-bit
 * (seed 0) of the key's UTF-8 bytes, taken unsigned modulo {@value #BUCKETS}; the key goes to the
 * candidate when its bucket is below {@code percent * 100}. The arm depends on the key's text
 * only, never on a subtask, a partition, a process or a clock, so a key stays in its arm across
 * restarts, parallelism changes and levels, and raising the percent only moves keys from the
 * primary to the candidate (a key in the candidate at 5% is in it at 10%).
 *
 * <p>The hash is the one {@code hash_bucket} uses ({@link Murmur3}), so Python's
 * {@code mmh3.hash(key, 0, signed=False) % 10000} gives the same bucket.
 */
public final class CanaryRouter {
  /** Buckets: percent resolves to 0.01%. */
  public static final int BUCKETS = 10_000;
  private final int threshold;

  /** @param percent the share of keys routed to the candidate, 0..100; finer than 0.01 is rounded */
  public CanaryRouter(double percent) {
    if (Double.isNaN(percent) || percent < 0 || percent > 100) {
      throw new IllegalArgumentException("canary percent must be within 0..100, got " + percent);
    }
    this.threshold = (int) Math.round(percent * (BUCKETS / 100));
  }

  /** The key's bucket, 0..9999. */
  public static int bucket(byte[] utf8Key) {
    return (int) (Integer.toUnsignedLong(Murmur3.hash32(utf8Key, 0, utf8Key.length, 0)) % BUCKETS);
  }

  public static int bucket(String key) {
    return bucket(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the candidate scores this key. A record without a key (null) always stays with the primary. */
  public boolean toCandidate(String key) {
    return key != null && bucket(key) < threshold;
  }

  public boolean toCandidate(byte[] utf8Key) {
    return utf8Key != null && bucket(utf8Key) < threshold;
  }

  /** Buckets (of {@value #BUCKETS}) routed to the candidate. */
  public int threshold() {
    return threshold;
  }
}
