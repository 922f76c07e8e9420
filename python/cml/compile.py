"""compile_torch_model, compile_onnx_model, compile_brevitas_qat_model, has_any_qnn_layers: Concrete ML's
entry points (concrete.ml.torch.compile), each a call of `cml-dev compile`."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Dict, Optional, Sequence, Union

import onnx

from . import _options
from ._arrays import as_tuple, read_outputs, write_inputs
from ._tools import run_tool
from .module import QuantizedModule

DEFAULT_N_BITS = 8  # Concrete ML's MAX_BITWIDTH_BACKWARD_COMPATIBLE


def _graph_inputs(model: onnx.ModelProto):
    initializers = {tensor.name for tensor in model.graph.initializer}
    return [value.name for value in model.graph.input if value.name not in initializers]


def _artifacts_dir(artifacts) -> Optional[str]:
    """A folder path, or an object with `output_directory` (Concrete's DebugArtifacts)."""
    if artifacts is None:
        return None
    return str(getattr(artifacts, "output_directory", artifacts))


def compile_onnx_model(onnx_model: Union[onnx.ModelProto, str, Path], inputset, import_qat: bool = False,
                       configuration=None, artifacts=None, show_mlir: bool = False,
                       n_bits: Union[int, Dict[str, int], None] = DEFAULT_N_BITS, rounding_threshold_bits=None,
                       p_error: Optional[float] = None, global_p_error: Optional[float] = None,
                       verbose: bool = False, inputs_encryption_status: Optional[Sequence[str]] = None,
                       reduce_sum_copy: bool = False, device: str = "cpu") -> QuantizedModule:
    """Quantizes an ONNX model on `inputset` (an array, or a tuple of them, batch on axis 0), lowers it to a
    TFHE circuit and chooses 128-bit parameters. cml reads ai.onnx opsets 13-22 (Concrete ML: exactly 14)."""
    _options.check_unsupported(configuration, device)
    model = onnx.load(str(onnx_model)) if isinstance(onnx_model, (str, Path)) else onnx_model
    if not isinstance(model, onnx.ModelProto):
        raise TypeError(f"onnx_model must be an onnx.ModelProto or the path of an .onnx file, got {type(onnx_model)}")
    names = _graph_inputs(model)
    arrays = as_tuple(inputset)
    if len(arrays) != len(names):
        raise ValueError(f"the model has {len(names)} inputs ({', '.join(names)}), the inputset {len(arrays)}")
    flags = [*_options.n_bits_flag(DEFAULT_N_BITS if n_bits is None else n_bits, qat=import_qat),
             *_options.rounding_flags(rounding_threshold_bits),
             *_options.error_probability_flags(p_error, global_p_error),
             *_options.encryption_flags(inputs_encryption_status, names)]
    if import_qat:
        flags.append("--qat")
    if reduce_sum_copy:
        flags.append("--reduce-sum-copy")
    if verbose:
        flags.append("--verbose")
    if show_mlir:
        flags.append("--show-circuit")
    if artifacts is not None:
        flags += ["--artifacts", _artifacts_dir(artifacts)]

    owner = tempfile.TemporaryDirectory(prefix="cml-bundle-")
    work = Path(owner.name)
    model_path = work / "model.onnx"
    onnx.save(model, str(model_path))
    inputset_path = write_inputs(arrays, names, work / "inputset")
    bundle = work / "bundle"
    printed = run_tool("cml-dev", ["compile", model_path, "--inputset", inputset_path, "-o", bundle, *flags],
                       echo=verbose or show_mlir)
    outputs = [value.name for value in model.graph.output]
    return QuantizedModule(bundle, names, outputs, circuit_text=_circuit_text(printed) if show_mlir else "",
                           owner=owner)


def _circuit_text(printed: str) -> str:
    """The integer circuit `--show-circuit` prints first: its header line and the indented lines under it."""
    lines = printed.splitlines()
    end = next((i for i, line in enumerate(lines) if i > 0 and not line.startswith(" ")), len(lines))
    return "\n".join(lines[:end])


def evaluate_onnx_float(onnx_model: Union[onnx.ModelProto, str, Path], *x):
    """The float reference of a model (`cml-dev eval`): what the quantized circuit approximates."""
    model = onnx.load(str(onnx_model)) if isinstance(onnx_model, (str, Path)) else onnx_model
    names = _graph_inputs(model)
    with tempfile.TemporaryDirectory(prefix="cml-eval-") as work:
        model_path = Path(work) / "model.onnx"
        onnx.save(model, str(model_path))
        path = write_inputs(as_tuple(list(x)), names, Path(work) / "x")
        out = Path(work) / ("y.npz" if len(model.graph.output) > 1 else "y.npy")
        run_tool("cml-dev", ["eval", model_path, "--input", path, "-o", out])
        return read_outputs(out)


def compile_torch_model(torch_model, torch_inputset, import_qat: bool = False, configuration=None, artifacts=None,
                        show_mlir: bool = False, n_bits: Union[int, Dict[str, int]] = DEFAULT_N_BITS,
                        rounding_threshold_bits=None, p_error: Optional[float] = None,
                        global_p_error: Optional[float] = None, verbose: bool = False,
                        inputs_encryption_status: Optional[Sequence[str]] = None, reduce_sum_copy: bool = False,
                        device: str = "cpu") -> QuantizedModule:
    """Exports a float torch.nn.Module to ONNX opset 14 (traced on row 0 of the inputset, as Concrete ML) and
    compiles it with compile_onnx_model. Brevitas models go through compile_brevitas_qat_model."""
    torch = _import_torch()
    if not isinstance(torch_model, torch.nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module, got {type(torch_model)}")
    if has_any_qnn_layers(torch_model):
        raise ValueError("The compile_torch_model was called on a torch.nn.Module that contains Brevitas quantized "
                         "layers. These models must be imported using compile_brevitas_qat_model instead.")
    from .export import export_torch_model

    with tempfile.TemporaryDirectory(prefix="cml-export-") as work:
        path = export_torch_model(torch_model, torch_inputset, Path(work) / "model.onnx")
        model = onnx.load(str(path))
    return compile_onnx_model(model, torch_inputset, import_qat=import_qat, **_shared_options(locals()))


def compile_brevitas_qat_model(torch_model, torch_inputset, n_bits: Union[int, Dict[str, int], None] = None,
                               configuration=None, artifacts=None, show_mlir: bool = False,
                               rounding_threshold_bits=None, p_error: Optional[float] = None,
                               global_p_error: Optional[float] = None, output_onnx_file=None,
                               verbose: bool = False, inputs_encryption_status: Optional[Sequence[str]] = None,
                               reduce_sum_copy: bool = False, device: str = "cpu") -> QuantizedModule:
    """Exports a Brevitas QAT module through QONNX and compiles it with the QAT import (the bit widths of its
    Quant nodes rule; n_bits is None, an int or exactly {model_inputs, model_outputs})."""
    _import_torch()
    if not has_any_qnn_layers(torch_model):
        raise ValueError("The compile_brevitas_qat_model was called on a torch.nn.Module that contains no Brevitas "
                         "quantized layers, consider using compile_torch_model instead")
    from .export import export_brevitas_qat_model

    with tempfile.TemporaryDirectory(prefix="cml-export-") as work:
        path = Path(output_onnx_file) if output_onnx_file else Path(work) / "model.onnx"
        export_brevitas_qat_model(torch_model, torch_inputset, path)
        model = onnx.load(str(path))
    return compile_onnx_model(model, torch_inputset, import_qat=True, **_shared_options(locals()))


_SHARED_OPTIONS = ("configuration", "artifacts", "show_mlir", "n_bits", "rounding_threshold_bits", "p_error",
                   "global_p_error", "verbose", "inputs_encryption_status", "reduce_sum_copy", "device")


def _shared_options(arguments: dict) -> dict:
    """The arguments the torch entry points pass on to compile_onnx_model unchanged."""
    return {name: arguments[name] for name in _SHARED_OPTIONS}


def has_any_qnn_layers(torch_model) -> bool:
    """True iff a submodule is a Brevitas quantized layer (QuantLinear, QuantConv2d, QuantReLU, QuantIdentity, ...)."""
    try:
        from brevitas.nn.quant_layer import QuantInputOutputLayer, QuantNonLinearActLayer
    except ImportError:
        return False  # without brevitas installed, no module can be one of its layers
    return any(isinstance(layer, (QuantInputOutputLayer, QuantNonLinearActLayer)) for layer in torch_model.modules())


def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise ImportError("compile_torch_model needs PyTorch: pip install 'cml[torch]' (or pip install torch); "
                          "without torch, export to ONNX elsewhere and use compile_onnx_model") from error
    return torch
