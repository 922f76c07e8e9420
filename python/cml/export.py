"""Export PyTorch and Brevitas models to ONNX the way cml (and Concrete ML's compile_torch_model)
expects them, and save calibration input sets as NumPy files. torch (and brevitas) are imported only
when a function here is called.

cml.compile_torch_model calls export_torch_model; by hand the route is
this module -> cml-dev compile MODEL.onnx --inputset X.npy:

    from cml.export import export_torch_model, export_brevitas_qat_model, save_inputset
    export_torch_model(model, calibration_inputs, "model.onnx")
    save_inputset(calibration_inputs, "calib.npy")

or from the shell on a module that builds the model: python -m cml.export --help
(Scripts/cml_export.py is the same command for a checkout without the package installed).
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from ._arrays import as_tuple as _as_tuple

OPSET_VERSION = 14  # the opset Concrete ML exports with (OPSET_VERSION_FOR_ONNX_EXPORT)


def _input_names(model, count: int, names: Sequence[str] | None) -> list[str]:
    """Input names: given ones, else the parameter names of forward (as Concrete ML does)."""
    if names is not None:
        if len(names) != count:
            raise ValueError(f"{len(names)} input names given for {count} inputs")
        return list(names)
    parameters = [p for p in inspect.signature(model.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(parameters) >= count:
        return [p.name for p in parameters[:count]]
    return [f"input_{i}" for i in range(count)]


def _tracing_sample(arrays: tuple, force_float: bool = False) -> tuple:
    """Row 0 of every input with batch size 1; float64 becomes float32, integers stay integers."""
    import torch

    sample = []
    for array in arrays:
        row = array[[0], ...]
        if row.dtype == np.float64 or (force_float and not np.issubdtype(row.dtype, np.floating)):
            row = row.astype(np.float32)
        sample.append(torch.from_numpy(np.ascontiguousarray(row)))
    return tuple(sample)


def export_torch_model(model, inputset, path: str | Path, input_names: Sequence[str] | None = None,
                       output_names: Sequence[str] | None = None, dynamic_batch: bool = True) -> Path:
    """Export a float torch.nn.Module to ONNX opset 14.

    inputset: calibration data (array/tensor or tuple of them, batch on axis 0); row 0 traces the
    model. input_names default to the names of forward's parameters. With dynamic_batch (default)
    axis 0 of every input and output is symbolic ("batch"); dynamic_batch=False freezes batch 1
    exactly like Concrete ML. cml accepts both.
    """
    import torch

    arrays = _as_tuple(inputset)
    names = _input_names(model, len(arrays), input_names)
    outputs = list(output_names) if output_names else ["output"]
    model = model.eval()
    dynamic_axes = None
    if dynamic_batch:
        dynamic_axes = {name: {0: "batch"} for name in names + outputs}
    path = Path(path)
    legacy = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        # torch >= 2.9 defaults to the torch.export-based exporter (it needs onnxscript and picks its own
        # opset); the TorchScript exporter is the one Concrete ML uses and writes opset 14 as asked.
        legacy["dynamo"] = False
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(model, _tracing_sample(arrays), str(path), input_names=names, output_names=outputs,
                          opset_version=OPSET_VERSION, dynamic_axes=dynamic_axes, do_constant_folding=True, **legacy)
    _check_inputs(path, names)
    return path


def export_brevitas_qat_model(model, inputset, path: str | Path) -> Path:
    """Export a Brevitas QAT module through its QONNX export (opset 14, Quant nodes in domain
    onnx.brevitas / qonnx), with initializers kept out of the graph inputs. The tracing sample is
    always float, as in Concrete ML's compile_brevitas_qat_model."""
    import torch
    import brevitas.export
    from brevitas.export import export_qonnx

    arrays = _as_tuple(inputset)
    path = Path(path)
    model = model.eval()
    with torch.no_grad():
        # As for torch: the TorchScript exporter, not the dynamo one newer versions default to.
        legacy = {"dynamo": False} if getattr(brevitas.export, "_DYNAMO_AVAILABLE", False) else {}
        export_qonnx(model, _tracing_sample(arrays, force_float=True)[0] if len(arrays) == 1
                     else _tracing_sample(arrays, force_float=True), export_path=str(path),
                     opset_version=OPSET_VERSION, **legacy)
    _strip_initializer_inputs(path)
    _rename_interface(path, _input_names(model, len(arrays), None) if len(arrays) > 1 else ["x"], ["output"])
    return path


def _rename_interface(path: Path, input_names: Sequence[str], output_names: Sequence[str]) -> None:
    """Give the graph inputs/outputs readable names (the QONNX export numbers them, e.g. 'x.111')."""
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    renames = {}
    for value, name in list(zip(graph.input, input_names)) + list(zip(graph.output, output_names)):
        renames[value.name] = name
        value.name = name
    for node in graph.node:
        node.input[:] = [renames.get(n, n) for n in node.input]
        node.output[:] = [renames.get(n, n) for n in node.output]
    onnx.save(model, str(path))


def _check_inputs(path: Path, names: Sequence[str]) -> None:
    """Every forward argument must survive as a graph input (Concrete ML asserts the same)."""
    import onnx

    model = onnx.load(str(path))
    present = {i.name for i in model.graph.input}
    for name in names:
        if name not in present:
            raise RuntimeError(f"Input '{name}' is missing in the ONNX graph after export")


def _strip_initializer_inputs(path: Path) -> None:
    import onnx

    model = onnx.load(str(path))
    initializers = {t.name for t in model.graph.initializer}
    kept = [i for i in model.graph.input if i.name not in initializers]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    onnx.save(model, str(path))


def save_inputset(inputset, path: str | Path) -> Path:
    """Save a calibration set: one input as .npy (float64 becomes float32), several as .npz whose
    members are named input_0, input_1, ... unless `inputset` is a dict of name -> array."""
    path = Path(path)
    if isinstance(inputset, dict):
        arrays = {name: _to_storable(a) for name, a in inputset.items()}
        np.savez(path, **arrays)
        return path
    arrays = tuple(_to_storable(a) for a in _as_tuple(inputset))
    if len(arrays) == 1 and path.suffix != ".npz":
        np.save(path, arrays[0])
    else:
        np.savez(path, **{f"input_{i}": a for i, a in enumerate(arrays)})
    return path


def _to_storable(array) -> np.ndarray:
    array = _as_tuple(array)[0]
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    return np.ascontiguousarray(array)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Export a torch (or Brevitas QAT) model to ONNX opset 14 for cml, and save its calibration set.",
        epilog="Example: python -m cml.export mypkg.models:make_model --inputset calib.npy -o model.onnx\n"
               "The factory is called with no arguments and must return a torch.nn.Module (with trained weights).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("factory", help="MODULE:FUNCTION returning the torch.nn.Module to export")
    parser.add_argument("--inputset", required=True,
                        help="calibration inputs: .npy (one input) or .npz (several, in forward's order)")
    parser.add_argument("-o", "--output", required=True, help="ONNX file to write")
    parser.add_argument("--input-names", help="comma-separated ONNX input names (default: forward's parameter names)")
    parser.add_argument("--static-batch", action="store_true",
                        help="freeze batch size 1 into the graph, exactly like Concrete ML (default: dynamic batch axis)")
    parser.add_argument("--brevitas", action="store_true", help="the model is a Brevitas QAT module: use the QONNX export")
    parser.add_argument("--save-inputset", help="also write the calibration set here (.npy or .npz), float64 as float32")
    args = parser.parse_args(argv)

    module_name, _, function_name = args.factory.partition(":")
    if not function_name:
        parser.error("factory must be MODULE:FUNCTION")
    sys.path.insert(0, str(Path.cwd()))
    model = getattr(importlib.import_module(module_name), function_name)()
    loaded = np.load(args.inputset)
    inputset = tuple(loaded[k] for k in loaded.files) if isinstance(loaded, np.lib.npyio.NpzFile) else (loaded,)
    if args.brevitas:
        export_brevitas_qat_model(model, inputset, args.output)
    else:
        names = args.input_names.split(",") if args.input_names else None
        export_torch_model(model, inputset, args.output, input_names=names, dynamic_batch=not args.static_batch)
    if args.save_inputset:
        save_inputset(inputset, args.save_inputset)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
