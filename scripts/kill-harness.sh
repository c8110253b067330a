#!/usr/bin/env bash
# Crash safety of `telemux inject --in-place` (docs/reliability.md): the writer is killed with
# SIGKILL at every system call it makes, one run per kill point (strace's syscall fault
# injection: the N-th call of syscall S never returns). After each kill the file must be a
# valid MP4 (ffprobe) whose video and audio streams are byte-identical to the original
# (ffmpeg streamhash), and telemux must read either no telemetry (old state) or the whole
# new track (new state): never a broken file.
#
#   scripts/kill-harness.sh        prints one line per scenario and a total; exit 1 if broken
#
# Scenarios: a first inject into fixtures/ride.mp4, a --replace inject into a file that
# already has a track (the path that drops the old track), and a first inject into
# fixtures/clip-moov-end.mp4 (ffmpeg's layout). Needs strace, ffmpeg, ffprobe.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q
telemux=$PWD/target/debug/telemux
gpx=$PWD/fixtures/ride.gpx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hashes() {
  ffmpeg -v error -i "$1" -map 0:v -map 0:a -c copy -f streamhash - 2>/dev/null
}
# GPS points telemux reads back (0 when the file has no telemetry).
points() {
  { "$telemux" extract "$1" -f csv -o - 2>/dev/null || true; } | tail -n +2 | wc -l
}

# The syscalls (name and count) a complete run makes.
syscalls() {
  strace -f -c -o "$work/count" "$@" >/dev/null 2>&1
  awk '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {print $NF, $4}' "$work/count"
}

total_points=0
total_broken=0

# scenario NAME START_FILE EXTRA_ARGS...
scenario() {
  local name=$1 start=$2
  shift 2
  local args=(inject "$work/video.mp4" --gpx "$gpx" --in-place "$@")
  local original_hashes
  original_hashes=$(hashes "$start")
  cp "$start" "$work/video.mp4"
  local before_points
  before_points=$(points "$work/video.mp4")
  "$telemux" "${args[@]}" >/dev/null 2>&1
  local after_points
  after_points=$(points "$work/video.mp4")
  cp "$start" "$work/video.mp4"
  local list
  list=$(syscalls "$telemux" "${args[@]}")
  local kills=0 broken=0 old=0 new=0 sys count n state
  while read -r sys count; do
    for ((n = 1; n <= count; n++)); do
      cp "$start" "$work/video.mp4"
      # A subshell that waits (the `exit` keeps bash from exec'ing strace) and whose stderr is
      # discarded: bash reports every child killed by a signal ("Killed").
      if (strace -f -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$n" \
        "$telemux" "${args[@]}" >/dev/null 2>&1; exit $?) 2>/dev/null; then
        continue # the call was not reached in this run: no kill
      fi
      kills=$((kills + 1))
      state=broken
      if ffprobe -v error "$work/video.mp4" >/dev/null 2>&1 &&
        [ "$(hashes "$work/video.mp4")" = "$original_hashes" ]; then
        case $(points "$work/video.mp4") in
          "$before_points") state=old ;;
          "$after_points") state=new ;;
        esac
      fi
      case $state in
        old) old=$((old + 1)) ;;
        new) new=$((new + 1)) ;;
        *)
          broken=$((broken + 1))
          cp "$work/video.mp4" "$work/../broken-$name-$sys-$n.mp4" || true
          echo "BROKEN: $name, killed at $sys #$n" >&2
          ;;
      esac
    done
  done <<<"$list"
  printf '%-22s kill points %4d: old state %4d, new state %4d, broken %d\n' \
    "$name" "$kills" "$old" "$new" "$broken"
  total_points=$((total_points + kills))
  total_broken=$((total_broken + broken))
}

scenario first-inject fixtures/ride.mp4
cp fixtures/ride.mp4 "$work/with-track.mp4"
"$telemux" inject "$work/with-track.mp4" --gpx "$gpx" --in-place >/dev/null 2>&1
cp "$work/with-track.mp4" "$work/start-replace.mp4"
scenario replace-inject "$work/start-replace.mp4" --replace
# ffmpeg's own muxer layout (free box, several samples per chunk), GPS placed from its start.
scenario clip-first-point fixtures/clip-moov-end.mp4 --sync first-point
printf 'total kill points %d, broken files %d\n' "$total_points" "$total_broken"
[ "$total_broken" -eq 0 ]
