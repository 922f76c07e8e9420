#!/usr/bin/env bash
# Installs the Debian packages cml needs to build and run: libsodium (crypto utilities) and pkg-config.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
if ! dpkg -s libsodium-dev pkg-config curl >/dev/null 2>&1; then
    $SUDO apt-get update
    $SUDO apt-get install -y libsodium-dev pkg-config curl
fi
