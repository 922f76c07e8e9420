#!/usr/bin/env bash
# The main job, end to end on a fresh Debian machine with Swift 6.3:
#   install system packages → build the three tools → install the Python package in a venv outside the
#   repository → Scripts/main_job.py: compile the shipped trained digits MLP (model owner), float vs clear
#   accuracy on held-out rows, keygen (data owner), cml-server on 127.0.0.1 (operator), encrypted
#   predictions of 6 held-out rows, decrypt; prints each step's time, the accuracies, one verdict line
#   and the bytes the server received.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh

echo "== build (release)"
start=$SECONDS
swift build -c release --product cml-dev
swift build -c release --product cml-client
swift build -c release --product cml-server
echo "   $((SECONDS - start)) s"
BIN=$(swift build -c release --show-bin-path)

echo "== Python package: pip install ./python (venv outside the repository)"
start=$SECONDS
VENV=$(Scripts/python-venv.sh)
echo "   $VENV, $((SECONDS - start)) s"

CML_BIN_DIR="$BIN" "$VENV/bin/python" Scripts/main_job.py "$@"
