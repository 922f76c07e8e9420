#!/usr/bin/env python3
"""Generate Tests/FHECompilerTests/Fixtures/concrete-zoo: Concrete ML's own test models
(`concrete.ml.pytest.torch_models`, built with the constructor arguments its tests use), with Concrete ML's
results stored beside each one, so that cml's tests compare against Concrete without Python (issue 16).

  python3 -m venv /work/venv-cml-zoo && /work/venv-cml-zoo/bin/pip install concrete-ml
  /work/venv-cml-zoo/bin/python Scripts/make_concrete_zoo.py [--only NAME ...]

Per model `<name>`:
  <name>.onnx              torch.onnx.export at Concrete ML's opset (its `is_onnx` test path), or, for Brevitas
                           models, the QONNX export `compile_brevitas_qat_model` makes
  <name>_calibration.npz   the input set (one array per model input, float32 as exported; ints for embeddings)
  <name>_torch.npy         torch's float outputs on the first SAMPLES rows of the input set
Per case `<name>_<case>` (case: `unrounded`, or `rounded6`: rounding_threshold_bits=6, APPROXIMATE), at n_bits=6:
  <name>_<case>.json       whether Concrete compiled it (or its error), the circuit's maximum integer bit-width,
                           its PBS count, the options
  <name>_<case>_concrete.npy  the quantized module's forward(x, fhe="disable") on the same samples

No FHE execution is run here (too slow); Concrete's circuit is compiled only, with its default p_error.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from functools import partial
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from concrete.ml.onnx.convert import OPSET_VERSION_FOR_ONNX_EXPORT
from concrete.ml.pytest import torch_models as tm
from concrete.ml.torch.compile import build_quantized_module, compile_brevitas_qat_model, compile_onnx_model

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "Tests" / "FHECompilerTests" / "Fixtures" / "concrete-zoo"
N_BITS = 6
SAMPLES = 3
SEED = 0


def ptq(name, make, shapes, rows=200, low=-100.0, high=100.0):
    """A float model compiled as test_compile_torch.py does: uniform(-100, 100) inputs of `shapes`."""
    return dict(name=name, make=make, shapes=shapes, rows=rows, low=low, high=high, qat=False)


def brevitas(name, make, shapes, rows=200, low=-100.0, high=100.0):
    return dict(name=name, make=make, shapes=shapes, rows=rows, low=low, high=high, qat=True)


def unpruned(model):
    """test_brevitas_qat.py removes the pruning hooks (after training) before it compiles."""
    model.toggle_pruning(False)
    return model


ACTIVATIONS = {
    "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU, "silu": nn.SiLU, "elu": nn.ELU,
    "leakyrelu": nn.LeakyReLU, "prelu": nn.PReLU, "hardswish": nn.Hardswish, "relu6": nn.ReLU6, "softsign": nn.Softsign,
}

# The model list: test_compile_torch.py (networks, conv networks, activations, Brevitas QAT, padding), and
# test_compilation.py / test_quantized_module.py (FCSeq, TinyCNN, MultiOpOnSingleInputConvNN, CNNMaxPool).
MODELS = (
    [ptq(f"fcsmall_{a}", partial(tm.FCSmall, 5, f), (5,)) for a, f in ACTIVATIONS.items()]
    + [
        ptq("netwithloops", lambda: tm.NetWithLoops(nn.ReLU, 5, n_fc_layers=2), (5,)),
        ptq("branching", lambda: tm.BranchingModule(5, nn.ReLU), (5,)),
        ptq("branching_gemm", lambda: tm.BranchingGemmModule(5, nn.ReLU), (5,)),
        ptq("multi_input", lambda: tm.MultiInputNN([5, 5], nn.ReLU), ((5,), (5,))),
        ptq("multi_input_different_size", lambda: tm.MultiInputNNDifferentSize([5, 10], nn.ReLU), ((5,), (10,))),
        ptq("univariate", lambda: tm.UnivariateModule(5, nn.ReLU), (5,)),
        ptq("step_activation", lambda: tm.StepActivationModule(5, nn.ReLU), (5,)),
        ptq("encrypted_matmul", lambda: tm.EncryptedMatrixMultiplicationModel(5, nn.ReLU), (5,)),
        ptq("torch_multiply", lambda: tm.TorchMultiply(1, nn.ReLU), ((1,), (1,))),
        ptq("fcseq_relu6", lambda: tm.FCSeq(5, nn.ReLU6), (5,)),
        ptq("fcseq_bias_vec_sigmoid", lambda: tm.FCSeqAddBiasVec(5, nn.Sigmoid), (5,)),
        ptq("step_function_ptq", lambda: tm.StepFunctionPTQ(4, nn.Sigmoid, n_bits=2), (4,)),
        ptq("cnn_other", lambda: tm.CNNOther(6, nn.ReLU), (6, 7, 7), rows=60),
        ptq("cnn_grouped", lambda: tm.CNNGrouped(6, nn.ReLU, groups=3), (6, 7, 7), rows=60),
        ptq("conv1d", lambda: tm.Conv1dModel(6, nn.ReLU), (6, 7), rows=100),
        ptq("tiny_cnn", lambda: tm.TinyCNN(2, nn.ReLU6), (1, 8, 8), rows=100),
        ptq("cnn_maxpool", lambda: tm.CNNMaxPool(3, nn.ReLU), (3, 32, 32), rows=12),
        # An input read by a sigmoid and by a convolution (the "two-branch conv"); test_compilation.py's range.
        ptq("multi_op_single_input_conv", lambda: tm.MultiOpOnSingleInputConvNN(False), (1, 10, 10), rows=60,
            low=-1.0, high=1.0),
        ptq("embedding", lambda: tm.EmbeddingModel(10, 5), (1,), rows=100),
        brevitas("brevitas_multi_input", lambda: tm.MultiInputNNDifferentSize([5, 10], None, is_brevitas_qat=True, n_bits=2),
                 ((5,), (10,))),
        brevitas("brevitas_tiny_qat_cnn", lambda: unpruned(tm.TinyQATCNN(10, 4, 10, True, False, False)), (1, 8, 8), rows=100,
                 low=0.0, high=16.0),
        brevitas("brevitas_single_mix", lambda: tm.SingleMixNet(False, True, 10, 2), (10,)),
        brevitas("brevitas_double_quant_mix", lambda: tm.DoubleQuantQATMixNet(False, True, 10, 2), (10,)),
        brevitas("brevitas_padding", lambda: tm.PaddingNet(), (2, 3, 4), rows=50),
    ]
)

CASES = {"unrounded": None, "rounded6": {"n_bits": 6, "method": "APPROXIMATE"}}


def inputset(spec, rng):
    if spec["name"] == "embedding":
        return (rng.integers(0, 9, size=(spec["rows"], 1)).astype(np.int64),)
    return tuple(rng.uniform(spec["low"], spec["high"], size=(spec["rows"], *s)).astype(np.float32)
                 for s in (spec["shapes"] if isinstance(spec["shapes"][0], tuple) else (spec["shapes"],)))


def export(spec, model, data, path):
    dummy = tuple(torch.from_numpy(d[:1]) for d in data)
    if spec["qat"]:
        # compile_brevitas_qat_model exports (QONNX, its own ONNX passes) and keeps the file when asked.
        compile_brevitas_qat_model(model, data if len(data) > 1 else data[0], n_bits=N_BITS, output_onnx_file=path)
    else:
        torch.onnx.export(model, dummy, str(path), opset_version=OPSET_VERSION_FOR_ONNX_EXPORT)
    onnx_model = onnx.load(str(path))
    # Keep the fixture small: the exporter's doc strings name source lines of the local torch install.
    for node in onnx_model.graph.node:
        node.doc_string = ""
    onnx.save(onnx_model, str(path))
    return onnx_model


def field(parameter, name):
    """A key parameter's field (a method in some concrete-python versions, an attribute in others)."""
    value = getattr(parameter, name)
    return value() if callable(value) else value


def run_case(spec, onnx_model, data, samples, rounding):
    record = {"n_bits": N_BITS, "rounding_threshold_bits": rounding, "qat": spec["qat"]}
    args = data if len(data) > 1 else data[0]
    try:
        module = build_quantized_module(onnx_model, args, import_qat=spec["qat"], n_bits=N_BITS,
                                        rounding_threshold_bits=rounding)
    except Exception as error:  # noqa: BLE001 - the refusal is the fixture's content
        record.update(quantized=False, compiled=False, error=f"{type(error).__name__}: {error}"[:600])
        return record, None
    record["quantized"] = True
    out = module.forward(*samples, fhe="disable")
    out = out[0] if isinstance(out, tuple) else out
    start = time.time()
    try:
        module.compile(args)
        circuit = module.fhe_circuit
        record.update(compiled=True, max_bits=int(circuit.graph.maximum_integer_bit_width()))
        record["pbs_count"] = int(circuit.programmable_bootstrap_count)
        # A packing keyswitch appears only in the WoP-PBS pattern (vertical packing), Concrete's path past native PBS.
        record["packing_keyswitch_count"] = int(circuit.packing_key_switch_count)
        record["pbs_parameters"] = sorted(
            ({**{key: int(field(p, name)) for key, name in (("polynomial_size", "polynomial_size"),
                                                           ("glwe_dimension", "glwe_dimension"),
                                                           ("lwe_dimension", "input_lwe_dimension"))},
              "count": int(n)} for p, n in circuit.programmable_bootstrap_count_per_parameter.items()),
            key=lambda e: -e["count"])
        record["complexity"] = float(circuit.complexity)
    except Exception as error:  # noqa: BLE001
        record.update(compiled=False, error=f"{type(error).__name__}: {error}"[:600])
    record["compile_seconds"] = round(time.time() - start, 1)
    return record, np.asarray(out, dtype=np.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="model names to (re)generate")
    options = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    for index, spec in enumerate(MODELS):
        if options.only and spec["name"] not in options.only:
            continue
        name = spec["name"]
        # One seed per model, so that regenerating one model gives the same weights and data.
        rng = np.random.default_rng(SEED + index)
        torch.manual_seed(SEED + index)
        np.random.seed(SEED + index)  # StepFunctionPTQ shuffles its weights with numpy's global generator
        model = spec["make"]().eval()
        data = inputset(spec, rng)
        samples = tuple(d[:SAMPLES] for d in data)
        with torch.no_grad():
            expected = model(*(torch.from_numpy(s) for s in samples))
        np.save(TARGET / f"{name}_torch.npy", expected.numpy().astype(np.float64))
        np.savez(TARGET / f"{name}_calibration.npz", *data)
        onnx_model = export(spec, model, data, TARGET / f"{name}.onnx")
        for case, rounding in CASES.items():
            try:
                record, out = run_case(spec, onnx_model, data, samples, rounding)
            except Exception:  # noqa: BLE001
                record, out = {"quantized": False, "compiled": False, "error": traceback.format_exc()[-600:]}, None
            record.update(model=name, case=case, torch_class=type(model).__name__, samples=SAMPLES)
            if out is not None:
                np.save(TARGET / f"{name}_{case}_concrete.npy", out)
                record["max_abs_concrete_torch"] = float(np.max(np.abs(out - expected.numpy())))
            (TARGET / f"{name}_{case}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
            print(name, case, {k: record.get(k) for k in ("compiled", "max_bits", "pbs_count", "compile_seconds", "error")},
                  flush=True)


if __name__ == "__main__":
    main()
