#!/usr/bin/env bash
# Installs every Debian 12 package Reel needs to build, test and run. Safe to rerun.
# Run as root (or with sudo available). Each package and what it is for is listed in README.md.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev          # Asio, Beast, UUID (header-only parts of Boost 1.81; 1.74 is too old)
  libssl-dev openssl        # TLS to the cloud; openssl CLI makes test certificates
  nlohmann-json3-dev        # JSON
  libsqlite3-dev sqlite3    # the store
  libspdlog-dev             # logs
  doctest-dev               # tests
  libtomlplusplus-dev       # config files
  libcli11-dev              # command lines
  libsystemd-dev            # sd_notify
  ffmpeg                    # the local renderer and ffprobe
  fonts-dejavu-core         # text in videos
  fonts-wqy-zenhei          # CJK fallback font
  espeak-ng                 # voice-over
  curl procps               # tests and benchmarks (curl as a plain HTTP client, ps for RSS)
  python3 python3-jsonschema python3-yaml  # proto/check.py validates schemas, examples, live answers
  clang-format              # style check
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
