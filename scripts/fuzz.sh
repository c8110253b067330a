#!/usr/bin/env bash
# Runs every libFuzzer target (or the ones named) for SECONDS_PER_TARGET seconds or RUNS
# executions each, whichever comes first, one after another, and prints the executions per
# target. See docs/reliability.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 60 s, every target)
#   RUNS=10000000 scripts/fuzz.sh 1800                    (the release bar: 10 M or 30 min)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz uses nightly-only compiler flags
# (sanitizer coverage); RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. Targets are
# built with overflow checks and without AddressSanitizer: the workspace has no `unsafe`, so
# bounds and overflow checks already catch what ASan would, at a third of the cost.
# Seeds are copied at run time from fixtures/ and ../shared/corpus (never committed) into
# fuzz/corpus/TARGET, which also keeps what libFuzzer finds between runs. Crashes land in
# fuzz/artifacts/TARGET; logs in fuzz/logs. Set FUZZ_TARGET_DIR to build elsewhere (so a
# long run is not disturbed by rebuilding), NICE=0 to run at normal priority.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
runs_cap=${RUNS:--1} # -1: no cap, libFuzzer runs until the time is up
shift || true
all=(gpmf_decode mp4_moov novatek_block novatek_ts gpx_parse ttad_decode rewrite camm_decode fit_parse srt_parse nmea_parse kml_parse geojson_parse csv_parse json_parse)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
shared=${TELEMUX_SHARED:-../shared}
export RUSTC_BOOTSTRAP=1

build_args=(--release --debug-assertions --sanitizer none)
[ -n "${FUZZ_TARGET_DIR:-}" ] && build_args+=(--target-dir "$FUZZ_TARGET_DIR")
(cd fuzz && cargo fuzz build "${build_args[@]}")
bin_dir=${FUZZ_TARGET_DIR:-fuzz/target}/x86_64-unknown-linux-gnu/release

# Copies seed files into the target's corpus folder (missing sources are skipped).
seed() {
  local target=$1
  shift
  mkdir -p "fuzz/corpus/$target"
  local f
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "fuzz/corpus/$target/"
  done
  return 0
}

# The ftyp and moov of a real file, without the megabytes of media: small seeds fuzz faster.
moov_only() {
  local file=$1 out=$2 offset=0 len size kind
  len=$(stat -c %s "$file")
  : >"$out"
  while [ "$offset" -lt "$len" ]; do
    size=$(od -An -tu1 -j "$offset" -N4 "$file" | awk '{print (($1*256+$2)*256+$3)*256+$4}')
    kind=$(dd if="$file" bs=1 skip=$((offset + 4)) count=4 status=none)
    [ "$size" -ge 8 ] || break
    if [ "$kind" != mdat ]; then
      dd if="$file" bs=64K iflag=skip_bytes,count_bytes skip="$offset" count="$size" \
        status=none >>"$out"
    fi
    offset=$((offset + size))
  done
}

seed gpmf_decode "$shared"/corpus/gopro/*.raw "$shared"/corpus/gopro/gopro-telemetry/*.raw
seed mp4_moov fixtures/*.mp4 fixtures/*.mov
for f in "$shared"/corpus/gopro/*.mp4; do
  [ -f "$f" ] && moov_only "$f" "fuzz/corpus/mp4_moov/moov-$(basename "$f")"
done
seed gpx_parse fixtures/gpx/*.gpx
# Track inputs: the first byte of an input is the read size, the rest the file. Seeds are
# telemux's own exports of the MAX sample and a few NMEA sentences.
max="$shared/corpus/gopro/max-heromode.mp4"
for format in kml geojson csv json; do
  mkdir -p "fuzz/corpus/${format}_parse"
  [ -f "$max" ] && { printf '@'; cargo run -q -- extract "$max" --format "$format"; } \
    >"fuzz/corpus/${format}_parse/max.$format"
done
mkdir -p fuzz/corpus/nmea_parse
printf '%s\r\n' '@$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47' \
  '$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39' \
  '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A' \
  >fuzz/corpus/nmea_parse/seed.nmea
mkdir -p fuzz/corpus/rewrite
TELEMUX_FUZZ_SEEDS="$PWD/fuzz/corpus" cargo test -q -p telemux-read \
  --test novatek_fixtures --test ttad write_fuzz_seeds -- --ignored >/dev/null

mkdir -p fuzz/logs
nice_cmd=(nice -n "${NICE:-19}")
printf '%-14s %14s %8s %10s  %s\n' target executions seconds exec/s result
status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/artifacts/$t"
  log="fuzz/logs/$t.log"
  # Corpus payloads are up to 75 KB; a 16 KiB prefix keeps several whole DEVCs per input.
  case $t in
    gpmf_decode) max_len=16384 ;;
    *) max_len=0 ;; # libFuzzer's choice, from the seeds
  esac
  start=$(date +%s)
  if "${nice_cmd[@]}" "$bin_dir/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -runs="$runs_cap" -timeout=10 \
    -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and fuzz/artifacts/$t)"
    status=1
  fi
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=${runs:-0}
  printf '%-14s %14s %8s %10s  %s\n' "$t" "$runs" "$elapsed" \
    "$((runs / (elapsed > 0 ? elapsed : 1)))" "$result"
done
exit $status
