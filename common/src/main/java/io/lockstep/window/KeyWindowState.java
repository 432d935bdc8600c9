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
  final SlidingAggregate[] aggregates;
  long lastTime = Long.MIN_VALUE;

  KeyWindowState(SlidingAggregate[] aggregates) {
    this.aggregates = aggregates;
  }

  /** Time of the newest event seen, {@link Long#MIN_VALUE} if none. */
  public long lastTime() {
    return lastTime;
  }

  /** Compact binary form, for Flink keyed state, checkpoints and savepoints. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(serializedBytes());
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeLong(lastTime);
      for (SlidingAggregate a : aggregates) {
        a.write(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void readFrom(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      lastTime = in.readLong();
      for (SlidingAggregate a : aggregates) {
        a.read(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("window state is corrupt or from another spec", e);
    }
  }

  /** Size of {@link #toBytes()}. */
  public int serializedBytes() {
    int n = 8;
    for (SlidingAggregate a : aggregates) {
      n += a.serializedBytes();
    }
    return n;
  }
}
