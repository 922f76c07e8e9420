#!/usr/bin/env python3
"""Generate Tests/FHECompilerTests/Fixtures/zoo: small hand-built ONNX graphs shaped like the torch and
Brevitas exports of Concrete ML's test models that cml used to refuse (issue 16). Run once; CI needs no Python.

  python3 -m venv /work/venv-zoo && /work/venv-zoo/bin/pip install onnx numpy
  /work/venv-zoo/bin/python Scripts/make_zoo_fixtures.py

Each model `<name>.onnx` comes with `<name>_calibration.npy` (the input set, batch axis first). The float
reference is the model itself, run by cml's float interpreter in the tests.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "Tests" / "FHECompilerTests" / "Fixtures" / "zoo"
BREVITAS = "onnx.brevitas"


def save(name, nodes, inputs, outputs, initializers, domains=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    imports = [helper.make_opsetid("", 14)] + [helper.make_opsetid(d, 1) for d in domains]
    model = helper.make_model(graph, opset_imports=imports, ir_version=8, producer_name="make_zoo_fixtures")
    if not domains:
        onnx.checker.check_model(model)
    (TARGET / f"{name}.onnx").write_bytes(model.SerializeToString())


def value(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def tensor(array, name):
    return numpy_helper.from_array(array, name)


def quant(name, x, y, scale, bits, signed=1):
    """A Brevitas Quant node (zero point 0, as Brevitas exports activations and weights)."""
    return helper.make_node("Quant", [x, scale, "zero", bits], [y], name=name, domain=BREVITAS,
                            signed=signed, narrow=0, rounding_mode="ROUND")


def embedding(rng):
    # EmbeddingModel: nn.Embedding(10, 3) -> nn.Linear(3, 5) -> ReLU on int64 token ids [1, 4].
    nodes = [
        helper.make_node("Gather", ["embedding.weight", "x"], ["/embedding/Gather_output_0"], name="/embedding/Gather"),
        helper.make_node("MatMul", ["/embedding/Gather_output_0", "fc.weight_t"], ["/fc/MatMul_output_0"], name="/fc/MatMul"),
        helper.make_node("Add", ["fc.bias", "/fc/MatMul_output_0"], ["/fc/Add_output_0"], name="/fc/Add"),
        helper.make_node("Relu", ["/fc/Add_output_0"], ["y"], name="/act/Relu"),
    ]
    inits = [tensor(rng.normal(size=(10, 3)).astype(np.float32), "embedding.weight"),
             tensor(rng.normal(size=(3, 5)).astype(np.float32), "fc.weight_t"),
             tensor(rng.normal(size=(5,)).astype(np.float32), "fc.bias")]
    save("embedding", nodes, [value("x", [1, 4], TensorProto.INT64)], [value("y", [1, 4, 5])], inits)
    np.save(TARGET / "embedding_calibration.npy", rng.integers(0, 10, size=(60, 4)).astype(np.int64))


def batch_reshape(rng):
    # x.view(-1, 1) -> Linear(1, 3) -> ReLU -> unsqueeze(0) -> flatten(1) -> Linear(15, 2): the batch axis (1)
    # is merged into the first reshape and comes back as the unsqueezed axis.
    nodes = [
        helper.make_node("Reshape", ["x", "minus_one_one"], ["/Reshape_output_0"], name="/Reshape"),
        helper.make_node("MatMul", ["/Reshape_output_0", "fc1.weight_t"], ["/fc1/MatMul_output_0"], name="/fc1/MatMul"),
        helper.make_node("Add", ["fc1.bias", "/fc1/MatMul_output_0"], ["/fc1/Add_output_0"], name="/fc1/Add"),
        helper.make_node("Relu", ["/fc1/Add_output_0"], ["/Relu_output_0"], name="/Relu"),
        helper.make_node("Unsqueeze", ["/Relu_output_0", "axes0"], ["/Unsqueeze_output_0"], name="/Unsqueeze"),
        helper.make_node("Flatten", ["/Unsqueeze_output_0"], ["/Flatten_output_0"], name="/Flatten", axis=1),
        helper.make_node("Gemm", ["/Flatten_output_0", "fc2.weight", "fc2.bias"], ["y"], name="/fc2/Gemm", transB=1),
    ]
    inits = [tensor(np.array([-1, 1], dtype=np.int64), "minus_one_one"),
             tensor(np.array([0], dtype=np.int64), "axes0"),
             tensor(rng.normal(size=(1, 3)).astype(np.float32), "fc1.weight_t"),
             tensor(rng.normal(size=(3,)).astype(np.float32), "fc1.bias"),
             tensor(rng.normal(size=(2, 15)).astype(np.float32), "fc2.weight"),
             tensor(rng.normal(size=(2,)).astype(np.float32), "fc2.bias")]
    save("batch_reshape", nodes, [value("x", [1, 5])], [value("y", [1, 2])], inits)
    np.save(TARGET / "batch_reshape_calibration.npy", rng.normal(size=(60, 5)).astype(np.float32))


def qat_padding(rng):
    # PaddingNet, Brevitas: QuantIdentity -> F.pad -> F.pad -> QuantConv2d (3-bit weights) -> QuantReLU.
    weights = rng.integers(-3, 4, size=(2, 1, 3, 3)).astype(np.float32) * 0.25
    nodes = [
        quant("/quant_input/Quant", "x", "/quant_input/Quant_output_0", "s_in", "b4"),
        helper.make_node("Pad", ["/quant_input/Quant_output_0", "pads"], ["/Pad_output_0"], name="/Pad", mode="constant"),
        helper.make_node("Pad", ["/Pad_output_0", "pads"], ["/Pad_1_output_0"], name="/Pad_1", mode="constant"),
        quant("/conv/weight_quant/Quant", "conv.weight", "/conv/weight_quant/Quant_output_0", "s_w", "b3"),
        helper.make_node("Conv", ["/Pad_1_output_0", "/conv/weight_quant/Quant_output_0"], ["/conv/Conv_output_0"],
                         name="/conv/Conv", kernel_shape=[3, 3]),
        helper.make_node("Relu", ["/conv/Conv_output_0"], ["/relu/Relu_output_0"], name="/relu/Relu"),
        quant("/relu/act_quant/Quant", "/relu/Relu_output_0", "y", "s_out", "b4", signed=0),
    ]
    inits = [tensor(np.array(0.25, dtype=np.float32), "s_in"), tensor(np.array(0.25, dtype=np.float32), "s_w"),
             tensor(np.array(0.5, dtype=np.float32), "s_out"), tensor(np.array(0.0, dtype=np.float32), "zero"),
             tensor(np.array(4.0, dtype=np.float32), "b4"), tensor(np.array(3.0, dtype=np.float32), "b3"),
             tensor(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads"), tensor(weights, "conv.weight")]
    save("qat_padding", nodes, [value("x", [1, 1, 4, 4])], [value("y", [1, 2, 6, 6])], inits, domains=[BREVITAS])
    np.save(TARGET / "qat_padding_calibration.npy", rng.uniform(-2, 2, size=(40, 1, 4, 4)).astype(np.float32))


def qat_chain(rng):
    # Two Brevitas quantizers of one input feeding a third: q3(q1(x) + q2(x)) -> QuantLinear(10, 3).
    weights = rng.integers(-3, 4, size=(10, 3)).astype(np.float32) * 0.125
    nodes = [
        quant("/q1/Quant", "x", "/q1/Quant_output_0", "s1", "b4"),
        quant("/q2/Quant", "x", "/q2/Quant_output_0", "s2", "b3"),
        helper.make_node("Add", ["/q1/Quant_output_0", "/q2/Quant_output_0"], ["/Add_output_0"], name="/Add"),
        quant("/q3/Quant", "/Add_output_0", "/q3/Quant_output_0", "s3", "b4"),
        quant("/fc/weight_quant/Quant", "fc.weight_t", "/fc/weight_quant/Quant_output_0", "s_w", "b3"),
        helper.make_node("MatMul", ["/q3/Quant_output_0", "/fc/weight_quant/Quant_output_0"], ["y"], name="/fc/MatMul"),
    ]
    inits = [tensor(np.array(0.2, dtype=np.float32), "s1"), tensor(np.array(0.5, dtype=np.float32), "s2"),
             tensor(np.array(0.4, dtype=np.float32), "s3"), tensor(np.array(0.125, dtype=np.float32), "s_w"),
             tensor(np.array(0.0, dtype=np.float32), "zero"), tensor(np.array(4.0, dtype=np.float32), "b4"),
             tensor(np.array(3.0, dtype=np.float32), "b3"), tensor(weights, "fc.weight_t")]
    save("qat_chain", nodes, [value("x", [1, 10])], [value("y", [1, 3])], inits, domains=[BREVITAS])
    np.save(TARGET / "qat_chain_calibration.npy", rng.uniform(-1.5, 1.5, size=(40, 10)).astype(np.float32))


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(16)
    embedding(rng)
    batch_reshape(rng)
    qat_padding(rng)
    qat_chain(rng)
    print(f"wrote {sorted(p.name for p in TARGET.iterdir())}")


if __name__ == "__main__":
    main()
