#!/usr/bin/env bash
# sha256 of what `inject` and `convert` write on the committed fixtures (and, when given, real
# GoPro files and dashcam clips), one line per case: run it with two builds of telemux and diff
# the lines to show that a refactor left every output byte-identical.
#
#   scripts/output-hashes.sh BIN [CORPUS_DIR] [DASHCAM_CLIP...] > hashes.txt
#
# BIN: a telemux binary. CORPUS_DIR: ../shared/corpus (adds --replace on karma.mp4 and
# max-heromode.mp4). DASHCAM_CLIP: Novatek-family clips lined up with fixtures/ride.mp4's
# time, as tests/dashcam.rs builds them (convert -o and convert --in-place on each).
set -euo pipefail

bin=$(realpath "$1")
corpus=${2:-}
shift $(($# < 2 ? $# : 2))
root=$(cd "$(dirname "$0")/.." && pwd)
fx=$root/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# case NAME FILE: prints the hash of FILE under NAME.
case_hash() { printf '%s %s\n' "$(sha256sum <"$2" | cut -d' ' -f1)" "$1"; }

# inject NAME INPUT EXTRA…: inject ride.gpx into INPUT with -o.
inject() {
    local name=$1 input=$2
    shift 2
    "$bin" inject "$input" --gpx "$fx/ride.gpx" -o "$work/$name.out" "$@" 2>/dev/null
    case_hash "$name" "$work/$name.out"
}

inject ride "$fx/ride.mp4"
inject ride-faststart-input "$fx/ride-faststart.mp4"
inject ride-faststart "$fx/ride.mp4" --faststart
inject ride-gps9 "$fx/ride.mp4" --gps9
inject ride-rate-3 "$fx/ride.mp4" --rate 3 --max-gap 0.5
inject ride-camera "$fx/ride.mp4" --make GoPro --model 'HERO7 Black' --firmware HD7.01 \
    --street-view --dop 2.5
inject clip-mov "$fx/clip.mov" --sync first-point
inject clip-moov-end "$fx/clip-moov-end.mp4" --sync first-point --faststart
inject ride-replace "$work/ride.out" --replace --rate 5
inject ride-gps9-replace "$work/ride-gps9.out" --replace

cp "$fx/ride.mp4" "$work/in-place.mp4"
"$bin" inject "$work/in-place.mp4" --gpx "$fx/ride.gpx" --in-place 2>/dev/null
case_hash ride-in-place "$work/in-place.mp4"
cp "$fx/clip.mov" "$work/in-place.mov"
"$bin" inject "$work/in-place.mov" --gpx "$fx/ride.gpx" --sync first-point --in-place 2>/dev/null
case_hash clip-mov-in-place "$work/in-place.mov"

if [ -n "$corpus" ]; then
    inject karma-replace "$corpus/gopro/karma.mp4" --sync first-point --replace
    inject max-replace "$corpus/gopro/max-heromode.mp4" --sync first-point --replace --gps9
fi

for clip in "$@"; do
    name=$(basename "$clip")
    "$bin" convert "$clip" -o "$work/$name.out" 2>/dev/null
    case_hash "convert-$name" "$work/$name.out"
    cp "$clip" "$work/$name.in-place"
    "$bin" convert "$work/$name.in-place" --in-place 2>/dev/null
    case_hash "convert-in-place-$name" "$work/$name.in-place"
done
