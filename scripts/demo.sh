#!/usr/bin/env bash
# The whole product on a fresh machine: packages, build, a daemon on a private state directory,
# five sample photos and 30 s of music made with ffmpeg, and the one command that turns them
# into a 30-second 1080p promo MP4, offline (the local backend). Prints where the MP4 is.
# Environment: BUILD_DIR (default build), DEMO_DIR (default: a new temporary directory),
# DEMO_SKIP_SETUP=1 skips deps.sh and the build (for a rerun).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${DEMO_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/deps.sh
  bash scripts/build.sh
fi
repo="$(pwd)"
build_dir="$(cd "${BUILD_DIR:-build}" && pwd)"
work="${DEMO_DIR:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
state="$work/state"

"$build_dir/daemon/reeld" --state-dir "$state" --listen 127.0.0.1:0 2>"$work/reeld.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$state/reeld.addr" ] && break; sleep 0.05; done
if [ ! -s "$state/reeld.addr" ]; then
  echo "demo: reeld did not start; see $work/reeld.log" >&2
  exit 1
fi
# reel finds this daemon and its key; its "current session" file stays in the work directory.
export REEL_HOST="$(cat "$state/reeld.addr")" REEL_STATE_DIR="$state" XDG_STATE_HOME="$work/xdg"

bash "$repo/scripts/make-sample-media.sh" "$work"
cd "$work"
"$build_dir/cli/reel" make photo1.jpg photo2.jpg photo3.jpg photo4.jpg photo5.jpg \
  --music music.mp3 \
  -p "turn these images into a 30-second promo video with background music" \
  -o "$work/promo.mp4"

echo
echo "The video: $work/promo.mp4"
ffprobe -v error -show_entries format=duration,size:stream=codec_name,profile,width,height,pix_fmt,r_frame_rate,sample_rate \
  -of compact=p=0 "$work/promo.mp4"
echo
echo "reeld ran on $REEL_HOST (state in $state, log in $work/reeld.log); it stops now."
echo "To go on editing, start it again on that state directory and use 'reel say' / 'reel export'."
