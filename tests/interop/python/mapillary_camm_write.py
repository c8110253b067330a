"""mapillary_tools' own CAMM writer (camm_builder, what `mapillary_tools upload` sends for a
video) on a video: the independent writer telemux's CAMM reader is held to.

Usage: mapillary_camm_write.py SOURCE.mp4 OUTPUT.mp4 < measurements.json

The JSON object may hold "gps" (type 6: time, time_gps_epoch, fix, lat, lon, alt, ha, va, ve,
vn, vu, sa), "mini_gps" (type 5: time, lat, lon, alt), and "accl", "gyro", "magn" (types 3, 2
and 7: time, x, y, z); `time` is seconds on the video's timeline. camm_builder keeps the
source's video tracks, drops the others, and adds the CAMM track (with an empty edit when the
first point is after 0 s). Used by tests/camm.rs.
"""

import json
import shutil
import sys

from mapillary_tools import geo, telemetry
from mapillary_tools.camm import camm_builder, camm_parser
from mapillary_tools.mp4 import simple_mp4_builder


def gps(p: dict) -> telemetry.CAMMGPSPoint:
    return telemetry.CAMMGPSPoint(
        time=p["time"],
        lat=p["lat"],
        lon=p["lon"],
        alt=p["alt"],
        angle=None,
        time_gps_epoch=p["time_gps_epoch"],
        gps_fix_type=p["fix"],
        horizontal_accuracy=p["ha"],
        vertical_accuracy=p["va"],
        velocity_east=p["ve"],
        velocity_north=p["vn"],
        velocity_up=p["vu"],
        speed_accuracy=p["sa"],
    )


def main(source: str, output: str) -> None:
    given = json.load(sys.stdin)
    info = camm_parser.CAMMInfo(
        gps=[gps(p) for p in given.get("gps", [])],
        mini_gps=[
            geo.Point(time=p["time"], lat=p["lat"], lon=p["lon"], alt=p["alt"], angle=None)
            for p in given.get("mini_gps", [])
        ],
        accl=[telemetry.AccelerationData(**m) for m in given.get("accl", [])],
        gyro=[telemetry.GyroscopeData(**m) for m in given.get("gyro", [])],
        magn=[telemetry.MagnetometerData(**m) for m in given.get("magn", [])],
    )
    generator = camm_builder.camm_sample_generator2(info)
    with open(source, "rb") as src, open(output, "wb") as out:
        shutil.copyfileobj(simple_mp4_builder.transform_mp4(src, generator), out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
