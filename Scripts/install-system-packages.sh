#!/usr/bin/env bash
# Installs the Debian packages cml needs to build and run: libsodium (crypto utilities), pkg-config, curl,
# and Python 3 with venv for the Python package (python/), its tests and the main job.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
PACKAGES=(libsodium-dev pkg-config curl)
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then PACKAGES+=(python3 python3-venv); fi
if ! dpkg -s "${PACKAGES[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update
    $SUDO apt-get install -y "${PACKAGES[@]}"
fi
