#!/usr/bin/env bash
# The whole product on a fresh machine: packages, build, a daemon on a private state directory,
# and what the product can do today. (When the local backend lands, this makes a real MP4.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
build_dir="${BUILD_DIR:-build}"
work="$(mktemp -d)"
state="$work/state"
"$build_dir/daemon/reeld" --state-dir "$state" --listen 127.0.0.1:0 2>"$work/reeld.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$state/reeld.addr" ] && break; sleep 0.05; done
export REEL_HOST="$(cat "$state/reeld.addr")" REEL_STATE_DIR="$state"
"$build_dir/cli/reel" status
echo
echo "reeld is listening on $REEL_HOST (state in $state, log in $work/reeld.log)."
