#!/usr/bin/env bash
# Builds reeld and the benchmarks (Release, in build-bench) and runs them, writing each result
# table to bench/results/<name>.md. Usage: bench/run.sh [extra bench_ws_fanout options]; JOBS=N
# sets the build parallelism (default 2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
results="$root/bench/results"
jobs="${JOBS:-2}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target reeld bench_ws_fanout bench_rearm bench_chat_relay -j"$jobs"

mkdir -p "$results"
bench="$build/bench/bench_ws_fanout"
echo "== bench_ws_fanout: publisher unpaced (throughput)" >&2
"$bench" --reeld "$build/daemon/reeld" "$@" | tee "$results/ws_fanout.md"
# At 1,000 events/s, 100 subscribers get 1,000,000 deliveries in 10 s: latency at the target load.
echo "== bench_ws_fanout: publisher paced at 1000 events/s (latency)" >&2
"$bench" --reeld "$build/daemon/reeld" --rate 1000 "$@" | tee "$results/ws_fanout_paced.md"
# bench_render_promo: the local renderer against a hand-written ffmpeg command (bench/README.md).
cmake --build "$build" --target bench_render_promo -j"$jobs" && "$build/bench/bench_render_promo" --results "$results/render_promo.md"
# bench_rearm: 1,000 unfinished render jobs re-armed at start-up (issue 5).
echo "== bench_rearm" >&2
"$build/bench/bench_rearm" --reeld "$build/daemon/reeld" | tee "$results/rearm.md"
# bench_chat_relay: one chat turn of 10,000 pieces relayed to 100 subscribers (issue 4).
echo "== bench_chat_relay" >&2
"$build/bench/bench_chat_relay" --reeld "$build/daemon/reeld" | tee "$results/chat_relay.md"
