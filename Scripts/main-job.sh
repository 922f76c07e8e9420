#!/usr/bin/env bash
# The main job, end to end on a fresh machine. For now: a TFHE demo (encrypt, bootstrap through a
# lookup table, decrypt). Later issues extend it to the full model round trip.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh
swift build -c release --product cml-bench
.build/release/cml-bench demo
