package io.lockstep.batch.spark;

import io.lockstep.window.KeyWindowState;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The window states of one partition pass in {@link WindowOrder}: rows come in runs of equal key
 * hash, each key's events in window order, and two keys interleave only when their hashes collide.
 * One state per distinct key of the current run, so colliding keys never share a state; all of
 * them are dropped when the next run starts. The usual run holds one key: then this is one string
 * comparison per row and no map at all.
 */
final class HashRunStates {
  private final Supplier<KeyWindowState> fresh;
  private boolean started;
  private long run;
  private String key;
  private KeyWindowState state;
  /** Every key of the current run and its state, once a second key shows up in it; else null. */
  private Map<String, KeyWindowState> colliding;

  HashRunStates(Supplier<KeyWindowState> fresh) {
    this.fresh = fresh;
  }

  /** The state of {@code key}, whose row belongs to hash run {@code run}. */
  KeyWindowState of(long run, String key) {
    if (!started || run != this.run) {
      started = true;
      this.run = run;
      colliding = null;
      return use(key, fresh.get());
    }
    if (key.equals(this.key)) {
      return state;
    }
    if (colliding == null) {
      colliding = new HashMap<>();
      colliding.put(this.key, state);
    }
    return use(key, colliding.computeIfAbsent(key, k -> fresh.get()));
  }

  /** Keys that had a state in the current run (1 unless hashes collided). */
  int keysInRun() {
    return colliding == null ? (started ? 1 : 0) : colliding.size();
  }

  private KeyWindowState use(String key, KeyWindowState state) {
    this.key = key;
    this.state = state;
    return state;
  }
}
