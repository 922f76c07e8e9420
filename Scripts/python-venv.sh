#!/usr/bin/env bash
# Prints the path of a venv outside the repository with the Python package (python/) installed, creating it
# on first use: ${CML_VENV:-${TMPDIR:-/tmp}/cml-venv}. Extra arguments are more pip requirements (pytest, torch).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CML_VENV:-${TMPDIR:-/tmp}/cml-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV" >&2; fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ./python "$@" >&2
echo "$VENV"
