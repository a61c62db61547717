#!/usr/bin/env bash
# Makes sample media for the first command (README) with ffmpeg alone: five 1920x1280 photos
# with distinct content (photo1.jpg ... photo5.jpg) and 30 s of music (music.mp3).
# Usage: scripts/make-sample-media.sh [DIR]   (default: ./sample-media; made if missing)
set -euo pipefail
dir="${1:-sample-media}"
mkdir -p "$dir"
ff=(ffmpeg -hide_banner -loglevel error -y)
size=1920x1280

# One frame of each lavfi source, a few with a colour treatment so no two look alike.
"${ff[@]}" -f lavfi -i "mandelbrot=size=$size:start_scale=2:end_scale=0.2" -frames:v 1 \
  -q:v 3 "$dir/photo1.jpg"
"${ff[@]}" -f lavfi -i "testsrc2=size=$size:rate=1" -frames:v 1 -q:v 3 "$dir/photo2.jpg"
"${ff[@]}" -f lavfi -i "gradients=size=$size:c0=0x1e3c72:c1=0xff7e5f:x0=0:y0=0:x1=1920:y1=1280:seed=7" \
  -vf "noise=alls=12:allf=t" -frames:v 1 -q:v 3 "$dir/photo3.jpg"
"${ff[@]}" -f lavfi -i "mandelbrot=size=$size:start_x=-0.745:start_y=0.112:start_scale=0.02" \
  -vf "hue=h=140:s=1.4" -frames:v 1 -q:v 3 "$dir/photo4.jpg"
"${ff[@]}" -f lavfi -i "cellauto=size=$size:rule=110:rate=1" \
  -vf "format=yuv420p,colorchannelmixer=rr=0.9:gg=0.5:bb=0.2,gblur=sigma=2" -frames:v 1 -q:v 3 \
  "$dir/photo5.jpg"

# 30 s of "music": a soft chord over pink noise, with a slow tremolo.
"${ff[@]}" -f lavfi -i "sine=frequency=220:duration=30" -f lavfi -i "sine=frequency=277.18:duration=30" \
  -f lavfi -i "sine=frequency=329.63:duration=30" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:duration=30" \
  -filter_complex "[0][1][2][3]amix=inputs=4:normalize=0,volume=0.5,tremolo=f=2:d=0.4,afade=t=in:d=1,afade=t=out:st=28:d=2[a]" \
  -map "[a]" -ac 2 -ar 44100 -c:a libmp3lame -b:a 160k "$dir/music.mp3"

echo "$dir: photo1.jpg ... photo5.jpg ($size) and music.mp3 (30 s)"
