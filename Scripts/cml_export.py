#!/usr/bin/env python3
"""The torch -> ONNX export of the Python package (python/cml/export.py) for a checkout where the
package is not installed: `from cml_export import export_torch_model, save_inputset` and the same
command line as `python -m cml.export`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))

from cml.export import (export_brevitas_qat_model, export_torch_model, main,  # noqa: E402,F401
                        save_inputset)

if __name__ == "__main__":
    sys.exit(main())
