#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit, model, crash and fuzz
# corpus tests). Tests that read ../shared say so and skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 600
