#!/usr/bin/env python3
"""Generate Lockstep's golden fixtures and the churn example.

Run it from anywhere (paths are taken relative to this file):

    /usr/bin/python3 common/src/test/python/make_golden.py

It needs Debian's packages only (no pip, no onnxruntime, no skl2onnx, no mmh3):

    apt-get install -y python3-onnx python3-sklearn python3-numpy

What it writes (everything is deterministic: fixed seeds, fixed timestamps; running it twice gives
byte-identical files):

    common/src/test/resources/golden/<fixture>/bundle/{bundle.yaml,features.yaml,input.avsc,model.onnx}
    common/src/test/resources/golden/<fixture>/input.csv
    common/src/test/resources/golden/<fixture>/expected.csv
    common/src/test/resources/golden/<fixture>/expected_deadletters.csv
    examples/churn/bundle/...   examples/churn/events.csv

for the fixtures lr, trees, mlp and windows (see golden/README.md).

Everything the Java side computes is computed here independently, in plain Python, straight from
docs/spec.md, Bundle layout; Dead letters: the CSV/Avro decoding rules, the feature ops (in double, cast to float32
once), murmur3_x86_32 (checked against published test vectors), the window aggregates (brute
force over each key's events in (time, line) order) and the dead-letter reasons. Every input line
is written, read back from disk and run through that pipeline; the reason it gets must be the one
the generator meant it to have (one defect per bad row), or the script fails.

Models are trained with scikit-learn, written as ONNX graphs by hand with onnx.helper, checked with
onnx.checker (full_check), and run on the golden feature vectors: the ONNX outputs must match
sklearn's predict_proba within 1e-5 and its predicted labels exactly, or the script fails. The ONNX
models are run by onnx.reference.ReferenceEvaluator when the installed onnx has it (onnx >= 1.13;
Debian bookworm ships 1.12, which lacks it) and always by the small numpy evaluator in this file,
which implements exactly the operators these graphs use; when both are there they must agree.
Rows whose probability is within 1e-4 of 0.5 are left out of the golden rows so that labels are
not at the mercy of float32 rounding.
"""

import csv
import datetime
import hashlib
import io
import json
import math
import re
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, checker, helper, numpy_helper

from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

try:  # onnx >= 1.13
    from onnx.reference import ReferenceEvaluator
    from onnx.reference.op_run import OpRun

    class ZipMap(OpRun):  # not in onnx.reference's ai.onnx.ml op list
        op_domain = "ai.onnx.ml"

        def _run(self, X, classlabels_int64s=None, classlabels_strings=None):  # noqa: N803
            labels = classlabels_int64s if classlabels_int64s is not None else classlabels_strings
            return ([{lab: float(v) for lab, v in zip(labels, row)} for row in X],)

    HAVE_REFERENCE = True
except ImportError:  # pragma: no cover - depends on the installed onnx
    HAVE_REFERENCE = False

REPO = Path(__file__).resolve().parents[4]
GOLDEN = REPO / "common" / "src" / "test" / "resources" / "golden"
EXAMPLES = REPO / "examples"
CREATED = "2026-11-22T10:00:00Z"
PRODUCER = "lockstep make_golden.py"

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def fail(msg):
    raise SystemExit("make_golden.py: FAILED: " + msg)


# ----------------------------------------------------------------------------------------------
# murmur3_x86_32
# ----------------------------------------------------------------------------------------------
M32 = 0xFFFFFFFF


def _rotl32(x, r):
    return ((x << r) | (x >> (32 - r))) & M32


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3_x86_32 of `data`, returned unsigned (0 .. 2**32-1)."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = seed & M32
    n = len(data)
    nblocks = n // 4
    for i in range(nblocks):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * c1) & M32
        k = _rotl32(k, 15)
        k = (k * c2) & M32
        h ^= k
        h = _rotl32(h, 13)
        h = (h * 5 + 0xE6546B64) & M32
    tail = data[nblocks * 4:]
    k = 0
    if len(tail) >= 3:
        k ^= tail[2] << 16
    if len(tail) >= 2:
        k ^= tail[1] << 8
    if len(tail) >= 1:
        k ^= tail[0]
        k = (k * c1) & M32
        k = _rotl32(k, 15)
        k = (k * c2) & M32
        h ^= k
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


# Published test vectors of MurmurHash3_x86_32 (the SMHasher reference implementation); the
# seed-0 ones are also what Python's mmh3.hash(s, 0, signed=False) returns.
MURMUR_VECTORS = [
    (b"", 0, 0),
    (b"", 1, 0x514E28B7),
    (b"", 0xFFFFFFFF, 0x81F16F39),
    (b"\x00\x00\x00\x00", 0, 0x2362F9DE),
    (b"aaaa", 0x9747B28C, 0x5A97808A),
    (b"aaa", 0x9747B28C, 0x283E0130),
    (b"aa", 0x9747B28C, 0x5D211726),
    (b"a", 0x9747B28C, 0x7FA09EA6),
    (b"abcd", 0x9747B28C, 0xF0478627),
    (b"abc", 0x9747B28C, 0xC84A62DD),
    (b"ab", 0x9747B28C, 0x74875592),
    (b"Hello, world!", 0x9747B28C, 0x24884CBA),
    (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
    (b"The quick brown fox jumps over the lazy dog", 0, 0x2E4FF723),
    (("\u03c0" * 8).encode("utf-8"), 0x9747B28C, 0xD58063C1),
    # cross-checked with Guava's Hashing.murmur3_32_fixed (note: "hello" is 613153351, not 1335831723)
    (b"hello", 0, 613153351),
    ("\u00e4\u00f6\u00fc".encode("utf-8"), 0, 769542228),
    ("m_\U0001F600".encode("utf-8"), 0, 3515282036),
]


def check_murmur():
    for data, seed, want in MURMUR_VECTORS:
        got = murmur3_32(data, seed)
        if got != want:
            fail(f"murmur3_32({data!r}, {seed:#x}) = {got:#x}, expected {want:#x}")


# ----------------------------------------------------------------------------------------------
# Avro schema and CSV decoding (docs/spec.md, Reading inputs)
# ----------------------------------------------------------------------------------------------
class Dead(Exception):
    """A record that goes to the dead letters; args[0] is the reason."""

    @property
    def reason(self):
        return self.args[0]


class Field:
    def __init__(self, name, type_, nullable=False, logical=None, doc=None):
        self.name, self.type, self.nullable, self.logical, self.doc = name, type_, nullable, logical, doc

    def avro(self):
        t = {"type": self.type, "logicalType": self.logical} if self.logical else self.type
        d = {"name": self.name}
        if self.doc:
            d["doc"] = self.doc
        if self.nullable:
            d["type"] = ["null", t]
            d["default"] = None
        else:
            d["type"] = t
        return d


def avsc_text(record, doc, fields):
    head = {"type": "record", "name": record, "namespace": "lockstep.golden", "doc": doc}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + ['  "fields": [']
    lines += [f"    {json.dumps(f.avro(), ensure_ascii=False)}" + ("," if i < len(fields) - 1 else "")
              for i, f in enumerate(fields)]
    text = "\n".join(lines + ["  ]", "}"]) + "\n"
    assert json.loads(text) == dict(head, fields=[f.avro() for f in fields])
    return text


INT_RE = re.compile(r"-?[0-9]+")
FLOAT_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def parse_float32(text):
    """Correctly rounded decimal -> float32 (as Java's Float.parseFloat), returned as a double."""
    exact = Fraction(text)
    c = np.float32(float(exact))
    best = c
    for cand in (np.nextafter(c, np.float32(-np.inf)), np.nextafter(c, np.float32(np.inf))):
        if not np.isfinite(cand):
            continue
        d_c, d_b = abs(Fraction(float(cand)) - exact), abs(Fraction(float(best)) - exact)
        if d_c < d_b or (d_c == d_b and (int(cand.view(np.uint32)) & 1) == 0):
            best = cand
    if not np.isfinite(best):
        fail(f"float literal {text!r} overflows float32; keep such values out of the fixtures")
    return float(best)


def decode_value(f, text):
    if text == "":  # an empty CSV field is null
        if f.nullable:
            return None
        raise Dead("schema:" + f.name)
    t = f.type
    if t == "string":
        return text
    if t in ("int", "long"):
        if not INT_RE.fullmatch(text):
            raise Dead("decode:" + f.name)
        v = int(text)
        bits = 32 if t == "int" else 64
        if not -(2 ** (bits - 1)) <= v < 2 ** (bits - 1):
            raise Dead("decode:" + f.name)
        return v
    if t in ("float", "double"):
        if text in SPECIAL_FLOATS:
            return SPECIAL_FLOATS[text]
        if not FLOAT_RE.fullmatch(text):
            raise Dead("decode:" + f.name)
        return parse_float32(text) if t == "float" else float(text)
    if t == "boolean":
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        raise Dead("decode:" + f.name)
    raise AssertionError(t)


def parse_csv_line(line, ncols):
    """One physical line -> list of field texts, or Dead('decode:record')."""
    try:
        rows = list(csv.reader([line], strict=True))
    except csv.Error:
        raise Dead("decode:record")
    if len(rows) != 1 or len(rows[0]) != ncols:
        raise Dead("decode:record")
    return rows[0]


def decode_fields(fields, header, values):
    """Field texts (in header order) -> record dict, or Dead."""
    idx = {h: i for i, h in enumerate(header)}
    return {f.name: decode_value(f, values[idx[f.name]]) for f in fields}


# ----------------------------------------------------------------------------------------------
# Feature spec (docs/spec.md, features.yaml): computed in double, cast to float32 once
# ----------------------------------------------------------------------------------------------
class Raw(float):
    """A float that is written to YAML with a given spelling (e.g. 1e4)."""

    def __new__(cls, text):
        obj = float.__new__(cls, float(text))
        obj.text = text
        return obj


def op_kind(op):
    return op if isinstance(op, str) else next(iter(op))


def op_arg(op):
    return None if isinstance(op, str) else op[op_kind(op)]


def is_missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def as_num(v):
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    raise AssertionError(f"not a number: {v!r}")


def as_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return v
    raise AssertionError(f"no text form fixed for {v!r}")


def feature_width(feat):
    for op in feat.get("ops", []):
        if op_kind(op) == "one_hot":
            return len(op_arg(op))
    return 1


def spec_width(spec):
    return sum(feature_width(f) for f in spec["features"])


def apply_ops(feat, value, missing_reason):
    """value: the field's decoded value (or a window aggregate); returns a list of doubles."""
    ops = feat.get("ops", [])
    if is_missing(value) and not (ops and op_kind(ops[0]) == "impute"):
        raise Dead(missing_reason)
    x = value
    for op in ops:
        k, a = op_kind(op), op_arg(op)
        if k == "impute":
            if is_missing(x):
                x = float(a)
        elif k == "standardize":
            x = (as_num(x) - float(a["mean"])) / float(a["std"])
        elif k == "min_max":
            x = (as_num(x) - float(a["min"])) / (float(a["max"]) - float(a["min"]))
        elif k == "log1p":
            x = as_num(x)
            if x < -1.0 or math.isnan(x):
                x = math.nan
            elif x == -1.0:
                x = -math.inf
            else:
                x = math.log1p(x)
        elif k == "clip":
            x = as_num(x)
            if "min" in a and x < float(a["min"]):
                x = float(a["min"])
            if "max" in a and x > float(a["max"]):
                x = float(a["max"])
        elif k == "bucketize":
            x = as_num(x)
            x = float(sum(1 for b in a if float(b) <= x))
        elif k == "one_hot":
            t = as_text(x)
            return [1.0 if t == as_text(v) else 0.0 for v in a]
        elif k == "hash_bucket":
            x = float(murmur3_32(as_text(x).encode("utf-8"), 0) % int(a))
        else:
            raise AssertionError(k)
    x = as_num(x)
    if not math.isfinite(x):
        raise Dead("nan:" + feat["name"])
    return [x]


def featurize(spec, rec, windows=None):
    """Decoded record -> float32 feature vector (np.ndarray [F]), or Dead."""
    out = []
    for feat in spec["features"]:
        if "window" in feat:
            out += apply_ops(feat, windows[feat["name"]], "nan:" + feat["name"])
        else:
            out += apply_ops(feat, rec[feat["from"]], "missing:" + feat["from"])
    v = np.array(out, dtype=np.float64).astype(np.float32)
    if np.any((v == 0) & np.signbit(v)):
        fail(f"a feature is -0.0 for {rec}; keep such inputs out of the fixtures")
    return v


def fit_standardize(spec, records, only=None):
    """Set every standardize op's {mean, std} from a StandardScaler fitted on the values that
    reach that op (rounded to 4 decimals: they are what the spec says, the model is trained on
    features computed with them)."""
    for feat in spec["features"]:
        ops = feat.get("ops", [])
        for i, op in enumerate(ops):
            if op_kind(op) != "standardize" or (only and feat["name"] not in only):
                continue
            prefix = dict(feat, ops=ops[:i])
            xs = []
            for rec in records:
                try:
                    value = rec["__windows__"][feat["name"]] if "window" in feat else rec[feat["from"]]
                    xs.append(apply_ops(prefix, value, "missing")[0])
                except Dead:
                    pass
            sc = StandardScaler().fit(np.array(xs).reshape(-1, 1))
            op["standardize"]["mean"] = round(float(sc.mean_[0]), 4)
            op["standardize"]["std"] = round(float(sc.scale_[0]), 4)


def yaml_scalar(v):
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        assert re.fullmatch(r"-?[0-9]+\.[0-9]+", r), r
        return r
    if isinstance(v, str):
        # plain unless YAML 1.2's core schema would read it as something else (NO stays plain)
        plain = re.fullmatch(r"[A-Za-z0-9_]+", v) and not re.fullmatch(
            r"[-+]?[0-9]+|null|Null|NULL|true|True|TRUE|false|False|FALSE|0x[0-9a-fA-F]+|0o[0-7]+", v)
        return v if plain else json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(yaml_scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(x)}" for k, x in v.items()) + "}"
    raise AssertionError(v)


def features_yaml(spec, comment):
    lines = [f"# {c}" if c else "#" for c in comment] + [""]
    if spec.get("key"):
        lines.append(f"key: {spec['key']}")
    if spec.get("time"):
        lines.append(f"time: {spec['time']}")
    lines.append("features:")
    for feat in spec["features"]:
        lines.append(f"  - name: {feat['name']}")
        if "window" in feat:
            lines.append(f"    window: {yaml_scalar(feat['window'])}")
        else:
            lines.append(f"    from: {feat['from']}")
        if feat.get("ops"):
            lines.append("    ops: [ " + ", ".join(
                op if isinstance(op, str) else yaml_scalar(op) for op in feat["ops"]) + " ]")
    lines.append("model:")
    lines.append(f"  input: {spec['model']['input']}")
    lines.append("  outputs:")
    for name, out in spec["model"]["outputs"].items():
        lines.append(f"    {name}: {yaml_scalar(out)}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Window aggregates, by brute force (docs/spec.md, Window features)
# ----------------------------------------------------------------------------------------------
UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def over_ms(text):
    m = re.fullmatch(r"([0-9]+)(ms|s|m|h|d)", text)
    return int(m.group(1)) * UNIT_MS[m.group(2)]


def window_values(spec, state_events):
    """state_events: list of (line, key, time, record) of every record that entered the state.
    Returns {line: {feature name: aggregate}}."""
    by_key = {}
    for ev in state_events:
        by_key.setdefault(ev[1], []).append(ev)
    wfeats = [f for f in spec["features"] if "window" in f]
    out = {}
    for evs in by_key.values():
        evs.sort(key=lambda e: (e[2], e[0]))  # (time, input order)
        for i, (line, _key, t, _rec) in enumerate(evs):
            vals = {}
            for feat in wfeats:
                w = feat["window"]
                lo = t - over_ms(w["over"])
                inwin = [e for e in evs[:i + 1] if e[2] > lo]
                agg = w["agg"]
                if agg == "count":
                    vals[feat["name"]] = float(len(inwin))
                    continue
                xs = [as_num(e[3][w["of"]]) for e in inwin if not is_missing(e[3][w["of"]])]
                if agg == "sum":
                    s = 0.0
                    for x in xs:
                        s += x
                    vals[feat["name"]] = s
                elif agg == "mean":
                    s = 0.0
                    for x in xs:
                        s += x
                    vals[feat["name"]] = s / len(xs) if xs else math.nan
                elif agg == "min":
                    vals[feat["name"]] = min(xs) if xs else math.nan
                elif agg == "max":
                    vals[feat["name"]] = max(xs) if xs else math.nan
                else:
                    raise AssertionError(agg)
            out[line] = vals
    return out


# ----------------------------------------------------------------------------------------------
# ONNX graphs, built by hand
# ----------------------------------------------------------------------------------------------
def f32(a):
    return np.asarray(a, dtype=np.float32)


def make_model(graph, opsets, ir_version, doc):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                              producer_name=PRODUCER, producer_version="1", doc_string=doc)
    model.ir_version = ir_version
    if any(n.op_type == "ZipMap" for n in model.graph.node):
        # onnx 1.12's shape inference cannot merge ZipMap's seq(map) output type ("type case
        # unsupported"): check the whole model without it, and the graph before ZipMap with it.
        checker.check_model(model)
        pre = onnx.ModelProto()
        pre.CopyFrom(model)
        zm = [n for n in pre.graph.node if n.op_type == "ZipMap"]
        for n in zm:
            pre.graph.node.remove(n)
            keep = [o for o in pre.graph.output if o.name not in n.output]
            del pre.graph.output[:]
            pre.graph.output.extend(keep)
            pre.graph.output.append(helper.make_tensor_value_info(n.input[0], TensorProto.FLOAT, [None, 2]))
        checker.check_model(pre, full_check=True)
    else:
        checker.check_model(model, full_check=True)
    return model


def binary_head(nodes, inits, logit_name):
    """[N,1] logit -> probabilities [N,2] = [1-p, p] and label = argmax (ties -> class 0)."""
    inits.append(numpy_helper.from_array(f32([1.0]), "one"))
    nodes += [
        helper.make_node("Sigmoid", [logit_name], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
    ]


def onnx_logreg(clf, F, input_name, style, name):
    coef, b = clf.coef_[0], clf.intercept_[0]
    nodes, inits = [], []
    if style == "matmul":
        inits += [numpy_helper.from_array(f32(coef).reshape(F, 1), "coef"),
                  numpy_helper.from_array(f32([b]), "intercept")]
        nodes += [helper.make_node("MatMul", [input_name, "coef"], ["xw"]),
                  helper.make_node("Add", ["xw", "intercept"], ["logit"])]
    else:  # gemm, as many converters write it
        inits += [numpy_helper.from_array(f32(coef).reshape(1, F), "coef"),
                  numpy_helper.from_array(f32([b]), "intercept")]
        nodes += [helper.make_node("Gemm", [input_name, "coef", "intercept"], ["logit"], transB=1)]
    binary_head(nodes, inits, "logit")
    nodes.append(helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0))
    batch = "N" if style == "matmul" else "batch"
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [batch, F])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [batch]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [batch, 2])],
        initializer=inits)
    return graph


def onnx_mlp(clf, F, input_name, batch, name):
    nodes, inits = [], []
    cur = input_name
    nl = len(clf.coefs_)
    for i, (W, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        inits += [numpy_helper.from_array(f32(W), f"W{i}"), numpy_helper.from_array(f32(b), f"b{i}")]
        nodes += [helper.make_node("MatMul", [cur, f"W{i}"], [f"h{i}_mm"]),
                  helper.make_node("Add", [f"h{i}_mm", f"b{i}"], [f"h{i}_lin"])]
        if i < nl - 1:
            assert clf.activation == "relu"
            nodes.append(helper.make_node("Relu", [f"h{i}_lin"], [f"h{i}"]))
            cur = f"h{i}"
        else:
            assert clf.out_activation_ == "logistic"
            binary_head(nodes, inits, f"h{i}_lin")
    return helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [batch, F])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [batch, 2])],
        initializer=inits)


def float32_at_most(t):
    """Largest float32 <= t: for a float32 x, x <= t (double) exactly when x <= this."""
    c = np.float32(t)
    if float(c) > t:
        c = np.nextafter(c, np.float32(-np.inf))
    return float(c)


def onnx_forest(rf, F, input_name, name):
    a = {k: [] for k in ("nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values",
                         "nodes_modes", "nodes_truenodeids", "nodes_falsenodeids",
                         "class_treeids", "class_nodeids", "class_ids", "class_weights")}
    n_trees = len(rf.estimators_)
    for t, est in enumerate(rf.estimators_):
        tr = est.tree_
        for i in range(tr.node_count):
            leaf = tr.children_left[i] == -1
            a["nodes_treeids"].append(t)
            a["nodes_nodeids"].append(i)
            a["nodes_featureids"].append(0 if leaf else int(tr.feature[i]))
            a["nodes_values"].append(0.0 if leaf else float32_at_most(tr.threshold[i]))
            a["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            a["nodes_truenodeids"].append(0 if leaf else int(tr.children_left[i]))
            a["nodes_falsenodeids"].append(0 if leaf else int(tr.children_right[i]))
            if leaf:
                # The binary convention of skl2onnx, which both ONNX Runtime and onnx.reference
                # read as "binary": every leaf votes for class id 0 only, with P(class 1) / n_trees;
                # the output is [1 - s, s] and the label is 1 when s > 0.5. (Weights for both class
                # ids make ORT label every row 1: with two classes it labels by "score1 > 0".)
                v = tr.value[i][0]
                a["class_treeids"].append(t)
                a["class_nodeids"].append(i)
                a["class_ids"].append(0)
                a["class_weights"].append(float(v[1] / v.sum()) / n_trees)
    tree = helper.make_node("TreeEnsembleClassifier", [input_name], ["output_label", "probabilities"],
                            domain="ai.onnx.ml", classlabels_int64s=[0, 1], post_transform="NONE", **a)
    zipmap = helper.make_node("ZipMap", ["probabilities"], ["output_probability"],
                              domain="ai.onnx.ml", classlabels_int64s=[0, 1])
    map_t = onnx.TypeProto()
    map_t.map_type.key_type = TensorProto.INT64
    map_t.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    seq_t = onnx.TypeProto()
    seq_t.sequence_type.elem_type.CopyFrom(map_t)
    return helper.make_graph(
        [tree, zipmap], name,
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [None, F])],
        [helper.make_tensor_value_info("output_label", TensorProto.INT64, [None]),
         helper.make_value_info("output_probability", seq_t)])


# A minimal numpy evaluator for exactly the operators above (float32 like ONNX Runtime).
def _mini_tree(node, X):
    at = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    nodes = {}
    for j, (t, i) in enumerate(zip(at["nodes_treeids"], at["nodes_nodeids"])):
        nodes[t, i] = j
    leaf_w = {}
    for t, i, c, w in zip(at["class_treeids"], at["class_nodeids"], at["class_ids"], at["class_weights"]):
        leaf_w.setdefault((t, i), []).append((c, w))
    labels = at["classlabels_int64s"]
    assert len(labels) == 2 and set(at["class_ids"]) == {0}  # the binary case, as ORT reads it
    trees = sorted(set(at["nodes_treeids"]))
    scores = np.zeros((X.shape[0], 2), dtype=np.float32)
    for r in range(X.shape[0]):
        for t in trees:
            i = 0
            while True:
                j = nodes[t, i]
                mode = at["nodes_modes"][j].decode()
                if mode == "LEAF":
                    break
                assert mode == "BRANCH_LEQ"
                x = X[r, at["nodes_featureids"][j]]
                i = at["nodes_truenodeids"][j] if x <= np.float32(at["nodes_values"][j]) else at["nodes_falsenodeids"][j]
            for c, w in leaf_w[t, i]:
                scores[r, c] += np.float32(w)
    assert at["post_transform"] == b"NONE"
    s = scores[:, 0].copy()
    probs = np.stack([np.float32(1) - s, s], axis=1)
    return np.array([labels[1] if x > np.float32(0.5) else labels[0] for x in s], dtype=np.int64), probs


def mini_run(model, feeds):
    env = dict(feeds)
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for node in model.graph.node:
        at = {x.name: helper.get_attribute_value(x) for x in node.attribute}
        ins = [env[i] for i in node.input]
        op = node.op_type
        if op == "MatMul":
            outs = [np.matmul(ins[0], ins[1]).astype(np.float32)]
        elif op == "Add":
            outs = [(ins[0] + ins[1]).astype(np.float32)]
        elif op == "Sub":
            outs = [(ins[0] - ins[1]).astype(np.float32)]
        elif op == "Gemm":
            B = ins[1].T if at.get("transB") else ins[1]
            outs = [(np.matmul(ins[0], B) + ins[2]).astype(np.float32)]
        elif op == "Relu":
            outs = [np.maximum(ins[0], np.float32(0))]
        elif op == "Sigmoid":
            with np.errstate(over="ignore"):
                outs = [(1.0 / (1.0 + np.exp(-ins[0].astype(np.float64)))).astype(np.float32)]
        elif op == "Concat":
            outs = [np.concatenate(ins, axis=at["axis"])]
        elif op == "ArgMax":
            assert at.get("keepdims") == 0
            outs = [np.argmax(ins[0], axis=at["axis"]).astype(np.int64)]
        elif op == "TreeEnsembleClassifier":
            outs = list(_mini_tree(node, ins[0]))
        elif op == "ZipMap":
            outs = [[{lab: float(v) for lab, v in zip(at["classlabels_int64s"], row)} for row in ins[0]]]
        else:
            raise AssertionError(f"mini evaluator lacks {op}")
        for name, val in zip(node.output, outs):
            env[name] = val
    return {o.name: env[o.name] for o in model.graph.output}


def run_onnx(model, X, input_name, batch=None):
    """Run the model on float32 X [N, F]; a fixed batch B is fed in zero-padded chunks of B."""
    sess = ReferenceEvaluator(model, new_ops=[ZipMap]) if HAVE_REFERENCE else None
    names = [o.name for o in model.graph.output]
    chunks = []
    step = batch or len(X)
    for s in range(0, len(X), step):
        part = X[s:s + step]
        n = len(part)
        if batch and n < batch:
            part = np.vstack([part, np.zeros((batch - n, X.shape[1]), dtype=np.float32)])
        mine = mini_run(model, {input_name: part})
        if sess is not None:
            ref = dict(zip(names, sess.run(None, {input_name: part})))
            for k in names:
                a, b = mine[k], ref[k]
                if isinstance(a, list):
                    a = np.array([[d[c] for c in sorted(d)] for d in a])
                    b = np.array([[d[c] for c in sorted(d)] for d in b])
                if np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))) > 1e-6:
                    fail(f"{model.graph.name}: onnx.reference and the numpy evaluator disagree on {k}")
        chunks.append({k: v[:n] for k, v in mine.items()})
    return {k: (sum((list(c[k]) for c in chunks), []) if isinstance(chunks[0][k], list)
                else np.concatenate([c[k] for c in chunks])) for k in names}


def verify_model(model, clf, X, input_name, outputs, batch=None):
    """ONNX outputs (by name) must match sklearn: probability within 1e-5, labels exactly."""
    got = run_onnx(model, X, input_name, batch)
    want_p = clf.predict_proba(X.astype(np.float64))[:, 1]
    want_l = clf.predict(X.astype(np.float64))
    for field, out in outputs.items():
        v = got[out["output"]]
        if "index" in out:
            p = np.array([d[out["index"]] for d in v]) if isinstance(v, list) else v[:, out["index"]]
            diff = float(np.max(np.abs(p.astype(np.float64) - want_p)))
            if not diff < 1e-5:
                fail(f"{model.graph.name}: ONNX {field} differs from sklearn by {diff}")
        elif not np.array_equal(np.asarray(v), want_l):
            fail(f"{model.graph.name}: ONNX {field} differs from sklearn's labels")
    return want_p, want_l


# ----------------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------------
def csv_line(values, quote_all=False):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(values)
    return buf.getvalue()


def write_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def write_bundle(dirpath, name, version, description, spec, comment, avsc, model):
    files = {"features.yaml": features_yaml(spec, comment).encode("utf-8"),
             "input.avsc": avsc.encode("utf-8"),
             "model.onnx": model.SerializeToString()}
    dirpath.mkdir(parents=True, exist_ok=True)
    for fn, data in files.items():
        (dirpath / fn).write_bytes(data)
    lines = [f"name: {name}", f'version: "{version}"', f"created: {CREATED}",
             f"description: {json.dumps(description)}", "sha256:"]
    lines += [f"  {fn}: {hashlib.sha256(data).hexdigest()}" for fn, data in files.items()]
    write_text(dirpath / "bundle.yaml", "\n".join(lines) + "\n")


def fmt_f32(v):
    return repr(float(np.float32(v)))


class Line:
    """One line of input.csv: its text and the reason it must get (None: a good row)."""

    def __init__(self, text, reason=None, note=""):
        self.text, self.reason, self.note = text, reason, note


def layout(good, bad, last=None):
    """Spread the bad lines evenly through the good ones; `last` (if any) ends the file."""
    lines = list(good)
    n = len(bad)
    for j, b in enumerate(bad):
        pos = int((j + 1) * len(good) / (n + 1)) + j
        lines.insert(pos, b)
    if last is not None:
        lines.append(last)
    return lines


def read_back(path, header_expected):
    """input.csv from disk -> (header, [(line number, text)])."""
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("\n")
    phys = text[:-1].split("\n")
    header = next(csv.reader([phys[0]], strict=True))
    assert header == header_expected
    return header, [(i + 2, t) for i, t in enumerate(phys[1:])]


def score_file(fx, path):
    """The independent pipeline: decode each line, featurize (with windows), and return
    (good: [(line, key, vec)], dead: [(line, reason)])."""
    header, lines = read_back(path, fx.header)
    decoded, dead = [], {}
    for ln, text in lines:
        try:
            rec = decode_fields(fx.fields, header, parse_csv_line(text, len(header)))
            decoded.append((ln, rec))
        except Dead as d:
            dead[ln] = d.reason
    wins = {}
    if fx.spec.get("time"):
        k, t = fx.spec["key"], fx.spec["time"]
        wins = window_values(fx.spec, [(ln, rec[k], rec[t], rec) for ln, rec in decoded])
    good = []
    for ln, rec in decoded:
        try:
            vec = featurize(fx.spec, rec, wins.get(ln))
            good.append((ln, rec[fx.spec["key"]] if fx.spec.get("key") else "", vec))
        except Dead as d:
            dead[ln] = d.reason
    return header, lines, good, sorted(dead.items())


def write_fixture(fx, root, lines, check_windows=None):
    """Writes input.csv, reads it back, checks every line got its intended reason, scores the
    good rows with both sklearn and the ONNX model, writes expected*.csv."""
    path = root / "input.csv"
    write_text(path, "\n".join([csv_line(fx.header)] + [ln.text for ln in lines]) + "\n")
    header, phys, good, dead = score_file(fx, path)
    assert len(phys) == len(lines)
    intended = {i + 2: ln for i, ln in enumerate(lines)}
    got = {ln: None for ln, _, _ in good}
    got.update(dict(dead))
    for no, ln in intended.items():
        if got[no] != ln.reason:
            fail(f"{fx.name}: line {no} ({ln.note}) got {got[no]!r}, meant {ln.reason!r}: {ln.text}")
    X = np.vstack([v for _, _, v in good])
    F = spec_width(fx.spec)
    assert X.shape[1] == F
    p, lab = verify_model(fx.model, fx.clf, X, fx.spec["model"]["input"], fx.spec["model"]["outputs"],
                          fx.batch)
    if np.any(np.abs(p - 0.5) < 1e-4):
        fail(f"{fx.name}: a golden row has a probability within 1e-4 of 0.5")
    cols = ["line", "key"] + [f"f{i}" for i in range(F)] + list(fx.spec["model"]["outputs"])
    rows = [csv_line(cols)]
    for (ln, key, vec), pi, li in zip(good, p, lab):
        row = [str(ln), key] + [fmt_f32(x) for x in vec]
        for out in fx.spec["model"]["outputs"].values():
            row.append(repr(float(pi)) if "index" in out else str(int(li)))
        rows.append(csv_line(row))
    write_text(root / "expected.csv", "\n".join(rows) + "\n")
    write_text(root / "expected_deadletters.csv",
               "\n".join([csv_line(["line", "reason"])] + [csv_line([str(a), b]) for a, b in dead]) + "\n")
    return good, dead


class Fixture:
    def __init__(self, **kw):
        self.batch = None
        self.__dict__.update(kw)
        self.header = kw.get("header") or [f.name for f in self.fields]


def texts_to_features(fx, rows):
    """rows of {field: text} -> (X, kept rows) for the rows that featurize (training/filtering)."""
    X, kept = [], []
    for r in rows:
        try:
            rec = {f.name: decode_value(f, r[f.name]) for f in fx.fields}
            X.append(featurize(fx.spec, rec))
            kept.append(r)
        except Dead:
            pass
    return np.vstack(X), kept


def decode_rows(fx, rows):
    out = []
    for r in rows:
        try:
            out.append({f.name: decode_value(f, r[f.name]) for f in fx.fields})
        except Dead:
            pass
    return out


def bernoulli_labels(rng, logits):
    return (rng.random(len(logits)) < 1.0 / (1.0 + np.exp(-logits))).astype(int)


def pick_good(fx, rows, n):
    """Keep the first n rows that featurize and whose probability is not within 1e-4 of 0.5."""
    X, kept = texts_to_features(fx, rows)
    p = fx.clf.predict_proba(X.astype(np.float64))[:, 1]
    ok = [r for r, pi in zip(kept, p) if abs(pi - 0.5) >= 1e-4]
    if len(ok) < n:
        fail(f"{fx.name}: only {len(ok)} usable golden rows")
    return ok[:n]


def row_line(fx, r, quote_all=False, reason=None, note=""):
    if quote_all and any(r.get(h, "") == "" for h in fx.header):
        quote_all = False  # a quoted empty field ("") would be ambiguous: keep empties unquoted
    return Line(csv_line([r.get(h, "") for h in fx.header], quote_all), reason, note)


def mutate(fx, r, reason, note="", **changes):
    r = dict(r)
    r.update(changes)
    return row_line(fx, r, reason=reason, note=note)


def short_line(fx, r, note="one column missing"):
    vals = [r.get(h, "") for h in fx.header]
    return Line(csv_line(vals[:-1]), "decode:record", note)


def long_line(fx, r, note="one column too many"):
    vals = [r.get(h, "") for h in fx.header] + ["extra"]
    return Line(csv_line(vals), "decode:record", note)


# ----------------------------------------------------------------------------------------------
# Fixture 1: lr (and the churn example)
# ----------------------------------------------------------------------------------------------
LR_FIELDS = [
    Field("customer_id", "string", doc="entity key"),
    Field("tenure_months", "int"),
    Field("monthly_charges", "double"),
    Field("total_charges", "double", nullable=True),
    Field("support_calls", "int", nullable=True),
    Field("days_since_login", "double", nullable=True),
    Field("discount_pct", "float"),
    Field("country", "string", doc="ISO 3166 alpha-2"),
    Field("age", "int"),
    Field("paperless_billing", "boolean"),
]


def lr_spec():
    return {
        "key": "customer_id",
        "features": [
            {"name": "tenure_z", "from": "tenure_months", "ops": [{"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "charges_z", "from": "monthly_charges", "ops": [{"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "total_charges_z", "from": "total_charges",
             "ops": [{"impute": 1500.0}, {"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "support_calls_z", "from": "support_calls",
             "ops": [{"impute": 0.0}, {"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "last_login_z", "from": "days_since_login", "ops": [{"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "discount", "from": "discount_pct", "ops": [{"min_max": {"min": 0.0, "max": 50.0}}]},
            {"name": "country", "from": "country", "ops": [{"one_hot": ["US", "DE", "FR", "GB", "NO"]}]},
            {"name": "age_band", "from": "age", "ops": [{"bucketize": [18, 30, 50, 65]}]},
            {"name": "paperless", "from": "paperless_billing"},
        ],
        "model": {"input": "features",
                  "outputs": {"score": {"output": "probabilities", "index": 1}, "label": {"output": "label"}}},
    }


LR_COUNTRIES = ["US", "DE", "FR", "GB", "NO", "BR", "IN", "us"]
LR_COUNTRY_P = [0.40, 0.15, 0.12, 0.12, 0.07, 0.06, 0.05, 0.03]


def lr_row(rng, i, prefix="C"):
    tenure = int(rng.integers(0, 73))
    charges = round(float(rng.uniform(18, 120)), 2)
    u = rng.random()
    if u < 0.06:
        total = ""
    elif u < 0.08:
        total = "NaN"
    else:
        total = f"{tenure * charges * rng.uniform(0.9, 1.05):.2f}"
    age = int(rng.choice([18, 30, 50, 65])) if rng.random() < 0.12 else int(rng.integers(16, 86))
    disc = rng.random()
    return {
        "customer_id": f"{prefix}{100000 + i}",
        "tenure_months": str(tenure),
        "monthly_charges": f"{charges:.2f}",
        "total_charges": total,
        "support_calls": "" if rng.random() < 0.1 else str(int(rng.poisson(1.5))),
        "days_since_login": f"{rng.exponential(12):.1f}",
        "discount_pct": (str(rng.choice(["0", "5", "10", "12.5", "15", "20", "33.3", "50"])) if disc < 0.5
                         else f"{rng.uniform(0, 50):.1f}"),
        "country": str(rng.choice(LR_COUNTRIES, p=LR_COUNTRY_P)),
        "age": str(age),
        "paperless_billing": str(rng.choice(["true", "false", "TRUE", "False"])),
    }


LR_TRUTH = np.array([-1.2, 0.9, -0.3, 0.7, 0.5, -0.6, 0.2, -0.3, 0.1, 0.0, -0.4, -0.2, 0.3])


def build_lr(seed=11, name="golden-lr"):
    rng = np.random.default_rng(seed)
    fx = Fixture(name=name, fields=LR_FIELDS, spec=lr_spec())
    train = [lr_row(rng, i, "T") for i in range(3000)]
    fit_standardize(fx.spec, decode_rows(fx, train))
    X, _ = texts_to_features(fx, train)
    y = bernoulli_labels(rng, X.astype(np.float64) @ LR_TRUTH - 0.8)
    fx.clf = LogisticRegression(C=1.0, max_iter=1000).fit(X.astype(np.float64), y)
    graph = onnx_logreg(fx.clf, X.shape[1], "features", "matmul", "lr")
    fx.model = make_model(graph, [("", 17)], 8, "sklearn LogisticRegression as MatMul/Add/Sigmoid")
    verify_model(fx.model, fx.clf, X, "features", fx.spec["model"]["outputs"])
    return fx, rng


def lr_lines(fx, rng, n_good):
    cands = [lr_row(rng, i) for i in range(n_good + 60)]
    # rows that pin down edge cases
    special = [
        dict(age="18", country="BR", note="age on a boundary; unseen country"),
        dict(age="30", country="us", note="boundary; lowercase country is unseen"),
        dict(age="50", total_charges="NaN", note="NaN imputed"),
        dict(age="65", total_charges="", support_calls="", note="nulls imputed"),
        dict(age="17", monthly_charges="1.5e2", note="exponent notation"),
        dict(age="16", monthly_charges="75", discount_pct="12.5", note="int text in a double field"),
        dict(country="NO", paperless_billing="FALSE", note="NO is a string (YAML 1.2)"),
        dict(country="NO", discount_pct="0.1", note="float field: 0.1f widened to double"),
        dict(discount_pct="50", age="64", note="min_max max"),
        dict(tenure_months="2147483647", note="int max"),
        dict(days_since_login="0", support_calls="0", note="zeros"),
        dict(total_charges="", support_calls="", country="IN", note="nulls"),
    ]
    for j, s in enumerate(special):
        cands.insert(3 + 9 * j, {**lr_row(rng, 9000 + j), **{k: v for k, v in s.items() if k != "note"}})
    good_rows = pick_good(fx, cands, n_good)
    good = [row_line(fx, r, quote_all=(i % 37 == 5)) for i, r in enumerate(good_rows)]
    base = [lr_row(rng, 5000 + j) for j in range(12)]
    for b in base:
        b["total_charges"] = "100.00"  # make sure no other field is the problem
    bad = [
        mutate(fx, base[0], "decode:monthly_charges", monthly_charges="abc"),
        mutate(fx, base[1], "decode:tenure_months", tenure_months="3000000000"),
        mutate(fx, base[2], "decode:paperless_billing", paperless_billing="maybe"),
        mutate(fx, base[3], "schema:tenure_months", tenure_months=""),
        mutate(fx, base[4], "schema:country", country=""),
        mutate(fx, base[5], "missing:days_since_login", days_since_login=""),
        mutate(fx, base[6], "missing:monthly_charges", monthly_charges="NaN"),
        mutate(fx, base[7], "nan:charges_z", monthly_charges="Infinity"),
        short_line(fx, base[8]),
        mutate(fx, base[9], "nan:last_login_z", days_since_login="-Infinity"),
        mutate(fx, base[10], "schema:customer_id", customer_id=""),
    ]
    vals = [base[11][h] for h in fx.header]
    last = Line(csv_line(vals[:-1]) + ',"true', "decode:record", "unterminated quote, last line")
    return layout(good, bad, last)


LR_COMMENT = [
    "Golden fixture 'lr': a churn model, sklearn LogisticRegression exported by hand.",
    "standardize mean/std come from a StandardScaler fitted on the training data.",
    "NO (Norway) is a string in YAML 1.2; us (lowercase), BR and IN are unseen -> all zeros.",
]

LR_AVSC_DOC = "Customer snapshot for churn scoring (Lockstep golden fixture)"


# ----------------------------------------------------------------------------------------------
# Fixture 2: trees
# ----------------------------------------------------------------------------------------------
TREES_FIELDS = [
    Field("txn_id", "string"),
    Field("merchant_id", "string"),
    Field("mcc", "int", doc="merchant category code"),
    Field("device_id", "long"),
    Field("amount", "double"),
    Field("refund_amount", "double"),
    Field("txn_count_24h", "int", nullable=True),
    Field("distance_km", "double", nullable=True),
    Field("is_international", "boolean"),
    Field("account_age_days", "int"),
]
TREES_HEADER = [f.name for f in TREES_FIELDS] + ["notes"]  # notes: not in the schema, ignored


def trees_spec():
    return {
        "features": [
            {"name": "merchant", "from": "merchant_id", "ops": [{"hash_bucket": 1000}]},
            {"name": "mcc_bucket", "from": "mcc", "ops": [{"hash_bucket": 50}]},
            {"name": "device_bucket", "from": "device_id", "ops": [{"hash_bucket": 256}]},
            {"name": "amount_log", "from": "amount", "ops": [{"clip": {"min": 0.0, "max": Raw("1e4")}}, "log1p"]},
            {"name": "refund_log", "from": "refund_amount", "ops": ["log1p"]},
            {"name": "velocity_24h", "from": "txn_count_24h", "ops": [{"impute": 0}]},
            {"name": "distance", "from": "distance_km", "ops": [{"impute": -1.0}, {"clip": {"max": 500.0}}]},
            {"name": "international", "from": "is_international"},
            {"name": "account_age", "from": "account_age_days"},
        ],
        "model": {"input": "float_input",
                  "outputs": {"score": {"output": "output_probability", "index": 1},
                              "label": {"output": "output_label"}}},
    }


MERCHANTS = [f"m_{k:04d}" for k in range(1, 41)] + [
    "café_paris", "Müller GmbH", "Acme, Inc.", 'Joe\'s "Best" Diner', "商店_7", "m_😀", "ÅÄÖ-åäö"]
MCCS = [5411, 5812, 5999, 4829, 7995, 5732, 5311, 4111, 6011, 7011]
NOTES = ["", "", "", "ok", "called, no answer", 'said "hi"', "vip"]


def trees_row(rng, i):
    amount = float(rng.lognormal(3.5, 1.2))
    refund = "0.0" if rng.random() < 0.85 else f"{rng.uniform(0, amount):.2f}"
    dev = int(rng.integers(1, 2 ** 42))
    if rng.random() < 0.1:
        dev = -dev
    u = rng.random()
    dist = "" if u < 0.1 else ("NaN" if u < 0.12 else f"{rng.exponential(40):.1f}")
    return {
        "txn_id": f"T{i:06d}",
        "merchant_id": str(rng.choice(MERCHANTS)),
        "mcc": str(int(rng.choice(MCCS))),
        "device_id": str(dev),
        "amount": f"{amount:.2f}",
        "refund_amount": refund,
        "txn_count_24h": "" if rng.random() < 0.1 else str(int(rng.poisson(3))),
        "distance_km": dist,
        "is_international": "true" if rng.random() < 0.15 else "false",
        "account_age_days": str(int(rng.integers(0, 4000))),
        "notes": str(rng.choice(NOTES)),
    }


def trees_truth(X):
    risk = (1.5 * (X[:, 3] > 6.0) + 1.2 * X[:, 7] + 0.8 * (X[:, 5] > 5) + 0.8 * (X[:, 6] > 100)
            - 0.0005 * X[:, 8] + 0.7 * (X[:, 0] % 7 == 0) + 0.5 * (X[:, 4] > 3))
    return risk - 1.2


def build_trees(seed=22):
    rng = np.random.default_rng(seed)
    fx = Fixture(name="golden-trees", fields=TREES_FIELDS, spec=trees_spec(), header=TREES_HEADER)
    train = [trees_row(rng, i) for i in range(4000)]
    X, _ = texts_to_features(fx, train)
    y = bernoulli_labels(rng, trees_truth(X.astype(np.float64)))
    fx.clf = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=7).fit(X, y)
    graph = onnx_forest(fx.clf, X.shape[1], "float_input", "trees")
    fx.model = make_model(graph, [("", 15), ("ai.onnx.ml", 1)], 8,
                          "sklearn RandomForestClassifier as ai.onnx.ml TreeEnsembleClassifier + ZipMap")
    verify_model(fx.model, fx.clf, X, "float_input", fx.spec["model"]["outputs"])
    return fx, rng


def trees_lines(fx, rng, n_good):
    cands = [trees_row(rng, i) for i in range(n_good + 60)]
    special = [
        dict(amount="-5.00", note="clipped to 0"),
        dict(amount="Infinity", note="clipped to 1e4"),
        dict(amount="-Infinity", note="clipped to 0"),
        dict(amount="25000", note="clipped to 1e4"),
        dict(amount="0", refund_amount="-0.5", note="log1p(-0.5) is finite"),
        dict(device_id="9223372036854775807", note="long max"),
        dict(device_id="-9223372036854775808", note="long min"),
        dict(device_id="0", mcc="-1", note="negative int hashed as text"),
        dict(distance_km="NaN", txn_count_24h="", note="imputed"),
        dict(distance_km="750.5", note="clipped to 500"),
        dict(merchant_id="m_😀", note="4-byte UTF-8"),
        dict(merchant_id='Joe\'s "Best" Diner', notes='a "quoted", note', note="quotes"),
        dict(merchant_id="Acme, Inc.", note="comma in a quoted field"),
        dict(refund_amount="1e2", note="exponent"),
    ]
    for j, s in enumerate(special):
        cands.insert(2 + 11 * j, {**trees_row(rng, 9000 + j), **{k: v for k, v in s.items() if k != "note"}})
    good_rows = pick_good(fx, cands, n_good)
    good = [row_line(fx, r, quote_all=(i % 41 == 7)) for i, r in enumerate(good_rows)]
    base = [trees_row(rng, 5000 + j) for j in range(12)]
    for b in base:
        b["distance_km"] = "12.0"
    bad = [
        mutate(fx, base[0], "nan:refund_log", refund_amount="-2"),
        mutate(fx, base[1], "nan:refund_log", refund_amount="-1"),
        mutate(fx, base[2], "decode:amount", amount="abc"),
        mutate(fx, base[3], "decode:mcc", mcc="3000000000"),
        mutate(fx, base[4], "decode:is_international", is_international="maybe"),
        mutate(fx, base[5], "schema:merchant_id", merchant_id=""),
        mutate(fx, base[6], "missing:refund_amount", refund_amount="NaN"),
        mutate(fx, base[7], "decode:device_id", device_id="12.5"),
        long_line(fx, base[8]),
        mutate(fx, base[9], "schema:account_age_days", account_age_days=""),
        mutate(fx, base[10], "nan:refund_log", refund_amount="Infinity"),
    ]
    vals = [base[11][h] for h in fx.header]
    last = Line(csv_line(vals[:-1]) + ',"unterminated, note', "decode:record", "unterminated quote, last line")
    return layout(good, bad, last)


TREES_COMMENT = [
    "Golden fixture 'trees': a fraud model, sklearn RandomForestClassifier (15 trees, depth 4)",
    "exported by hand as ai.onnx.ml TreeEnsembleClassifier followed by ZipMap.",
    "hash_bucket: murmur3_x86_32 (seed 0) of the UTF-8 text (ints and longs: decimal text), unsigned, mod n.",
    "1e4 is a float in YAML 1.2.",
]


# ----------------------------------------------------------------------------------------------
# Fixture 3: mlp (fixed batch 8)
# ----------------------------------------------------------------------------------------------
MLP_FIELDS = [
    Field("session_id", "string"),
    Field("plan_tier", "int"),
    Field("device_type", "string"),
    Field("monthly_spend", "double"),
    Field("data_usage_gb", "float"),
    Field("tenure_days", "int"),
    Field("avg_session_min", "float", nullable=True),
    Field("late_payments", "int"),
    Field("autopay", "boolean"),
    Field("rating", "int", nullable=True),
]
# CSV columns in another order than the schema: columns are matched by header name
MLP_HEADER = ["rating", "autopay", "session_id", "device_type", "plan_tier", "late_payments",
              "monthly_spend", "tenure_days", "data_usage_gb", "avg_session_min"]
MLP_BATCH = 8


def mlp_spec():
    return {
        "features": [
            {"name": "plan", "from": "plan_tier", "ops": [{"one_hot": [1, 2, 3]}]},
            {"name": "device", "from": "device_type", "ops": [{"one_hot": ["mobile", "desktop", "tablet"]}]},
            {"name": "spend", "from": "monthly_spend", "ops": [{"min_max": {"min": 0, "max": 200}}]},
            {"name": "usage_z", "from": "data_usage_gb",
             "ops": [{"clip": {"min": 0.0, "max": 100.0}}, {"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "tenure_band", "from": "tenure_days", "ops": [{"bucketize": [30, 90, 180, 365, 730]}]},
            {"name": "session_len", "from": "avg_session_min",
             "ops": [{"impute": 15.0}, {"min_max": {"min": 0.0, "max": 120.0}}]},
            {"name": "late", "from": "late_payments", "ops": [{"clip": {"max": 5}}]},
            {"name": "autopay", "from": "autopay"},
            {"name": "rating_z", "from": "rating", "ops": [{"standardize": {"mean": 0.0, "std": 1.0}}]},
        ],
        "model": {"input": "input", "outputs": {"score": {"output": "probabilities", "index": 1}}},
    }


def mlp_row(rng, i):
    tenure = int(rng.choice([30, 90, 180, 365, 730])) if rng.random() < 0.1 else int(rng.integers(0, 1500))
    return {
        "session_id": f"S{i:05d}",
        "plan_tier": str(int(rng.choice([1, 2, 3, 4], p=[0.4, 0.3, 0.25, 0.05]))),
        "device_type": str(rng.choice(["mobile", "desktop", "tablet", "tv"], p=[0.5, 0.3, 0.15, 0.05])),
        "monthly_spend": f"{rng.uniform(0, 240):.2f}",
        "data_usage_gb": f"{rng.gamma(2.0, 15.0):.2f}",
        "tenure_days": str(tenure),
        "avg_session_min": "" if rng.random() < 0.08 else f"{rng.gamma(3.0, 6.0):.1f}",
        "late_payments": str(int(rng.poisson(1.0))),
        "autopay": str(rng.choice(["true", "false", "True"])),
        "rating": str(int(rng.integers(1, 6))),
    }


def mlp_truth(X):
    return (1.5 * X[:, 0] - 0.5 * X[:, 2] + 2.0 * (X[:, 6] - 0.5) ** 2 - 0.7 * X[:, 9] + 0.4 * X[:, 11]
            - 0.8 * X[:, 12] + 0.6 * (X[:, 10] > 2) - 0.6 * X[:, 7] - 0.3)


def build_mlp(seed=33):
    rng = np.random.default_rng(seed)
    fx = Fixture(name="golden-mlp", fields=MLP_FIELDS, spec=mlp_spec(), header=MLP_HEADER, batch=MLP_BATCH)
    train = [mlp_row(rng, i) for i in range(3000)]
    fit_standardize(fx.spec, decode_rows(fx, train))
    X, _ = texts_to_features(fx, train)
    y = bernoulli_labels(rng, mlp_truth(X.astype(np.float64)))
    fx.clf = MLPClassifier(hidden_layer_sizes=(16, 8), activation="relu", max_iter=400,
                           random_state=3).fit(X.astype(np.float64), y)
    graph = onnx_mlp(fx.clf, X.shape[1], "input", MLP_BATCH, "mlp")
    fx.model = make_model(graph, [("", 13)], 7, "sklearn MLPClassifier (16, 8) relu, fixed batch 8")
    verify_model(fx.model, fx.clf, X, "input", fx.spec["model"]["outputs"], MLP_BATCH)
    return fx, rng


def mlp_lines(fx, rng, n_good):
    cands = [mlp_row(rng, i) for i in range(n_good + 60)]
    special = [
        dict(tenure_days="30", plan_tier="4", note="boundary; unseen int"),
        dict(tenure_days="730", device_type="tv", note="boundary; unseen string"),
        dict(data_usage_gb="Infinity", note="float Infinity clipped to 100"),
        dict(data_usage_gb="-1.5", note="clipped to 0"),
        dict(avg_session_min="NaN", note="imputed"),
        dict(avg_session_min="", note="imputed"),
        dict(late_payments="2147483647", note="int max, clipped to 5"),
        dict(monthly_spend="200", data_usage_gb="0.1", note="float 0.1"),
        dict(monthly_spend="250.75", note="min_max above 1"),
        dict(tenure_days="0", autopay="FALSE", note="zeros"),
    ]
    for j, s in enumerate(special):
        cands.insert(4 + 13 * j, {**mlp_row(rng, 9000 + j), **{k: v for k, v in s.items() if k != "note"}})
    good_rows = pick_good(fx, cands, n_good)
    good = [row_line(fx, r) for r in good_rows]
    base = [mlp_row(rng, 5000 + j) for j in range(10)]
    bad = [
        mutate(fx, base[0], "decode:autopay", autopay="maybe"),
        mutate(fx, base[1], "missing:rating", rating=""),
        mutate(fx, base[2], "decode:data_usage_gb", data_usage_gb="abc"),
        mutate(fx, base[3], "schema:plan_tier", plan_tier=""),
        mutate(fx, base[4], "decode:tenure_days", tenure_days="3000000000"),
        mutate(fx, base[5], "nan:spend", monthly_spend="Infinity"),
        short_line(fx, base[6]),
        mutate(fx, base[7], "decode:late_payments", late_payments="-2147483649"),
        mutate(fx, base[8], "missing:monthly_spend", monthly_spend="NaN"),
        mutate(fx, base[9], "schema:device_type", device_type=""),
    ]
    return layout(good, bad)


MLP_COMMENT = [
    "Golden fixture 'mlp': sklearn MLPClassifier (16, 8), relu, exported by hand as",
    "MatMul/Add/Relu/Sigmoid with a FIXED batch dimension of 8 (IR 7, opset 13).",
    "one_hot over an int field compares text: 1 matches the int 1.",
]


# ----------------------------------------------------------------------------------------------
# Fixture 4: windows
# ----------------------------------------------------------------------------------------------
WIN_FIELDS = [
    Field("customer_id", "string"),
    Field("event_time", "long", logical="timestamp-millis"),
    Field("amount", "double", nullable=True),
    Field("channel", "string"),
    Field("items", "int", nullable=True),
]
T0 = int(datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc).timestamp() * 1000)
MAX_LATE_MS = 5000


def win_spec():
    return {
        "key": "customer_id",
        "time": "event_time",
        "features": [
            {"name": "txn_count_1h", "window": {"agg": "count", "over": "1h"}},
            {"name": "amount_sum_24h", "window": {"agg": "sum", "of": "amount", "over": "24h"},
             "ops": [{"clip": {"min": 0.0}}, "log1p"]},
            {"name": "amount_mean_1h", "window": {"agg": "mean", "of": "amount", "over": "1h"}, "ops": [{"impute": 0.0}]},
            {"name": "amount_max_10m", "window": {"agg": "max", "of": "amount", "over": "10m"}, "ops": [{"impute": 0.0}]},
            {"name": "amount_min_90s", "window": {"agg": "min", "of": "amount", "over": "90s"}, "ops": [{"impute": 0.0}]},
            {"name": "amount_log", "from": "amount", "ops": [{"impute": 0.0}, "log1p"]},
            {"name": "items_z", "from": "items", "ops": [{"standardize": {"mean": 0.0, "std": 1.0}}]},
            {"name": "channel", "from": "channel", "ops": [{"one_hot": ["web", "app", "store"]}]},
        ],
        "model": {"input": "X",
                  "outputs": {"score": {"output": "probabilities", "index": 1}, "label": {"output": "label"}}},
    }


class Ev:
    def __init__(self, key, t, amount, channel, items, reason=None, note=""):
        self.key, self.t, self.amount, self.channel, self.items = key, t, amount, channel, items
        self.reason, self.note = reason, note
        self.time_text = str(t)

    def row(self):
        return {"customer_id": self.key, "event_time": self.time_text, "amount": self.amount,
                "channel": self.channel, "items": self.items}


def win_random_events(rng, keys, start, span_ms):
    evs = []
    for key in keys:
        for _ in range(int(rng.integers(3, 8))):
            t = start + int(rng.integers(0, span_ms - 3_600_000))
            for _ in range(int(rng.integers(2, 7))):
                u = rng.random()
                am = "" if u < 0.08 else ("NaN" if u < 0.10 else f"{rng.lognormal(3.0, 1.0):.2f}")
                evs.append(Ev(key, t, am, str(rng.choice(["web", "app", "store", "kiosk"], p=[0.45, 0.35, 0.15, 0.05])),
                              str(int(rng.integers(1, 10)))))
                g = rng.random()
                t += (0 if g < 0.08 else int(rng.integers(1000, 20_000)) if g < 0.45
                      else int(rng.integers(20_000, 120_000)) if g < 0.8 else int(rng.integers(300_000, 900_000)))
    return evs


def win_crafted_events(key, t0):
    """One key's events pinning down the window edges (times relative to t0)."""
    E = lambda dt, am, **kw: Ev(key, t0 + dt, am, kw.pop("ch", "web"), kw.pop("items", "2"), **kw)  # noqa: E731
    return [
        E(0, "10.00", note="first"),
        E(0, "20.00", note="tie in time: sees the first, not vice versa"),
        E(89_999, "5.00", note="90s window still holds t0"),
        E(90_000, "7.00", note="t0 is exactly 90s old: outside"),
        E(600_000, "", note="null amount: min_90s empty -> impute; 10m excludes t0"),
        E(697_000, "3.25", ch="app", note="arrives after the next one (3 s late)"),
        E(700_000, "4.75", ch="app", note="sorted after the late one"),
        E(720_000, "12.50", items="", reason="missing:items", note="dead-lettered but enters the state"),
        E(730_000, "-3", reason="nan:amount_log", note="dead-lettered (log1p(-3)) but enters the state"),
        E(760_000, "8.00", note="sees both dead-lettered events"),
        E(780_000, "abc", reason="decode:amount", note="does not decode: never enters the state"),
        E(800_000, "9.00", note="does not see the undecodable one"),
        E(3_600_000, "1.00", note="t0 events exactly 1h old: outside"),
        E(3_600_001, "2.00", note="both t0 events outside"),
        E(86_400_000 + 89_999, "0.50", note="24h later"),
    ]


def arrival_order(rng, evs, swap_pairs):
    """Time-sorted, then some events delayed by at most MAX_LATE_MS behind the max time seen."""
    order = sorted(range(len(evs)), key=lambda i: (evs[i].t, i))
    # crafted: the event at index a arrives right after the one at index b
    for a, b in swap_pairs:
        order.remove(a)
        order.insert(order.index(b) + 1, a)
    crafted = {i for pair in swap_pairs for i in pair}
    moved = set()
    for p in range(len(order) - 1):
        i = order[p]
        if i in crafted or i in moved or rng.random() >= 0.5:
            continue
        q = p
        while q + 1 < len(order) and evs[order[q + 1]].t <= evs[i].t + MAX_LATE_MS and order[q + 1] not in crafted:
            q += 1
        if q > p:
            order.pop(p)
            order.insert(q, i)
            moved.add(i)
    seen = -1
    for i in order:
        if evs[i].t < seen - MAX_LATE_MS:
            fail("windows: an event is more than 5 s late")
        seen = max(seen, evs[i].t)
    return [evs[i] for i in order]


def win_features_for(fx, evs):
    """Feature matrix of the events that featurize (training), via the same brute force."""
    recs = []
    for n, e in enumerate(evs):
        try:
            recs.append((n, {f.name: decode_value(f, e.row()[f.name]) for f in fx.fields}))
        except Dead:
            pass
    wins = window_values(fx.spec, [(n, r["customer_id"], r["event_time"], r) for n, r in recs])
    return recs, wins


def build_windows(seed=44):
    rng = np.random.default_rng(seed)
    fx = Fixture(name="golden-windows", fields=WIN_FIELDS, spec=win_spec())
    train_evs = win_random_events(rng, [f"t_{k:03d}" for k in range(120)], T0 - 7 * 86_400_000, 2 * 86_400_000)
    recs, wins = win_features_for(fx, train_evs)
    for n, r in recs:
        r["__windows__"] = wins[n]
    fit_standardize(fx.spec, [r for _, r in recs])
    X = []
    for n, r in recs:
        try:
            X.append(featurize(fx.spec, r, wins[n]))
        except Dead:
            pass
    X = np.vstack(X)
    logit = (0.6 * X[:, 0] + 0.3 * X[:, 1] - 0.01 * X[:, 2] + 0.004 * X[:, 3] - 0.3 * X[:, 5]
             + 0.5 * X[:, 6] + 0.4 * X[:, 8] - 0.6 * X[:, 9] - 2.5)
    y = bernoulli_labels(rng, logit)
    fx.clf = LogisticRegression(C=1.0, max_iter=1000).fit(X.astype(np.float64), y)
    graph = onnx_logreg(fx.clf, X.shape[1], "X", "gemm", "windows")
    fx.model = make_model(graph, [("", 15)], 8, "sklearn LogisticRegression as Gemm/Sigmoid")
    verify_model(fx.model, fx.clf, X, "X", fx.spec["model"]["outputs"])
    return fx, rng


def windows_lines(fx, rng):
    keys = [f"cust_{k:03d}" for k in range(1, 31)]
    evs = win_random_events(rng, [k for k in keys if k != "cust_007"], T0, 2 * 86_400_000)
    crafted = win_crafted_events("cust_007", T0 + 10 * 3_600_000 + 123)
    base = len(evs)
    evs += crafted
    # bad rows that never enter the state (their time keeps them in arrival order)
    evs.append(Ev("", T0 + 5 * 3_600_000, "12.00", "web", "1", "schema:customer_id", "no key"))
    bt = Ev("cust_007", T0 + 10 * 3_600_000 + 123 + 790_000, "15.00", "web", "1", "decode:event_time",
            "ISO text for a timestamp-millis long")
    bt.time_text = "2026-11-20T10:13:10.123Z"
    evs.append(bt)
    rec_bad = Ev("cust_012", T0 + 30 * 3_600_000, "33.00", "app", "2", "decode:record", "one column missing")
    evs.append(rec_bad)
    order = arrival_order(rng, evs, [(base + 5, base + 6)])
    # the file must exercise what it claims to: out-of-order lines, within a key too, and ties
    seen, seen_key, late, late_key, ties = -1, {}, 0, 0, 0
    for e in order:
        if e.reason in ("schema:customer_id", "decode:event_time", "decode:record"):
            continue
        late += e.t < seen
        late_key += e.t < seen_key.get(e.key, -1)
        ties += e.t == seen_key.get(e.key, -1)
        seen, seen_key[e.key] = max(seen, e.t), max(seen_key.get(e.key, -1), e.t)
    if late < 10 or late_key < 3 or ties < 5:
        fail(f"windows: too few out-of-order lines ({late}, same key {late_key}) or ties ({ties})")
    print(f"  windows: {late} out-of-order lines ({late_key} behind their own key), {ties} time ties")
    lines = []
    for e in order:
        if e is rec_bad:
            vals = [e.row()[h] for h in fx.header]
            lines.append(Line(csv_line(vals[:-1]), e.reason, e.note))
        else:
            lines.append(Line(csv_line([e.row()[h] for h in fx.header]), e.reason, e.note))
    return lines


WIN_COMMENT = [
    "Golden fixture 'windows': keyed event-time window features plus row features,",
    "sklearn LogisticRegression exported by hand as Gemm/Sigmoid.",
    "Windows: events of the same key with time in (t - over, t], in (time, arrival) order.",
]


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------
def summary(name, good, dead):
    print(f"  {name}: {len(good)} good rows, {len(dead)} dead letters: "
          + ", ".join(sorted({r for _, r in dead})))


def main():
    check_murmur()
    print("murmur3_x86_32 test vectors: ok")
    print("ONNX check: " + ("onnx.reference.ReferenceEvaluator + numpy evaluator" if HAVE_REFERENCE
                            else f"numpy evaluator (onnx {onnx.__version__} has no onnx.reference)"))

    fx, rng = build_lr()
    root = GOLDEN / "lr"
    write_bundle(root / "bundle", fx.name, "1", "golden fixture: logistic regression churn model",
                 fx.spec, LR_COMMENT, avsc_text("Customer", LR_AVSC_DOC, LR_FIELDS), fx.model)
    summary("lr", *write_fixture(fx, root, lr_lines(fx, rng, 200)))

    # the README demo: the same design, its own data
    cfx, crng = build_lr(seed=11, name="churn")
    assert cfx.model.SerializeToString() == fx.model.SerializeToString()
    croot = EXAMPLES / "churn"
    write_bundle(croot / "bundle", "churn", "1", "Customer churn: logistic regression (Lockstep example)",
                 cfx.spec, ["Churn model of the Lockstep README demo (same design as the golden 'lr' fixture)."],
                 avsc_text("Customer", "Customer snapshot for churn scoring", LR_FIELDS), cfx.model)
    crng = np.random.default_rng(1234)
    good = [row_line(cfx, lr_row(crng, i, "U")) for i in range(5000)]
    base = [lr_row(crng, 8000 + j) for j in range(6)]
    for b in base:
        b["total_charges"] = "100.00"
    bad = [mutate(cfx, base[0], "decode:monthly_charges", monthly_charges="abc"),
           mutate(cfx, base[1], "missing:days_since_login", days_since_login=""),
           mutate(cfx, base[2], "decode:paperless_billing", paperless_billing="maybe"),
           mutate(cfx, base[3], "schema:country", country=""),
           mutate(cfx, base[4], "nan:charges_z", monthly_charges="Infinity"),
           short_line(cfx, base[5])]
    lines = layout(good, bad)
    path = croot / "events.csv"
    write_text(path, "\n".join([csv_line(cfx.header)] + [ln.text for ln in lines]) + "\n")
    _, _, cgood, cdead = score_file(cfx, path)
    want = sorted((i + 2, ln.reason) for i, ln in enumerate(lines) if ln.reason)
    if cdead != want:
        fail(f"churn example: dead letters {cdead} != {want}")
    if len(cgood) != 5000 or path.stat().st_size > 1_000_000:
        fail("churn example: wrong size")
    print(f"  examples/churn: {len(cgood)} good rows, {len(cdead)} dead letters")

    fx, rng = build_trees()
    root = GOLDEN / "trees"
    write_bundle(root / "bundle", fx.name, "1", "golden fixture: random forest fraud model with ZipMap output",
                 fx.spec, TREES_COMMENT, avsc_text("Transaction", "Card transaction (Lockstep golden fixture)",
                                                   TREES_FIELDS), fx.model)
    summary("trees", *write_fixture(fx, root, trees_lines(fx, rng, 200)))

    fx, rng = build_mlp()
    root = GOLDEN / "mlp"
    write_bundle(root / "bundle", fx.name, "1", "golden fixture: MLP with a fixed batch dimension of 8",
                 fx.spec, MLP_COMMENT, avsc_text("Subscriber", "Subscriber month (Lockstep golden fixture)",
                                                 MLP_FIELDS), fx.model)
    summary("mlp", *write_fixture(fx, root, mlp_lines(fx, rng, 203)))

    fx, rng = build_windows()
    root = GOLDEN / "windows"
    write_bundle(root / "bundle", fx.name, "1", "golden fixture: event-time window features per customer",
                 fx.spec, WIN_COMMENT, avsc_text("Payment", "Payment event (Lockstep golden fixture)",
                                                 WIN_FIELDS), fx.model)
    summary("windows", *write_fixture(fx, root, windows_lines(fx, rng)))

    for p in sorted(list(GOLDEN.rglob("*.onnx")) + list(EXAMPLES.rglob("*.onnx"))):
        if p.stat().st_size > 1_000_000:
            fail(f"{p} is over 1 MB")
    print("done")


if __name__ == "__main__":
    main()
