package io.lockstep.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Parses {@code features.yaml} (YAML 1.2 core schema: {@code NO}, {@code on}, {@code y} stay strings)
 * and validates it against the input Avro schema. Every error names the file, the feature and what
 * to fix, because the person reading it is editing that file.
 */
public final class SpecParser {

  private static final Set<String> TOP_KEYS = Set.of("key", "time", "features", "model");
  private static final Set<String> FEATURE_KEYS = Set.of("name", "from", "ops", "window");
  private static final Set<String> WINDOW_KEYS = Set.of("agg", "of", "over");
  private static final Set<String> MODEL_KEYS = Set.of("input", "outputs");
  private static final Set<String> OUTPUT_KEYS = Set.of("output", "index");

  private final String file;
  private final Schema input;

  private SpecParser(String file, Schema input) {
    this.file = file;
    this.input = input;
  }

  /** Parses and validates the spec at {@code path} against {@code input}. */
  public static FeatureSpec parse(Path path, Schema input) {
    return parse(path, path.getFileName().toString(), input);
  }

  /** Parses and validates the spec at {@code path}; {@code name} is how messages name the file. */
  public static FeatureSpec parse(Path path, String name, Schema input) {
    return new SpecParser(name, input).parseRoot(BoundedYaml.load(path, name));
  }

  /** Parses and validates spec text; {@code file} names it in messages. */
  public static FeatureSpec parse(String yaml, String file, Schema input) {
    return new SpecParser(file, input).parseRoot(BoundedYaml.load(yaml, file));
  }

  private FeatureSpec parseRoot(Object root) {
    Map<String, Object> top = map(root, "the document", "a mapping with features: and model:");
    checkKeys(top, TOP_KEYS, "the top level");
    String key = optionalString(top, "key", "key");
    String time = optionalString(top, "time", "time");
    if (key != null) {
      requireField(key, "key:");
    }
    if (time != null) {
      FieldType t = requireField(time, "time:");
      if (t.kind() != FieldType.Kind.LONG) {
        throw fail("time: field '" + time + "' is " + t.kind().name().toLowerCase() + " in input.avsc; it must be a long of epoch milliseconds (or timestamp-millis/micros)");
      }
    }
    Object featuresNode = top.get("features");
    if (!(featuresNode instanceof List<?> list) || list.isEmpty()) {
      throw fail("features: must be a non-empty list of features");
    }
    List<FeatureDef> features = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      FeatureDef f = feature(list.get(i), i, key, time);
      if (!names.add(f.name())) {
        throw fail("feature '" + f.name() + "' is defined twice; feature names must be unique");
      }
      features.add(f);
    }
    ModelSpec model = model(top.get("model"));
    return new FeatureSpec(key, time, features, model);
  }

  private FeatureDef feature(Object node, int index, String key, String time) {
    Map<String, Object> m = map(node, "features[" + index + "]", "a mapping with name: and from: or window:");
    Object nameNode = m.get("name");
    if (!(nameNode instanceof String name) || name.isBlank()) {
      throw fail("features[" + index + "] has no name: give every feature a name");
    }
    String where = "feature '" + name + "'";
    checkKeys(m, FEATURE_KEYS, where);
    String from = optionalString(m, "from", where + " from:");
    Object windowNode = m.get("window");
    if ((from == null) == (windowNode == null)) {
      throw fail(where + " must have exactly one of from: (a row feature) or window: (a window feature)");
    }
    List<Op> ops = ops(m.get("ops"), where);
    WindowDef window = null;
    FieldType input;
    if (windowNode != null) {
      if (key == null || time == null) {
        throw fail(where + " is a window feature: set key: and time: at the top of the spec");
      }
      window = window(windowNode, where);
      input = new FieldType(FieldType.Kind.DOUBLE, true, false);
    } else {
      input = requireField(from, where + " from:");
    }
    checkOps(ops, input, where, from);
    return new FeatureDef(name, from, window, ops);
  }

  private WindowDef window(Object node, String where) {
    Map<String, Object> w = map(node, where + " window:", "a mapping {agg, of?, over}");
    checkKeys(w, WINDOW_KEYS, where + " window:");
    String aggName = optionalString(w, "agg", where + " window.agg");
    Aggregation agg = aggName == null ? null : Aggregation.parse(aggName);
    if (agg == null) {
      throw fail(where + " window.agg is '" + aggName + "': use one of count, sum, mean, min, max");
    }
    String of = optionalString(w, "of", where + " window.of");
    if (agg == Aggregation.COUNT && of != null) {
      throw fail(where + " window: count counts events and takes no of: field; remove of: '" + of + "'");
    }
    if (agg != Aggregation.COUNT) {
      if (of == null) {
        throw fail(where + " window: " + agg.yamlName() + " needs of: <numeric field>");
      }
      FieldType t = requireField(of, where + " window.of");
      if (!t.isNumeric()) {
        throw fail(where + " window.of field '" + of + "' is " + t.kind().name().toLowerCase() + "; " + agg.yamlName() + " needs a numeric field");
      }
    }
    Object overNode = w.get("over");
    if (overNode == null) {
      throw fail(where + " window: needs over: (e.g. 1h, 90s, 7d)");
    }
    try {
      return new WindowDef(agg, of, WindowDef.parseDuration(String.valueOf(overNode)), String.valueOf(overNode));
    } catch (IllegalArgumentException e) {
      throw fail(where + " window.over " + e.getMessage());
    }
  }

  private List<Op> ops(Object node, String where) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list)) {
      throw fail(where + " ops: must be a list, e.g. ops: [ {impute: 0.0}, log1p ]");
    }
    List<Op> ops = new ArrayList<>();
    for (Object opNode : list) {
      ops.add(op(opNode, where));
    }
    return ops;
  }

  private Op op(Object node, String where) {
    String name;
    Object arg;
    if (node instanceof String s) {
      name = s;
      arg = null;
    } else if (node instanceof Map<?, ?> m && m.size() == 1) {
      Map.Entry<?, ?> e = m.entrySet().iterator().next();
      name = String.valueOf(e.getKey());
      arg = e.getValue();
    } else {
      throw fail(where + " has an op that is neither a name nor a one-entry mapping: " + node);
    }
    String at = where + " op " + name;
    return switch (name) {
      case "impute" -> {
        if (arg instanceof Number n) {
          yield new Op.Impute(n.doubleValue(), text(arg));
        }
        if (arg instanceof String || arg instanceof Boolean) {
          yield new Op.Impute(Double.NaN, text(arg));
        }
        throw fail(at + " needs a value: impute: 0.0");
      }
      case "standardize" -> {
        Map<String, Object> m = map(arg, at, "{mean: <number>, std: <number>}");
        checkKeys(m, Set.of("mean", "std"), at);
        yield new Op.Standardize(number(m, "mean", at, true), number(m, "std", at, true));
      }
      case "min_max" -> {
        Map<String, Object> m = map(arg, at, "{min: <number>, max: <number>}");
        checkKeys(m, Set.of("min", "max"), at);
        yield new Op.MinMax(number(m, "min", at, true), number(m, "max", at, true));
      }
      case "log1p" -> {
        if (arg != null) {
          throw fail(at + " takes no argument: write it as a bare log1p");
        }
        yield new Op.Log1p();
      }
      case "clip" -> {
        Map<String, Object> m = map(arg, at, "{min?: <number>, max?: <number>}");
        checkKeys(m, Set.of("min", "max"), at);
        double min = m.containsKey("min") ? number(m, "min", at, true) : Double.NEGATIVE_INFINITY;
        double max = m.containsKey("max") ? number(m, "max", at, true) : Double.POSITIVE_INFINITY;
        if (m.isEmpty()) {
          throw fail(at + " needs min:, max: or both");
        }
        if (min > max) {
          throw fail(at + " has min " + min + " > max " + max);
        }
        yield new Op.Clip(min, max);
      }
      case "bucketize" -> {
        if (!(arg instanceof List<?> l) || l.isEmpty()) {
          throw fail(at + " needs a non-empty list of increasing boundaries, e.g. bucketize: [18, 30, 50]");
        }
        double[] b = new double[l.size()];
        for (int i = 0; i < b.length; i++) {
          if (!(l.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw fail(at + " boundary " + (i + 1) + " is '" + l.get(i) + "', not a finite number");
          }
          b[i] = n.doubleValue();
          if (i > 0 && !(b[i] > b[i - 1])) {
            throw fail(at + " boundaries must be strictly increasing: " + l.get(i - 1) + " is followed by " + l.get(i));
          }
        }
        yield new Op.Bucketize(b);
      }
      case "one_hot" -> {
        if (!(arg instanceof List<?> l) || l.isEmpty()) {
          throw fail(at + " needs a non-empty list of values, e.g. one_hot: [US, DE, FR]");
        }
        List<String> values = new ArrayList<>();
        for (Object v : l) {
          if (v == null || v instanceof Map || v instanceof List) {
            throw fail(at + " value '" + v + "' must be a scalar");
          }
          values.add(text(v));
        }
        if (new HashSet<>(values).size() != values.size()) {
          throw fail(at + " lists a value twice: " + values);
        }
        yield new Op.OneHot(values);
      }
      case "hash_bucket" -> {
        if (!(arg instanceof Integer || arg instanceof Long) || ((Number) arg).longValue() <= 0
            || ((Number) arg).longValue() > Integer.MAX_VALUE) {
          throw fail(at + " needs a positive integer number of buckets, e.g. hash_bucket: 1024");
        }
        yield new Op.HashBucket(((Number) arg).intValue());
      }
      default -> throw fail(where + " has unknown op '" + name
          + "': use impute, standardize, min_max, log1p, clip, bucketize, one_hot or hash_bucket");
    };
  }

  /** Checks that the ops can be applied in order to a value of the input field's type. */
  private void checkOps(List<Op> ops, FieldType input, String where, String from) {
    boolean text = input.kind() == FieldType.Kind.STRING;
    if (input.kind() == FieldType.Kind.OTHER) {
      throw fail(where + " reads field '" + from + "' whose Avro type is not a number, boolean or string");
    }
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op instanceof Op.OneHot && i != ops.size() - 1) {
        throw fail(where + " has one_hot before another op: one_hot makes several columns and must be the last op");
      }
      if (op instanceof Op.Impute imp) {
        if (text && imp.text() == null) {
          throw fail(where + " impute value must be given");
        }
        if (!text && Double.isNaN(imp.value())) {
          throw fail(where + " impute value '" + imp.text() + "' is not a number but the value is numeric here");
        }
        continue;
      }
      if (op.readsText()) {
        if (input.kind() == FieldType.Kind.FLOAT || input.kind() == FieldType.Kind.DOUBLE) {
          if (op instanceof Op.HashBucket) {
            throw fail(where + " hash_bucket needs a string or integer field, but '" + from + "' is " + input.kind().name().toLowerCase());
          }
        }
        if (!text && from == null) {
          throw fail(where + " " + op.name() + " needs text, but a window aggregate is a number");
        }
        text = false;
        continue;
      }
      if (text) {
        throw fail(where + " op " + op.name() + " needs a number, but field '" + from
            + "' is a string: add hash_bucket or one_hot first, or pick a numeric field");
      }
    }
    if (text) {
      throw fail(where + " passes string field '" + from + "' through: a feature must end as a number; add one_hot or hash_bucket");
    }
  }

  private ModelSpec model(Object node) {
    Map<String, Object> m = map(node, "model:", "a mapping with input: and outputs:");
    checkKeys(m, MODEL_KEYS, "model:");
    String inputName = optionalString(m, "input", "model.input");
    if (inputName == null || inputName.isBlank()) {
      throw fail("model.input must name the ONNX input that receives the [N, F] float32 tensor");
    }
    Map<String, Object> outs = map(m.get("outputs"), "model.outputs", "a mapping of prediction field -> {output, index?}");
    if (outs.isEmpty()) {
      throw fail("model.outputs must name at least one prediction field");
    }
    Map<String, OutputRef> refs = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : outs.entrySet()) {
      String at = "model.outputs." + e.getKey();
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw fail(at + ": prediction field names must be valid Avro names ([A-Za-z_][A-Za-z0-9_]*)");
      }
      Map<String, Object> o = map(e.getValue(), at, "{output: <onnx output name>, index?: <column>}");
      checkKeys(o, OUTPUT_KEYS, at);
      String output = optionalString(o, "output", at + ".output");
      if (output == null) {
        throw fail(at + " needs output: <name of the ONNX output>");
      }
      Object index = o.get("index");
      if (index instanceof Map || index instanceof List) {
        throw fail(at + ".index must be a column number or a class label");
      }
      refs.put(e.getKey(), new OutputRef(output, index == null ? null : text(index)));
    }
    return new ModelSpec(inputName, refs);
  }

  private FieldType requireField(String name, String where) {
    Schema.Field field = input.getField(name);
    if (field == null) {
      List<String> known = input.getFields().stream().map(Schema.Field::name).toList();
      throw fail(where + " names field '" + name + "', which input.avsc does not have; fields are " + known);
    }
    return FieldType.of(field.schema());
  }

  private void checkKeys(Map<String, Object> m, Set<String> allowed, String where) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        throw fail(where + " has unknown key '" + k + "'; allowed: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private String optionalString(Map<String, Object> m, String k, String where) {
    Object v = m.get(k);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw fail(where + " must be a plain name, not " + v);
    }
    return text(v);
  }

  private double number(Map<String, Object> m, String k, String where, boolean required) {
    Object v = m.get(k);
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw fail(where + " " + k + ": must be a finite number, got '" + v + "'");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object node, String where, String expected) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), e.getValue());
      }
      return out;
    }
    throw fail(where + " must be " + expected + (node == null ? " (it is missing)" : ", got '" + node + "'"));
  }

  /** YAML scalars as text, the way one_hot compares values: integers without a decimal point. */
  static String text(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    if (v instanceof java.math.BigInteger b) {
      return b.toString();
    }
    return String.valueOf(v);
  }

  private SpecException fail(String message) {
    return new SpecException(file + ": " + message);
  }
}
