#!/usr/bin/env bash
# End-to-end benchmarks on a large video, as docs/benchmarks.md reports them:
#   extract: time, bytes read, peak RSS, beside ExifTool on the same file;
#   inject -o: time against `cp` of the same file, measured alternately in this run;
#   inject --in-place: time, bytes written, peak RSS.
# Usage: scripts/bench.sh [WORKDIR] (default /tmp/telemux-bench; needs ~11 GB free there).
# GPMF_PYTHON=/tmp/venv-gpmf/bin/python (a venv with py-gpmf-parser) also has GoPro's parser
# read both outputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/telemux-bench}
rounds=${ROUNDS:-3}
mkdir -p "$work"
cd "$root"
cargo build --release -q
bin=$root/target/release/telemux
big=$work/big.mov
[ -f "$big" ] || scripts/make-big-video.sh "$big" 600 >/dev/null
size=$(stat -c %s "$big")
echo "file: $big, $size bytes ($(numfmt --to=iec "$size"))"

# A 10-minute GPX at 1 Hz starting at the video's start.
python3 - "$work/ten-minutes.gpx" <<'PY'
import sys
out = ['<?xml version="1.0"?>', '<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>']
for i in range(601):
    m, s = divmod(i, 60)
    out.append(f'<trkpt lat="{45 + i * 6e-5:.7f}" lon="{7 + i * 8e-5:.7f}"><ele>{250 + i * 0.1:.1f}</ele>'
               f'<time>2024-05-01T10:{m:02d}:{s:02d}Z</time></trkpt>')
out.append('</trkseg></trk></gpx>')
open(sys.argv[1], 'w').write('\n'.join(out))
PY

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
stats() { grep -o 'read [0-9]* bytes, wrote [0-9]* bytes, peak RSS [0-9]* KiB' "$1"; }

echo "== extract (GPX of the whole gpmd track)"
for i in $(seq "$rounds"); do
  t0=$(now); TELEMUX_STATS=1 "$bin" extract "$big" -o - >/dev/null 2>"$work/extract.err"; t1=$(now)
  echo "telemux extract: $(elapsed "$t0" "$t1") s; $(stats "$work/extract.err")"
done
t0=$(now); exiftool -ee -n -p '$GPSLatitude,$GPSLongitude' "$big" >/dev/null 2>&1 || true; t1=$(now)
echo "exiftool -ee -n: $(elapsed "$t0" "$t1") s"

echo "== inject -o (copy + new track) vs cp, alternately"
inject_args=(--gpx "$work/ten-minutes.gpx" --start 2024-05-01T10:00:00Z --replace)
for i in $(seq "$rounds"); do
  rm -f "$work/copy.mov" "$work/out.mov"; sync
  t0=$(now); cp "$big" "$work/copy.mov"; sync -f "$work/copy.mov"; t1=$(now)
  cp_s=$(elapsed "$t0" "$t1"); rm -f "$work/copy.mov"; sync
  t0=$(now)
  TELEMUX_STATS=1 "$bin" inject "$big" "${inject_args[@]}" -o "$work/out.mov" 2>"$work/inject.err"
  t1=$(now)
  inj_s=$(elapsed "$t0" "$t1")
  echo "cp: $cp_s s, inject -o: $inj_s s, ratio $(python3 -c "print(f'{$inj_s / $cp_s:.2f}')"); $(stats "$work/inject.err")"
done

# GoPro's own parser reads the -o output (when a venv with py-gpmf-parser is given).
if [ -n "${GPMF_PYTHON:-}" ]; then
  "$GPMF_PYTHON" "$root/scripts/gpmf-parser-check.py" "$work/out.mov"
fi
rm -f "$work/out.mov" # disk: the big file, one copy at a time

echo "== inject --in-place"
for i in $(seq "$rounds"); do
  rm -f "$work/inplace.mov"; cp "$big" "$work/inplace.mov"; sync
  t0=$(now)
  TELEMUX_STATS=1 "$bin" inject "$work/inplace.mov" "${inject_args[@]}" --in-place 2>"$work/inplace.err"
  t1=$(now)
  echo "inject --in-place: $(elapsed "$t0" "$t1") s; $(stats "$work/inplace.err"); file grew by $(( $(stat -c %s "$work/inplace.mov") - size )) bytes"
done
if [ -n "${GPMF_PYTHON:-}" ]; then
  "$GPMF_PYTHON" "$root/scripts/gpmf-parser-check.py" "$work/inplace.mov"
fi
rm -f "$work/out.mov" "$work/inplace.mov" "$work/copy.mov"
