#!/usr/bin/env bash
# Extracting a folder of dashcam clips: through the moov/gps index (the default) versus a scan
# of every mdat (--scan), in the same run, with the bytes each run read (rchar and read_bytes
# of /proc/PID/io, taken before the process is reaped) and its wall time.
# Usage: scripts/bench-dashcam.sh [DIR] [CLIPS] [SECONDS] [BYTES_PER_SECOND]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/telemux-bench-dashcam}
clips=${2:-100}; secs=${3:-180}; rate=${4:-2000000}
cd "$root"
cargo build --release --quiet --bin telemux --example dashcam_folder -p telemux -p telemux-read
rm -rf "$dir"
./target/release/examples/dashcam_folder "$dir" "$clips" "$secs" "$rate"
echo "clips: $clips x ${secs}s, apparent size $(du -sh --apparent-size "$dir" | cut -f1), on disk $(du -sh "$dir" | cut -f1)"
measure() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
start = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# Wait without reaping, so /proc/PID/io still holds the totals.
os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
io = dict(line.split(": ") for line in open(f"/proc/{p.pid}/io").read().splitlines())
p.wait()
print(f"exit {p.returncode}, {time.monotonic() - start:.2f} s, read() {int(io['rchar']) / 1e6:.1f} MB, from disk {int(io['read_bytes']) / 1e6:.1f} MB")
PY
}
echo -n "index: "; measure ./target/release/telemux extract "$dir" -o "$dir/index.gpx" --force
echo -n "scan:  "; measure ./target/release/telemux extract "$dir" --scan -o "$dir/scan.gpx" --force
cmp "$dir/index.gpx" "$dir/scan.gpx" && echo "same GPX: $(grep -c '<trkpt' "$dir/index.gpx") points"
