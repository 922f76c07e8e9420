"""cml: Concrete ML's Python API over the cml tools (cml-dev, cml-client, cml-server).

    import cml
    q = cml.compile_torch_model(model, x_calibration, n_bits=6, rounding_threshold_bits=6)
    y = q.forward(x, fhe="execute")

Everything cryptographic happens in the Swift tools; see docs/PYTHON.md in the repository."""
from ._tools import ToolError, ToolNotFoundError, find_tool
from .compile import (compile_brevitas_qat_model, compile_onnx_model, compile_torch_model, evaluate_onnx_float,
                      has_any_qnn_layers)
from .deployment import FHEModelClient, FHEModelDev, FHEModelServer, ServerProcess
from .module import QuantizedModule

__version__ = "0.1.0"

__all__ = [
    "compile_torch_model", "compile_onnx_model", "compile_brevitas_qat_model", "has_any_qnn_layers",
    "evaluate_onnx_float", "QuantizedModule", "FHEModelDev", "FHEModelClient", "FHEModelServer", "ServerProcess",
    "ToolError", "ToolNotFoundError", "find_tool",
]
