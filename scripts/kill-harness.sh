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
# fixtures/clip-moov-end.mp4 (ffmpeg's layout). Then the same first inject with every write,
# fsync, fdatasync and ftruncate failing in turn (ENOSPC, and EFBIG for writes) instead of a
# kill: the file must then be byte-identical to the original (or complete, when the failure
# came after the exposing write); and two in-place runs started at once, many times: exactly
# one track, never a broken file. Needs strace, ffmpeg, ffprobe.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q
telemux=$PWD/target/debug/telemux
gpx=$PWD/fixtures/ride.gpx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# -nostdin: ffmpeg otherwise reads the terminal's keys from stdin, which here is the list of
# system calls being looped over (it ate most of it before this was fixed).
hashes() {
  ffmpeg -nostdin -v error -i "$1" -map 0:v -map 0:a -c copy -f streamhash - 2>/dev/null
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
  while read -r sys count <&3; do
    for ((n = 1; n <= count; n++)); do
      cp "$start" "$work/video.mp4"
      # A subshell that waits (the `exit` keeps bash from exec'ing strace) and whose stderr is
      # discarded: bash reports every child killed by a signal ("Killed").
      local rc=0
      (strace -f -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$n" \
        "$telemux" "${args[@]}" >/dev/null 2>&1; exit $?) 2>/dev/null || rc=$?
      case $rc in
        0) continue ;; # the call was not reached in this run: no kill
        137) ;;        # killed (128 + SIGKILL)
        *)
          echo "harness error: $sys #$n ended with $rc, not a kill" >&2
          exit 2
          ;;
      esac
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
  done 3<<<"$list"
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
# failures NAME START_FILE: every write/fsync/fdatasync/ftruncate call fails in turn.
failures() {
  local name=$1 start=$2
  local args=(inject "$work/video.mp4" --gpx "$gpx" --in-place)
  local original_hashes after_points
  original_hashes=$(hashes "$start")
  cp "$start" "$work/video.mp4"
  "$telemux" "${args[@]}" >/dev/null 2>&1
  after_points=$(points "$work/video.mp4")
  cp "$start" "$work/video.mp4"
  local list
  list=$(syscalls "$telemux" "${args[@]}" | grep -E '^(write|fsync|fdatasync|ftruncate) ')
  local runs=0 broken=0 old=0 new=0 sys count n error state
  while read -r sys count <&3; do
    for error in ENOSPC EFBIG; do
      [ "$error" = EFBIG ] && [ "$sys" != write ] && continue
      for ((n = 1; n <= count; n++)); do
        cp "$start" "$work/video.mp4"
        strace -f -o /dev/null -e trace="$sys" -e inject="$sys:error=$error:when=$n" \
          "$telemux" "${args[@]}" >/dev/null 2>&1 || true
        runs=$((runs + 1))
        state=broken
        if cmp -s "$start" "$work/video.mp4"; then
          state=old
        elif ffprobe -v error "$work/video.mp4" >/dev/null 2>&1 &&
          [ "$(hashes "$work/video.mp4")" = "$original_hashes" ] &&
          [ "$(points "$work/video.mp4")" = "$after_points" ]; then
          state=new
        fi
        case $state in
          old) old=$((old + 1)) ;;
          new) new=$((new + 1)) ;;
          *)
            broken=$((broken + 1))
            cp "$work/video.mp4" "$work/../broken-$name-$sys-$error-$n.mp4" || true
            echo "BROKEN: $name, $sys #$n failed with $error" >&2
            ;;
        esac
      done
    done
  done 3<<<"$list"
  printf '%-22s failed calls %4d: unchanged %4d, new state %4d, broken %d\n' \
    "$name" "$runs" "$old" "$new" "$broken"
  total_points=$((total_points + runs))
  total_broken=$((total_broken + broken))
}

# concurrent NAME START_FILE TRIALS: two in-place runs started at once; one may refuse
# ("another telemux…" or "already has GPMF telemetry"), the file ends with exactly one track.
concurrent() {
  local name=$1 start=$2 trials=$3
  local original_hashes after_points
  original_hashes=$(hashes "$start")
  cp "$start" "$work/video.mp4"
  "$telemux" inject "$work/video.mp4" --gpx "$gpx" --in-place >/dev/null 2>&1
  after_points=$(points "$work/video.mp4")
  local t broken=0 refused=0 tracks
  for ((t = 1; t <= trials; t++)); do
    cp "$start" "$work/video.mp4"
    "$telemux" inject "$work/video.mp4" --gpx "$gpx" --in-place >/dev/null 2>"$work/a.err" &
    "$telemux" inject "$work/video.mp4" --gpx "$gpx" --in-place >/dev/null 2>"$work/b.err" &
    wait
    refused=$((refused + $(cat "$work/a.err" "$work/b.err" | grep -c -E 'another telemux|already has GPMF')))
    tracks=$(ffprobe -v error -select_streams d -show_entries stream=codec_tag_string -of csv=p=0 \
      "$work/video.mp4" 2>/dev/null | grep -c gpmd || true)
    if [ "$tracks" != 1 ] || [ "$(hashes "$work/video.mp4")" != "$original_hashes" ] ||
      [ "$(points "$work/video.mp4")" != "$after_points" ]; then
      broken=$((broken + 1))
      cp "$work/video.mp4" "$work/../broken-$name-$t.mp4" || true
      echo "BROKEN: $name, trial $t ($tracks gpmd tracks)" >&2
    fi
  done
  printf '%-22s trials      %4d: second run refused %4d, broken %d\n' \
    "$name" "$trials" "$refused" "$broken"
  total_points=$((total_points + trials))
  total_broken=$((total_broken + broken))
}

failures full-disk fixtures/ride.mp4
concurrent two-runs fixtures/ride.mp4 30
printf 'total kill points, failed calls and trials %d, broken files %d\n' "$total_points" "$total_broken"
[ "$total_broken" -eq 0 ]
