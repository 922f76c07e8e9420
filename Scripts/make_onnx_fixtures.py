#!/usr/bin/env python3
"""Generate the ONNX test fixtures of Tests/FHECompilerTests/Fixtures (run once; CI needs no Python).

  python3 -m venv /work/venv-fixtures
  /work/venv-fixtures/bin/pip install torch==2.3.1 brevitas==0.10.2 onnx==1.17.0 onnxruntime==1.18.0 \
      "numpy<2" scikit-learn
  /work/venv-fixtures/bin/python Scripts/make_onnx_fixtures.py [--only node|torch|models]

(a) onnx-node/: the ONNX project's own backend node tests (shipped in the onnx wheel) for every
    operator cml claims, filtered to the data types cml supports.
(b) torch/: whole models exported from PyTorch/Brevitas with an input and the reference output
    (onnxruntime for float models, the torch model itself for Brevitas).
(c) onnx-graphs/: small hand-built graphs for importer rewrites and every error path.
(d) models/: the three benchmark models of issue 5 with calibration/test sets.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "FHECompilerTests" / "Fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Operators with a float kernel in Sources/FHECompiler/Interpreter (default domain).
CLAIMED_OPS = {
    # linear / leveled
    "Gemm", "MatMul", "Conv", "AveragePool", "GlobalAveragePool", "ReduceSum", "ReduceMean", "ReduceMax",
    "ReduceMin", "ReduceProd", "Add", "Sub", "Mul", "Div", "Sum", "Mean",
    # univariate
    "Relu", "PRelu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
    "Softplus", "Softsign", "Mish", "Gelu", "Exp", "Log", "Sqrt", "Reciprocal", "Abs", "Neg", "Sign", "Round",
    "Floor", "Ceil", "Erf", "Not", "Clip", "Identity", "Cast", "BatchNormalization", "ThresholdedRelu",
    "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Cos", "Cosh", "Sin", "Sinh", "Tan",
    "Pow", "Or", "And", "Xor", "Max", "Min", "Mod", "Dropout",
    # comparisons / select
    "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal", "Where",
    # shape / data movement
    "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Expand", "Concat", "Gather", "Slice", "Pad",
    "MaxPool", "GlobalMaxPool", "Shape", "Size", "ConstantOfShape", "Tile", "Split", "Constant",
    # quantization, softmax
    "QuantizeLinear", "DequantizeLinear", "Softmax", "LogSoftmax",
}
SUPPORTED_DTYPES = {1, 2, 3, 6, 7, 9, 11}  # float, uint8, int8, int32, int64, bool, double
# Cases outside what cml implements on purpose (training-mode ops, column-major indices, ...).
EXCLUDED_SUBSTRINGS = ("training", "storage_order", "blocked", "_expanded", "string", "sequence")
MAX_CASE_BYTES = 64 * 1024


def node_fixtures() -> None:
    import onnx
    from onnx import numpy_helper  # noqa: F401  (import checks the wheel is complete)

    source = Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"
    target = FIXTURES / "onnx-node"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    kept, skipped, total_bytes = [], {}, 0
    for case in sorted(source.iterdir()):
        reason = _node_case_problem(case)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        destination = target / case.name
        (destination / "test_data_set_0").mkdir(parents=True)
        shutil.copy(case / "model.onnx", destination / "model.onnx")
        for pb in sorted((case / "test_data_set_0").glob("*.pb")):
            shutil.copy(pb, destination / "test_data_set_0" / pb.name)
        total_bytes += sum(f.stat().st_size for f in destination.rglob("*") if f.is_file())
        kept.append(case.name)
    (target / "CASES.txt").write_text("\n".join(kept) + "\n")
    print(f"onnx-node: {len(kept)} cases, {total_bytes / 1024:.0f} KiB; skipped: {skipped}")


def _node_case_problem(case: Path) -> str | None:
    import onnx

    if any(s in case.name for s in EXCLUDED_SUBSTRINGS):
        return "excluded feature"
    data = case / "test_data_set_0"
    if not (case / "model.onnx").exists() or not data.exists():
        return "no data set"
    size = (case / "model.onnx").stat().st_size + sum(f.stat().st_size for f in data.glob("*.pb"))
    if size > MAX_CASE_BYTES:
        return "too large"
    model = onnx.load(str(case / "model.onnx"))
    opsets = {o.domain: o.version for o in model.opset_import}
    if not 13 <= opsets.get("", opsets.get("ai.onnx", 0)) <= 22:
        return "opset"
    nodes = list(model.graph.node)
    if not nodes or any(n.domain not in ("", "ai.onnx") or n.op_type not in CLAIMED_OPS for n in nodes):
        return "op not claimed"
    for value in list(model.graph.input) + list(model.graph.output):
        if not value.type.HasField("tensor_type") or value.type.tensor_type.elem_type not in SUPPORTED_DTYPES:
            return "dtype"
    for init in model.graph.initializer:
        if init.data_type not in SUPPORTED_DTYPES:
            return "dtype"
    for node in nodes:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR and attribute.t.data_type not in SUPPORTED_DTYPES:
                return "dtype"
            if attribute.type == onnx.AttributeProto.GRAPH:
                return "subgraph"
    for pb in data.glob("*.pb"):
        tensor = onnx.TensorProto()
        try:
            tensor.ParseFromString(pb.read_bytes())
        except Exception:
            return "non-tensor data"
        if tensor.data_type not in SUPPORTED_DTYPES:
            return "dtype"
    return None


# ---------------------------------------------------------------------------------------------
# Whole models


def _ort_outputs(path: Path, feeds: dict) -> list:
    """onnxruntime outputs; a model frozen at batch 1 runs row by row."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    static_batch = any(isinstance(i.shape[0], int) and i.shape[0] == 1 for i in session.get_inputs())
    if not static_batch:
        return session.run(None, feeds)
    rows = next(iter(feeds.values())).shape[0]
    parts = [session.run(None, {k: v[[r]] for k, v in feeds.items()}) for r in range(rows)]
    return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]


def torch_fixtures() -> None:
    import torch
    import torch.nn as nn
    from cml_export import export_brevitas_qat_model, export_torch_model

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    target = FIXTURES / "torch"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3))

        def forward(self, x):
            return self.net(x)

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AvgPool2d(2),
                nn.Conv2d(4, 6, 3, stride=1, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(6 * 3 * 3, 5))

        def forward(self, image):
            return self.features(image)

    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(6, 4)
            self.b = nn.Linear(3, 4)
            self.head = nn.Linear(8, 2)

        def forward(self, left, right):
            joined = torch.cat([torch.relu(self.a(left)), self.b(right) * left[:, :4]], dim=1)
            return self.head(joined)

    class Activations(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(8, 12)
            self.fc2 = nn.Linear(12, 12)
            self.fc3 = nn.Linear(12, 4)

        def forward(self, x):
            h = torch.sigmoid(self.fc1(x)) + torch.tanh(self.fc1(x))
            h = nn.functional.gelu(self.fc2(h)) - nn.functional.silu(h)
            return self.fc3(h)

    class Conv1D(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=1), nn.ReLU(),
                                      nn.Conv1d(4, 2, 2, dilation=2), nn.Flatten(), nn.Linear(2 * 3, 2))

        def forward(self, x):
            return self.body(x)

    cases = [
        ("mlp", MLP(), {"x": rng.normal(size=(6, 10)).astype(np.float32)}, False),
        ("cnn", CNN(), {"image": rng.normal(size=(4, 2, 12, 12)).astype(np.float32)}, True),
        ("two_inputs", TwoInputs(), {"left": rng.normal(size=(5, 6)).astype(np.float32),
                                     "right": rng.normal(size=(5, 3)).astype(np.float32)}, True),
        ("activations", Activations(), {"x": rng.normal(size=(7, 8)).astype(np.float32)}, False),
        ("conv1d", Conv1D(), {"x": rng.normal(size=(3, 3, 9)).astype(np.float32)}, True),
    ]
    for name, model, feeds, dynamic in cases:
        model.eval()
        # Give BatchNorm non-trivial running statistics.
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.uniform_(-0.2, 0.2)
        path = target / f"{name}.onnx"
        export_torch_model(model, tuple(feeds.values()), path, input_names=list(feeds), dynamic_batch=dynamic)
        outputs = _ort_outputs(path, feeds)
        with torch.no_grad():
            reference = model(*[torch.from_numpy(v) for v in feeds.values()]).numpy()
        assert np.allclose(outputs[0], reference, atol=1e-5), name
        _save_feeds(target / f"{name}_input", feeds)
        np.save(target / f"{name}_output.npy", outputs[0])
        print(f"torch/{name}: {path.stat().st_size} bytes")

    qat = _brevitas_mlp(in_features=12, hidden=10, classes=3, bits=4)
    x = rng.normal(size=(6, 12)).astype(np.float32)
    _calibrate_brevitas(qat, x)
    path = target / "brevitas_mlp.onnx"
    export_brevitas_qat_model(qat, x, path)
    with torch.no_grad():
        reference = qat(torch.from_numpy(x)).numpy()
    np.save(target / "brevitas_mlp_input.npy", x)
    np.save(target / "brevitas_mlp_output.npy", reference)
    print(f"torch/brevitas_mlp: {path.stat().st_size} bytes")


def _save_feeds(stem: Path, feeds: dict) -> None:
    if len(feeds) == 1:
        np.save(stem.with_suffix(".npy"), next(iter(feeds.values())))
    else:
        np.savez(stem.with_suffix(".npz"), **feeds)


def _brevitas_mlp(in_features: int, hidden: int, classes: int, bits: int):
    import brevitas.nn as qnn
    import torch.nn as nn

    return nn.Sequential(
        qnn.QuantIdentity(bit_width=bits, return_quant_tensor=True),
        qnn.QuantLinear(in_features, hidden, bias=True, weight_bit_width=bits),
        qnn.QuantReLU(bit_width=bits, return_quant_tensor=True),
        qnn.QuantLinear(hidden, classes, bias=True, weight_bit_width=bits),
    )


def _calibrate_brevitas(model, x) -> None:
    """A few training-mode passes so the activation quantizers learn a range."""
    import torch

    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.from_numpy(x))
    model.eval()


# ---------------------------------------------------------------------------------------------
# Benchmark models (issue 5)


def model_fixtures() -> None:
    import torch
    import torch.nn as nn
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from cml_export import export_brevitas_qat_model, export_torch_model, save_inputset

    torch.manual_seed(0)
    target = FIXTURES / "models"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    readme = ["# Benchmark models (issue 5), made by Scripts/make_onnx_fixtures.py", "",
              "Each: `<name>.onnx`, `<name>_calibration.npy` (float32 inputs for calibration),",
              "`<name>_test_x.npy` / `<name>_test_y.npy` (int64 labels), `<name>_test_output.npy`",
              "(reference float output on the test inputs: onnxruntime, or torch for Brevitas).", ""]

    def train(model, x, y, epochs, lr=0.01):
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        for _ in range(epochs):
            permutation = torch.randperm(len(xt))
            for start in range(0, len(xt), 32):
                batch = permutation[start:start + 32]
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(xt[batch]), yt[batch])
                loss.backward()
                optimizer.step()
        model.eval()

    def finish(name, model, path, x_test, y_test, calibration, description, reference=None):
        if reference is None:
            reference = _ort_outputs(path, {"x": x_test})[0]
        accuracy = float((reference.argmax(1) == y_test).mean())
        save_inputset(calibration, target / f"{name}_calibration.npy")
        np.save(target / f"{name}_test_x.npy", x_test)
        np.save(target / f"{name}_test_y.npy", y_test.astype(np.int64))
        np.save(target / f"{name}_test_output.npy", reference.astype(np.float32))
        readme.append(f"- `{name}`: {description}; float test accuracy {accuracy:.4f} on {len(y_test)} samples.")
        print(f"models/{name}: accuracy {accuracy:.4f}")

    # 1. Breast cancer MLP 30 -> 32 -> 16 -> 2.
    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, random_state=0,
                                                        stratify=data.target)
    scaler = StandardScaler().fit(x_train)
    x_train = scaler.transform(x_train).astype(np.float32)
    x_test = scaler.transform(x_test).astype(np.float32)
    mlp = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
    train(mlp, x_train, y_train.astype(np.int64), epochs=30)
    path = target / "breast_cancer_mlp.onnx"
    export_torch_model(mlp, x_train, path, input_names=["x"])
    finish("breast_cancer_mlp", mlp, path, x_test, y_test, x_train[:200],
           "sklearn breast cancer (standardised), MLP 30-32-16-2 ReLU")

    # 2. Digits CNN.
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    xd_train, xd_test, yd_train, yd_test = train_test_split(images, digits.target, test_size=0.25, random_state=0,
                                                            stratify=digits.target)
    cnn = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                        nn.Flatten(), nn.Linear(64, 10))
    train(cnn, xd_train, yd_train.astype(np.int64), epochs=25)
    path = target / "digits_cnn.onnx"
    export_torch_model(cnn, xd_train, path, input_names=["x"])
    finish("digits_cnn", cnn, path, xd_test, yd_test, xd_train[:200],
           "sklearn digits 8x8, CNN Conv(1-8,3x3,pad 1)-ReLU-AvgPool 2-Conv(8-16,3x3)-ReLU-Flatten-Linear(64-10)")

    # 3. Brevitas 3-bit MLP 64 -> 32 -> 10 on digits (flattened).
    flat_train = xd_train.reshape(len(xd_train), 64)
    flat_test = xd_test.reshape(len(xd_test), 64)
    qat = _brevitas_mlp(in_features=64, hidden=32, classes=10, bits=3)
    qat.train()
    train(qat, flat_train, yd_train.astype(np.int64), epochs=40, lr=0.01)
    path = target / "digits_brevitas_mlp.onnx"
    export_brevitas_qat_model(qat, flat_train, path)
    with torch.no_grad():
        reference = qat(torch.from_numpy(flat_test)).numpy()
    finish("digits_brevitas_mlp", qat, path, flat_test, yd_test, flat_train[:200],
           "sklearn digits flattened, Brevitas QAT MLP 64-32-10 with 3-bit weights and activations", reference)
    (target / "README.md").write_text("\n".join(readme) + "\n")


# ---------------------------------------------------------------------------------------------
# Hand-built graphs for importer rewrites and error paths


def graph_fixtures() -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    target = FIXTURES / "onnx-graphs"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    rng = np.random.default_rng(1)

    def save(name, nodes, inputs, outputs, initializers=(), opset=14, check=True, domains=()):
        graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
        imports = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
        model = helper.make_model(graph, opset_imports=imports, ir_version=8)
        if check:
            onnx.checker.check_model(model)
        data = model.SerializeToString()
        (target / f"{name}.onnx").write_bytes(data)
        return data

    def value(name, shape, dtype=TensorProto.FLOAT):
        return helper.make_tensor_value_info(name, dtype, shape)

    w = numpy_helper.from_array(rng.normal(size=(4, 3)).astype(np.float32), "W")
    b = numpy_helper.from_array(rng.normal(size=(3,)).astype(np.float32), "B")
    # MatMul + Add -> Gemm; Identity and Dropout removed; a Constant node; typed (non-raw) data.
    scale = helper.make_tensor("scale", TensorProto.FLOAT, [1], [2.0])  # float_data, not raw_data
    nodes = [
        helper.make_node("Identity", ["x"], ["x_id"], name="id"),
        helper.make_node("MatMul", ["x_id", "W"], ["mm"], name="matmul"),
        helper.make_node("Add", ["mm", "B"], ["sum"], name="add"),
        helper.make_node("Dropout", ["sum"], ["dropped"], name="dropout"),
        helper.make_node("Constant", [], ["two"], name="const", value=scale),
        helper.make_node("Mul", ["dropped", "two"], ["y"], name="mul"),
    ]
    save("fusion", nodes, [value("x", ["batch", 4])], [value("y", ["batch", 3])], [w, b])
    x = rng.normal(size=(5, 4)).astype(np.float32)
    np.save(target / "fusion_input.npy", x)
    np.save(target / "fusion_output.npy", ((x @ numpy_helper.to_array(w) + numpy_helper.to_array(b)) * 2).astype(np.float32))

    # Dynamic batch with a Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain (torch's x.view(x.size(0), -1)).
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"], name="unsqueeze"),
        helper.make_node("Concat", ["batch1", "minus_one"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
    ]
    inits = [numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
             numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0"),
             numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one")]
    save("shape_chain", nodes, [value("x", ["N", 2, 3])], [value("y", ["N", 6])], inits)

    # Error cases.
    relu = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    good = save("relu", relu, [value("x", [1, 4])], [value("y", [1, 4])])
    (target / "truncated.onnx").write_bytes(good[: len(good) // 2])
    (target / "not_onnx.onnx").write_bytes(b"This is a text file, not a model.\n" * 4)
    save("unsupported_op", [helper.make_node("Relu", ["x"], ["h"], name="relu"),
                            helper.make_node("LpNormalization", ["h"], ["n"], name="lpnorm"),
                            helper.make_node("Hardmax", ["n"], ["y"], name="hardmax")],
         [value("x", [1, 4])], [value("y", [1, 4])])
    save("unsupported_opset", relu, [value("x", [1, 4])], [value("y", [1, 4])], opset=11)
    save("cycle", [helper.make_node("Add", ["x", "c"], ["a"], name="add_a"),
                   helper.make_node("Relu", ["a"], ["c"], name="relu_c"),
                   helper.make_node("Relu", ["a"], ["y"], name="relu_y")],
         [value("x", [1, 4])], [value("y", [1, 4])], check=False)
    save("missing_input", [helper.make_node("Add", ["x", "ghost"], ["y"], name="add_ghost")],
         [value("x", [1, 4])], [value("y", [1, 4])], check=False)
    save("dynamic_feature", relu, [value("x", [1, "features"])], [value("y", [1, "features"])])
    save("dynamic_reshape", [helper.make_node("Cast", ["x"], ["s"], name="cast", to=TensorProto.INT64),
                             helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_from_values")],
         [value("x", [2])], [value("y", [1, 2])], check=False)
    external = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[4, 3])
    external.data_location = TensorProto.EXTERNAL
    entry = external.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    save("external_data", [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
         [value("x", [1, 4])], [value("y", [1, 3])], [external], check=False)
    save("bad_shapes", [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm_bad")],
         [value("x", [1, 5])], [value("y", [1, 3])], [w], check=False)
    print(f"onnx-graphs: {len(list(target.iterdir()))} files")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["node", "graphs", "torch", "models"], help="generate one group only")
    args = parser.parse_args()
    if args.only in (None, "node"):
        node_fixtures()
    if args.only in (None, "graphs"):
        graph_fixtures()
    if args.only in (None, "torch"):
        torch_fixtures()
    if args.only in (None, "models"):
        model_fixtures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
