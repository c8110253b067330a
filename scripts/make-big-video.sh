#!/usr/bin/env bash
# Makes the large test video the benchmarks use: 10 minutes of raw 352x288@30 RGB video (~5.5 GB,
# written at disk speed, no encoding), the corpus GoPro's AAC audio and its gpmd telemetry
# track looped for the whole duration. Usage: scripts/make-big-video.sh OUT.mov [SECONDS]
set -euo pipefail
out=${1:?usage: make-big-video.sh OUT.mov [SECONDS]}
secs=${2:-600}
corpus=${TELEMUX_CORPUS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/corpus}
src="$corpus/gopro/max-heromode.mp4"
[ -f "$src" ] || { echo "make-big-video: no corpus file $src (set TELEMUX_CORPUS)" >&2; exit 2; }
ffmpeg -v error -y -f lavfi -i "testsrc=size=352x288:rate=30" \
  -stream_loop -1 -i "$src" -map 0:v -map 1:a -map 1:3 -t "$secs" \
  -c:v rawvideo -c:a copy -c:d copy -tag:d gpmd "$out"
ls -l "$out"
