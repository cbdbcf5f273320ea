#!/usr/bin/env bash
# Installs the Debian packages vigil's build and tests need. Idempotent: when
# everything is present it only checks (a fraction of a second) and exits.
set -euo pipefail
pkgs=(cmake g++ make pkg-config
      librocksdb-dev libsnappy-dev libprotobuf-dev protobuf-compiler libre2-dev
      libboost-dev libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev zlib1g-dev
      nlohmann-json3-dev libsimdjson-dev libcli11-dev libcurl4-openssl-dev
      python3 python3-yaml prometheus prometheus-alertmanager)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
