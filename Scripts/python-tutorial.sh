#!/usr/bin/env bash
# Runs the README's "From Python" tutorial as written (python/tests/test_tutorial.py) and the other tests that
# need torch (compile_brevitas_qat_model): builds the tools, makes a venv outside the repository with the
# package, torch and brevitas from PyPI (a large download, so not part of Scripts/test.sh), runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh
swift build -c release --product cml-dev
swift build -c release --product cml-client
swift build -c release --product cml-server
BIN=$(swift build -c release --show-bin-path)
VENV=$(CML_VENV=${CML_TORCH_VENV:-${TMPDIR:-/tmp}/cml-venv-torch} Scripts/python-venv.sh pytest torch brevitas onnxoptimizer)
CML_BIN_DIR="$BIN" "$VENV/bin/python" -m pytest -q -m torch -rs python/tests
