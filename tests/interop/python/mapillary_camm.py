"""mapillary_tools (PyPI, the Mapillary uploader) on a video with a CAMM track.

Prints one JSON object:
  {"make", "model", "points": [{"time", "lat", "lon", "alt", "time_gps_epoch", "fix",
   "horizontal_accuracy"}], "process": {"exit_code", "descriptions": [...]}}
"points" is what its CAMM parser (mapillary_tools.camm.camm_parser.extract_camm_info) reads:
"time" is the sample's time on the video (edit list applied), "time_gps_epoch" the packet's
field as stored. "process" is `mapillary_tools process` on a folder holding only a copy of
the video (see mapillary_gps.py). Used by tests/camm_interop.rs.
"""

import json
import sys

from mapillary_tools.camm import camm_parser

from mapillary_gps import process


def parse(path: str) -> dict:
    with open(path, "rb") as fp:
        info = camm_parser.extract_camm_info(fp)
    if info is None:
        raise SystemExit(f"mapillary_tools: no CAMM track found in {path}")
    # 0.14.7 files type 6 points under mini_gps too (CAMMGPSPoint is a geo.Point, tested
    # first): take both lists, as its geotagging does.
    points = sorted([*(info.gps or []), *(info.mini_gps or [])], key=lambda p: p.time)
    return {
        "make": info.make,
        "model": info.model,
        "points": [
            {
                "time": p.time,
                "lat": p.lat,
                "lon": p.lon,
                "alt": p.alt,
                "time_gps_epoch": getattr(p, "time_gps_epoch", None),
                "fix": getattr(p, "gps_fix_type", None),
                "horizontal_accuracy": getattr(p, "horizontal_accuracy", None),
            }
            for p in points
        ],
    }


def main(path: str) -> None:
    out = parse(path)
    out["process"] = process(path)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
