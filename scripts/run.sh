#!/usr/bin/env bash
# Installs, builds and runs the vigil server (`vigil serve`) on port 9201
# with data in ./data and the example configuration examples/vigil.yml.
# Stop it with Ctrl-C (SIGINT) or SIGTERM: it shuts down gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec ./build/vigil serve \
  --storage.tsdb.path ./data \
  --web.listen-address 0.0.0.0:9201 \
  --config.file examples/vigil.yml \
  "$@"
