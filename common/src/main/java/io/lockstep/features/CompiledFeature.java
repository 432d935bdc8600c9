package io.lockstep.features;

import io.lockstep.deadletter.Reason;
import io.lockstep.spec.FeatureDef;
import io.lockstep.spec.FieldType;
import io.lockstep.spec.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One feature ready to evaluate: its input (a field position or a window slot), its ops and the
 * columns it writes. Evaluation follows docs/spec.md, features.yaml exactly: null/NaN before the first op is
 * {@code missing:<field>} unless the ops start with {@code impute}; a non-finite result is
 * {@code nan:<feature>}.
 */
final class CompiledFeature {
  private final String name;
  private final String field;
  private final int fieldIndex;
  private final int windowSlot;
  private final FieldType type;
  private final Op[] ops;
  private final int column;
  private final Reason missingReason;
  private final Reason nanReason;
  private final Op.OneHot oneHot;
  /**
   * The one-hot values as UTF-8, to match an Avro {@code Utf8} value by its bytes without making a
   * String per record; null unless every value survives UTF-8 encoding unchanged and holds no U+FFFD
   * (what malformed bytes decode to), the cases where only the String comparison is exact.
   */
  private final byte[][] oneHotUtf8;

  CompiledFeature(FeatureDef def, int fieldIndex, int windowSlot, FieldType type, int column) {
    this.name = def.name();
    this.field = def.from();
    this.fieldIndex = fieldIndex;
    this.windowSlot = windowSlot;
    this.type = type;
    List<Op> list = def.ops();
    this.ops = list.toArray(new Op[0]);
    this.column = column;
    this.missingReason = Reason.missing(def.from() == null ? def.name() : def.from());
    this.nanReason = Reason.nan(def.name());
    this.oneHot = !list.isEmpty() && list.get(list.size() - 1) instanceof Op.OneHot h ? h : null;
    this.oneHotUtf8 = oneHot == null || !oneHot.values().stream().allMatch(CompiledFeature::matchableAsUtf8) ? null
        : oneHot.values().stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  int width() {
    return oneHot == null ? 1 : oneHot.values().size();
  }

  String name() {
    return name;
  }

  /** Writes this feature's columns into {@code out} at {@code base}; returns a reason or null. */
  Reason evaluate(FieldAccessor record, double[] windowValues, float[] out, int base) {
    Object cur;
    boolean missing;
    if (windowSlot >= 0) {
      double v = windowValues[windowSlot];
      cur = v;
      missing = Double.isNaN(v);
      if (missing && !(ops.length > 0 && ops[0] instanceof Op.Impute)) {
        return nanReason;
      }
    } else {
      cur = record.get(fieldIndex);
      missing = cur == null || (cur instanceof Double d && d.isNaN()) || (cur instanceof Float f && f.isNaN());
    }
    int i = 0;
    if (missing) {
      if (ops.length == 0 || !(ops[0] instanceof Op.Impute imp)) {
        return missingReason;
      }
      cur = type.kind() == FieldType.Kind.STRING ? imp.text() : (Object) imp.value();
      i = 1;
    }
    // `cur` keeps the raw value (exact text of a long, say) until a numeric op turns it into a double.
    double x = 0;
    boolean numeric = false;
    for (; i < ops.length; i++) {
      Op op = ops[i];
      if (op instanceof Op.OneHot h) {
        if (!numeric && cur instanceof org.apache.avro.util.Utf8 u && oneHotUtf8 != null) {
          // Valid UTF-8 decodes and re-encodes to itself, so equal bytes <=> equal text; malformed
          // bytes decode to U+FFFD, which no value holds here, so they match nothing either way.
          for (int j = 0; j < oneHotUtf8.length; j++) {
            out[base + column + j] = sameBytes(oneHotUtf8[j], u) ? 1f : 0f;
          }
          return null;
        }
        String text = numeric ? ValueText.ofNumber(x) : ValueText.of(cur);
        List<String> values = h.values();
        for (int j = 0; j < values.size(); j++) {
          out[base + column + j] = values.get(j).equals(text) ? 1f : 0f;
        }
        return null;
      }
      if (op instanceof Op.HashBucket hb) {
        String text = numeric ? ValueText.ofNumber(x) : ValueText.of(cur);
        x = Murmur3.bucket(text, hb.buckets());
        numeric = true;
        continue;
      }
      if (!numeric) {
        x = toDouble(cur);
        numeric = true;
      }
      x = apply(op, x);
    }
    if (!numeric) {
      x = toDouble(cur);
    }
    if (!Double.isFinite(x)) {
      return nanReason;
    }
    out[base + column] = (float) x;
    return null;
  }

  private static boolean matchableAsUtf8(String v) {
    return v.indexOf('\uFFFD') < 0 && new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(v);
  }

  private static boolean sameBytes(byte[] value, org.apache.avro.util.Utf8 u) {
    return value.length == u.getByteLength() && java.util.Arrays.equals(value, 0, value.length, u.getBytes(), 0, value.length);
  }

  private static double apply(Op op, double x) {
    if (op instanceof Op.Impute imp) {
      return Double.isNaN(x) ? imp.value() : x;
    } else if (op instanceof Op.Standardize s) {
      return (x - s.mean()) / s.std();
    } else if (op instanceof Op.MinMax m) {
      return (x - m.min()) / (m.max() - m.min());
    } else if (op instanceof Op.Log1p) {
      return Math.log1p(x);
    } else if (op instanceof Op.Clip c) {
      return Double.isNaN(x) ? x : Math.min(c.max(), Math.max(c.min(), x));
    } else if (op instanceof Op.Bucketize b) {
      return bucketize(b.boundaries(), x);
    }
    throw new IllegalStateException("op " + op.name() + " is not numeric");
  }

  /** The number of boundaries {@code <= x} (binary search); NaN stays NaN so it is reported. */
  static double bucketize(double[] bounds, double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    int lo = 0;
    int hi = bounds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (bounds[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double toDouble(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    throw new IllegalStateException("value '" + v + "' is not a number");
  }
}
