#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds vigil in
# build/ (RelWithDebInfo: -O3 with debug info). The binary is build/vigil.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j2
