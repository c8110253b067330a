"""mapillary_tools (PyPI, the Mapillary uploader) on a video.

Prints one JSON object:
  {"make", "model", "points": [{"time", "lat", "lon", "alt", "epoch_time", "fix",
   "precision"}], "process": {"exit_code", "descriptions": [...]}}
"points" is what its GoPro parser (mapillary_tools.gpmf.gpmf_parser.extract_gopro_info)
reads; "process" is `mapillary_tools process VIDEO_DIR --desc_path -` (offline: it geotags
and validates, the step before upload) on a folder holding only a copy of the video.
Used by tests/interop_readers.rs.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from mapillary_tools.gpmf import gpmf_parser


def parse(path: str) -> dict:
    with open(path, "rb") as fp:
        info = gpmf_parser.extract_gopro_info(fp)
    if info is None:
        raise SystemExit(f"mapillary_tools: no GoPro telemetry found in {path}")
    return {
        "make": info.make,
        "model": info.model,
        "points": [
            {
                "time": p.time,
                "lat": p.lat,
                "lon": p.lon,
                "alt": p.alt,
                "epoch_time": p.epoch_time,
                "fix": None if p.fix is None else p.fix.value,
                "precision": p.precision,
            }
            for p in info.gps or []
        ],
    }


def process(path: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(path, folder)
        # HOME in the temporary folder: mapillary_tools keeps its history and settings there.
        env = dict(os.environ, HOME=folder)
        run = subprocess.run(
            [sys.executable, "-m", "mapillary_tools.commands", "process", folder, "--desc_path", "-"],
            capture_output=True,
            env=env,
            check=False,
        )
    if not run.stdout.strip():
        raise SystemExit(f"mapillary_tools process printed nothing: {run.stderr.decode(errors='replace')}")
    return {"exit_code": run.returncode, "descriptions": json.loads(run.stdout)}


def main(path: str) -> None:
    out = parse(path)
    out["process"] = process(path)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
