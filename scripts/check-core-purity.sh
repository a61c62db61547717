#!/usr/bin/env bash
# design.md rule 1: daemon/core/ is pure. Fails when it includes Asio, Beast, sqlite3, spdlog,
# <thread>, <filesystem> or <fstream>, or reads a clock with ::now().
# Usage: scripts/check-core-purity.sh [DIR]   (default: daemon/core)
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -rnE '#include *[<"](boost/asio|boost/beast|sqlite3\.h|spdlog|thread>|filesystem>|fstream>)|::now\(\)' "${1:-daemon/core}" || true)
if [ -n "$bad" ]; then
  echo "daemon/core/ must stay pure (design.md rule 1); these lines break that:"
  echo "$bad"
  exit 1
fi
echo "daemon/core/ is pure: 1 passed, 0 failed"
