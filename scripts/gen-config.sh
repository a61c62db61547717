#!/usr/bin/env bash
# Rewrites config/reeld.toml from the schema in daemon/core/config.cpp (reeld --print-config).
# Usage: scripts/gen-config.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
reeld="${1:-build}/daemon/reeld"
{
  echo "# reeld configuration: every key with its default and what it does."
  echo "# Read in order (later wins): /etc/reel/reeld.toml, \$XDG_CONFIG_HOME/reel/reeld.toml,"
  echo "# --config FILE; then REEL_* environment variables and flags (see reeld --help)."
  echo
  env -i HOME=/nonexistent "$reeld" --print-config
} > config/reeld.toml.tmp
mv config/reeld.toml.tmp config/reeld.toml
