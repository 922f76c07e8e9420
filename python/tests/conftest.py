"""Fixtures: a tiny ONNX MLP built with onnx.helper (no torch), compiled once per test session."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import cml

FEATURES, HIDDEN, CLASSES = 4, 6, 3


def make_mlp(seed: int = 0, opset: int = 14) -> onnx.ModelProto:
    """x[N,4] -> Gemm(4->6) -> Relu -> Gemm(6->3) -> y[N,3], fixed random weights."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.6, (HIDDEN, FEATURES)).astype(np.float32)
    b1 = rng.normal(0, 0.1, HIDDEN).astype(np.float32)
    w2 = rng.normal(0, 0.6, (CLASSES, HIDDEN)).astype(np.float32)
    b2 = rng.normal(0, 0.1, CLASSES).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], transB=1)]
    graph = helper.make_graph(
        nodes, "tiny_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", FEATURES])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", CLASSES])],
        [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    return model


def float_forward(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    """The MLP in float64 numpy: the reference the quantized outputs approximate."""
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    hidden = np.maximum(x @ w["w1"].T + w["b1"], 0)
    return hidden @ w["w2"].T + w["b2"]


@pytest.fixture(scope="session")
def mlp():
    return make_mlp()


@pytest.fixture(scope="session")
def inputset():
    return np.random.default_rng(1).uniform(-1, 1, (100, FEATURES)).astype(np.float32)


@pytest.fixture(scope="session")
def compiled(mlp, inputset):
    """4-bit PTQ with exact rounding to 4 bits: small keys, fast PBS."""
    return cml.compile_onnx_model(mlp, inputset, n_bits=4, rounding_threshold_bits=4)


def make_two_input_mlp(seed: int = 2) -> onnx.ModelProto:
    """a[N,2], b[N,3] -> Concat -> Gemm(5->4) -> Relu -> Gemm(4->2) -> y[N,2]."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.6, (4, 5)).astype(np.float32)
    w2 = rng.normal(0, 0.6, (2, 4)).astype(np.float32)
    nodes = [helper.make_node("Concat", ["a", "b"], ["ab"], axis=1),
             helper.make_node("Gemm", ["ab", "w1"], ["h"], transB=1),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "w2"], ["y"], transB=1)]
    graph = helper.make_graph(
        nodes, "two_inputs", [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 2]),
                              helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    return model
