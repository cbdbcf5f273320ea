#!/usr/bin/env bash
# Installs, builds and runs vigil on its embedded defaults (data dir ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec ./build/vigil demo --storage.tsdb.path ./data "$@"
