package io.lockstep.lifecycle;

import io.lockstep.bundle.Bundle;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.FieldType;
import io.lockstep.spec.WindowDef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Whether a bundle may replace, or run next to, the one a streaming job runs (docs/spec.md, Model
 * lifecycle), checked before anything is swapped:
 * <ul>
 *   <li><b>Input schema:</b> the same, or one that reads every record written with the running one
 *       (Avro schema resolution, the running {@code input.avsc} as writer, the candidate's as reader):
 *       the input topic keeps carrying records written for the running schema.</li>
 *   <li><b>Key and time:</b> the same {@code key} and {@code time} fields, and a time field of the same
 *       type (millis or micros): window state, canary routing and event time are defined by them.</li>
 *   <li><b>Windows:</b> the same window features in the same order, each with the same aggregation,
 *       field and length. Window state lives across a swap and cannot change meaning mid-stream;
 *       the names of features and their row ops may change freely.</li>
 * </ul>
 */
public final class BundleCompatibility {
  private BundleCompatibility() {}

  /** Empty when {@code candidate} may be deployed next to or instead of {@code running}, else the one-line reason. */
  public static Optional<String> check(Bundle running, Bundle candidate) {
    String reason = schema(running.inputSchema(), candidate.inputSchema());
    if (reason == null) {
      reason = keyAndTime(running, candidate);
    }
    if (reason == null) {
      reason = windows(running.spec(), candidate.spec());
    }
    return Optional.ofNullable(reason).map(r -> candidate.id() + " cannot replace " + running.id() + ": " + r);
  }

  private static String schema(Schema running, Schema candidate) {
    if (running.equals(candidate)) {
      return null;
    }
    SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(candidate, running);
    if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return null;
    }
    String detail = pair.getResult().getIncompatibilities().stream().findFirst()
        .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
        .orElse(pair.getDescription());
    return "its input.avsc cannot read records written with the running input.avsc: " + detail.replace('\n', ' ');
  }

  private static String keyAndTime(Bundle running, Bundle candidate) {
    FeatureSpec r = running.spec();
    FeatureSpec c = candidate.spec();
    if (!Objects.equals(r.key(), c.key())) {
      return "key is '" + c.key() + "', the running bundle's is '" + r.key() + "' (window state and canary routing are keyed by it)";
    }
    if (!Objects.equals(r.time(), c.time())) {
      return "time is '" + c.time() + "', the running bundle's is '" + r.time() + "' (window state is ordered by it)";
    }
    if (r.time() != null) {
      boolean rMicros = FieldType.of(running.inputSchema().getField(r.time()).schema()).micros();
      boolean cMicros = FieldType.of(candidate.inputSchema().getField(c.time()).schema()).micros();
      if (rMicros != cMicros) {
        return "time field '" + c.time() + "' is in " + unit(cMicros) + ", the running bundle's is in " + unit(rMicros);
      }
    }
    return null;
  }

  private static String unit(boolean micros) {
    return micros ? "microseconds" : "milliseconds";
  }

  private static String windows(FeatureSpec running, FeatureSpec candidate) {
    List<FeatureDef> r = running.windowFeatures();
    List<FeatureDef> c = candidate.windowFeatures();
    for (int i = 0; i < Math.max(r.size(), c.size()); i++) {
      if (i >= r.size()) {
        return "window feature '" + c.get(i).name() + "' (" + text(c.get(i).window()) + ") is new; window features cannot be added to a running job";
      }
      if (i >= c.size()) {
        return "window feature '" + r.get(i).name() + "' (" + text(r.get(i).window()) + ") is missing; window features cannot be removed from a running job";
      }
      WindowDef rw = r.get(i).window();
      WindowDef cw = c.get(i).window();
      if (rw.agg() != cw.agg() || !Objects.equals(rw.of(), cw.of()) || rw.overMillis() != cw.overMillis()) {
        return "window feature " + (i + 1) + " '" + c.get(i).name() + "' is " + text(cw) + ", the running bundle's '"
            + r.get(i).name() + "' is " + text(rw) + "; window definitions cannot change in a running job";
      }
    }
    return null;
  }

  private static String text(WindowDef w) {
    return "{agg: " + w.agg().name().toLowerCase(java.util.Locale.ROOT) + (w.of() == null ? "" : ", of: " + w.of())
        + ", over: " + w.overText() + "}";
  }
}
