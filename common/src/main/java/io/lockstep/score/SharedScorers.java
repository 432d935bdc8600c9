package io.lockstep.score;

import io.lockstep.bundle.Bundle;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link OnnxScorer} per bundle per JVM, shared by every task of a Spark executor or Flink task
 * manager: ORT sessions are thread-safe and hold the model's weights in native memory once.
 * Reference-counted so that the last task to release a model closes its session, never while
 * another task still scores with it.
 *
 * <p>Keyed by the bundle's {@linkplain Bundle#identity() identity} (sha256 of {@code bundle.yaml},
 * which covers every file) and the options, not by the model's sha256: a scorer carries the
 * prediction fields of its spec's {@code model.outputs}, so two bundles that share a
 * {@code model.onnx} but name or index its outputs differently need a scorer each.
 */
public final class SharedScorers {
  private static final Map<String, Entry> SCORERS = new HashMap<>();

  private SharedScorers() {}

  private static final class Entry {
    final OnnxScorer scorer;
    int refs;

    Entry(OnnxScorer scorer) {
      this.scorer = scorer;
    }
  }

  public static synchronized OnnxScorer acquire(Bundle bundle, ScorerOptions options) {
    String id = key(bundle, options);
    Entry e = SCORERS.get(id);
    if (e == null) {
      e = new Entry(OnnxScorer.open(bundle, options));
      SCORERS.put(id, e);
    }
    e.refs++;
    return e.scorer;
  }

  static String key(Bundle bundle, ScorerOptions options) {
    return bundle.identity() + "|" + options;
  }

  /** How many holders the ORT sessions of the bundle with this identity have (all options together): 0 once all are released. */
  public static synchronized int references(String bundleIdentity) {
    int refs = 0;
    for (Map.Entry<String, Entry> en : SCORERS.entrySet()) {
      if (en.getKey().startsWith(bundleIdentity + "|")) {
        refs += en.getValue().refs;
      }
    }
    return refs;
  }

  public static synchronized void release(OnnxScorer scorer) {
    SCORERS.entrySet().removeIf(en -> {
      if (en.getValue().scorer == scorer && --en.getValue().refs == 0) {
        scorer.close();
        return true;
      }
      return false;
    });
  }
}
