package io.lockstep.window;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * All window features' state for one key, plus the time of the newest event (for expiry). Not
 * thread-safe: one key is processed by one thread at a time on every level.
 */
public final class KeyWindowState {
  /** First byte of the compact format (see {@link #readFrom}). */
  static final byte COMPACT = 0x02;

  final SlidingAggregate[] aggregates;
  long lastTime = Long.MIN_VALUE;

  KeyWindowState(SlidingAggregate[] aggregates) {
    this.aggregates = aggregates;
  }

  /** Time of the newest event seen, {@link Long#MIN_VALUE} if none. */
  public long lastTime() {
    return lastTime;
  }

  /**
   * Compact binary form, for Flink keyed state, checkpoints and savepoints: a format byte
   * ({@link #COMPACT}), the newest event time as a varint, then each aggregator with its times as
   * varint distances (2–4 bytes instead of 8) and its values and exact-sum partials as 8-byte
   * doubles, so sums stay bit-exact across a restore.
   */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(COMPACT);
      VarInts.writeLong(out, lastTime);
      for (SlidingAggregate a : aggregates) {
        a.write(out, lastTime);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@link #toBytes()}, or the first, fixed-width format that savepoints taken before the
   * compact one hold: it began with the newest time as an 8-byte big-endian long, whose first byte
   * is 0x00 (times from 1970 to year 2.28 million), 0x80 (no event) or 0xFF (before 1970) — never
   * {@link #COMPACT}.
   */
  void readFrom(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      boolean fixedWidth = data.length > 0 && data[0] != COMPACT;
      if (fixedWidth) {
        lastTime = in.readLong();
      } else {
        in.readByte();
        lastTime = VarInts.readLong(in);
      }
      for (SlidingAggregate a : aggregates) {
        a.read(in, lastTime, fixedWidth);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("window state is corrupt or from another spec", e);
    }
  }

  /** Size of {@link #toBytes()}. */
  public int serializedBytes() {
    return toBytes().length;
  }
}
