package io.lockstep.streaming.window;

import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;

/**
 * One key's window state in Flink keyed state: the live {@link KeyWindowState} while the key is
 * processed, or its bytes ({@link KeyWindowState#toBytes()}) after a restore. On the heap state
 * backend the live object stays in the state table between events, so an event costs no
 * serialisation; bytes are written only by checkpoints and savepoints (and by RocksDB on update).
 */
public final class WindowStateCell {
  /** {@link #expiryTimer} when no expiry timer is known to be pending. */
  static final long NO_TIMER = Long.MIN_VALUE;

  private byte[] bytes;
  /**
   * The key's pending expiry timer, or {@link #NO_TIMER} when none is known: not serialised, so a
   * restored or copied cell (and every RocksDB read) registers one again; Flink keeps one timer per
   * time, and a surplus one only checks the state and goes.
   */
  long expiryTimer = NO_TIMER;
  private KeyWindowState live;

  WindowStateCell() {}

  WindowStateCell(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The live state, restored from bytes on first use. */
  KeyWindowState state(WindowSet windows) {
    if (live == null) {
      live = bytes == null ? windows.newState() : windows.fromBytes(bytes);
      bytes = null;
    }
    return live;
  }

  byte[] toBytes() {
    return live != null ? live.toBytes() : bytes == null ? new byte[0] : bytes;
  }
}
