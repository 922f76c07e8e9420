#!/usr/bin/env bash
# The test command: installs system packages, builds in release mode (the TFHE tests bootstrap real
# ciphertexts, which a debug build makes tens of times slower) and runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh
swift test -c release -Xswiftc -enable-testing "$@"
