"""Writes common/src/test/resources/fixtures/model-cannot-run/model.onnx: a model that loads, takes the
golden 'lr' spec's float input [N, 13] and has its outputs ('probabilities' [N, 2], 'label' [N]), but
whose every run fails in ONNX Runtime: it reshapes the input to a fixed [2, 2], which no [N, 13] fits.
Used to prove that a model that cannot run stops the job instead of dead-lettering every record.

Run: /usr/bin/python3 common/src/test/python/make_model_cannot_run.py
"""
import os

import onnx
from onnx import TensorProto, helper

WIDTH = 13
features = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", WIDTH])
probabilities = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])
label = helper.make_tensor_value_info("label", TensorProto.INT64, ["N"])
nodes = [
    helper.make_node("Constant", [], ["shape"], value=helper.make_tensor("s", TensorProto.INT64, [2], [2, 2])),
    helper.make_node("Reshape", ["features", "shape"], ["square"]),
    helper.make_node("ReduceSum", ["square"], ["total"], keepdims=0),
    helper.make_node("Constant", [], ["starts"], value=helper.make_tensor("a", TensorProto.INT64, [1], [0])),
    helper.make_node("Constant", [], ["ends"], value=helper.make_tensor("b", TensorProto.INT64, [1], [2])),
    helper.make_node("Constant", [], ["axes"], value=helper.make_tensor("c", TensorProto.INT64, [1], [1])),
    helper.make_node("Slice", ["features", "starts", "ends", "axes"], ["two"]),
    helper.make_node("Add", ["two", "total"], ["probabilities"]),
    helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
]
graph = helper.make_graph(nodes, "model_cannot_run", [features], [probabilities, label])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="lockstep-tests")
model.ir_version = 7
onnx.checker.check_model(model)
out = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "model-cannot-run", "model.onnx")
onnx.save(model, out)
print("wrote", os.path.normpath(out))
