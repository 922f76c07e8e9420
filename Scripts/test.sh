#!/usr/bin/env bash
# The test command: installs system packages, builds in release mode (the TFHE tests bootstrap real
# ciphertexts, which a debug build makes tens of times slower) and runs every test target, then the
# Python package's tests (python/tests, no torch) against the executables that build produced.
# CML_PYTHON_TESTS=0 skips the Python tests.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh
swift test -c release -Xswiftc -enable-testing "$@"

if [ "${CML_PYTHON_TESTS:-1}" != 0 ]; then
    SCRATCH=()
    ARGS=("$@")
    for i in "${!ARGS[@]}"; do
        if [ "${ARGS[$i]}" = --scratch-path ]; then SCRATCH=(--scratch-path "${ARGS[$((i + 1))]}"); fi
    done
    BIN=$(swift build -c release -Xswiftc -enable-testing "${SCRATCH[@]}" --show-bin-path)
    VENV=$(Scripts/python-venv.sh pytest)
    CML_BIN_DIR="$BIN" "$VENV/bin/python" -m pytest -q python/tests  # the installed package, not python/cml
fi
