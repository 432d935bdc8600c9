#!/usr/bin/env python3
"""Write the benchmark bundle of issue 15's cold spark-submit figure: `id` plus 30 doubles, 30
features (each `standardize`), a logistic regression (MatMul + Add + Sigmoid) with outputs
`probabilities` [N, 2] and `label` [N].

    /usr/bin/python3 deploy/spark/bench/make_wide_bundle.py OUT_DIR

Writes OUT_DIR/{features.yaml,input.avsc,model.onnx}; pack them with `bin/lockstep bundle` (the
bench scripts do). Deterministic: fixed seed, so every run writes the same bytes. Needs Debian's
python3-onnx and python3-numpy only.
"""
import json
import sys
from pathlib import Path

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper

F = 30


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(15)
    means = rng.normal(0.0, 10.0, F)
    stds = rng.uniform(0.5, 5.0, F)
    fields = [{"name": "id", "type": "string"}] + [{"name": f"x{i}", "type": "double"} for i in range(F)]
    (out / "input.avsc").write_text(json.dumps(
        {"type": "record", "name": "Wide", "namespace": "lockstep.bench", "fields": fields}, indent=1) + "\n")
    spec = ["# issue 15 benchmark bundle: 30 standardized doubles, logistic regression", "key: id", "features:"]
    for i in range(F):
        spec += [f"  - name: x{i}_z", f"    from: x{i}",
                 f"    ops: [ {{standardize: {{mean: {means[i]:.6f}, std: {stds[i]:.6f}}}}} ]"]
    spec += ["model:", "  input: features", "  outputs:", "    score: {output: probabilities, index: 1}",
             "    label: {output: label}"]
    (out / "features.yaml").write_text("\n".join(spec) + "\n")

    coef = rng.normal(0.0, 0.3, (F, 1)).astype(np.float32)
    inits = [numpy_helper.from_array(coef, "coef"), numpy_helper.from_array(np.float32([0.1]), "intercept"),
             numpy_helper.from_array(np.float32([1.0]), "one")]
    nodes = [helper.make_node("MatMul", ["features", "coef"], ["xw"]),
             helper.make_node("Add", ["xw", "intercept"], ["logit"]),
             helper.make_node("Sigmoid", ["logit"], ["p1"]),
             helper.make_node("Sub", ["one", "p1"], ["p0"]),
             helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
             helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0)]
    graph = helper.make_graph(nodes, "wide30_lr", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", F])],
                              [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]),
                               helper.make_tensor_value_info("label", TensorProto.INT64, ["N"])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="lockstep bench")
    model.ir_version = 7
    checker.check_model(model, full_check=True)
    (out / "model.onnx").write_bytes(model.SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "wide30")
