"""GoPro's reference C parser (gpmf-parser, through PyPI's py-gpmf-parser) on a video.

Prints one JSON object: {"payloads": [{"index", "in", "out", "validate", "gps5": [[lat, lon,
alt, 2D, 3D], ...], "gps9": [[...9 values...], ...], "gpsu": "yymmddhhmmss.sss"}]}.
Opening the file goes through the C library's MP4 reader (OpenMP4Source), which is what
GoPro's own tools and the libraries built on it use; every payload is checked with
GPMF_Validate (the binding does not export it, so it is called through ctypes on the same
library), and GPS5/GPS9 are read with GPMF_ScaledData as doubles. Used by tests/interop_readers.rs.
"""

import ctypes
import json
import sys

import gpmf_parser as c
import numpy as np

# GPMF_Validate(GPMF_stream *, GPMF_LEVELS) is in the extension module but not bound; the
# stream struct is opaque here, so GPMF_Init fills a buffer larger than it (about 300 bytes).
_lib = ctypes.CDLL(c.__file__)
_lib.GPMF_Init.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32]
_lib.GPMF_Validate.argtypes = [ctypes.c_void_p, ctypes.c_int]
_STREAM_BYTES = 4096


def validate(payload: list, size: int) -> int:
    """GPMF_Validate(GPMF_RECURSE_LEVELS) of one payload (the binding's list of 32-bit words):
    0 (GPMF_OK) or the error code."""
    words = np.asarray(payload, dtype=np.uint32)
    stream = ctypes.create_string_buffer(_STREAM_BYTES)
    ret = _lib.GPMF_Init(stream, words.ctypes.data, size)
    if ret != 0:
        return ret
    return _lib.GPMF_Validate(stream, int(c.GPMF_RECURSE_LEVELS))


def scaled(stream, key: str):
    """Every sample of `key` in the payload (GPMF_ScaledData, doubles), or []."""
    c.GPMF_ResetState(stream)
    rows = []
    level = c.GPMF_RECURSE_LEVELS
    while c.GPMF_FindNext(stream, c.Str2FourCC(key), level) == c.GPMF_ERROR.GPMF_OK:
        elements = c.GPMF_ElementsInStruct(stream)
        samples = c.GPMF_Repeat(stream)
        ret, data = c.GPMF_ScaledData(
            stream, samples * elements * 8, 0, samples, c.GPMF_SampleType.DOUBLE
        )
        if ret != c.GPMF_ERROR.GPMF_OK:
            raise SystemExit(f"GPMF_ScaledData({key}) failed: {ret}")
        rows.extend(np.reshape(data[: samples * elements], (-1, elements)).tolist())
    return rows


def gpsu(stream):
    """The payload's GPSU string, or None."""
    c.GPMF_ResetState(stream)
    if c.GPMF_FindNext(stream, c.Str2FourCC("GPSU"), c.GPMF_RECURSE_LEVELS) != c.GPMF_ERROR.GPMF_OK:
        return None
    return c.GPMF_RawData(stream).decode("ascii").rstrip("\0")


def main(path: str) -> None:
    handle = c.OpenMP4Source(path, c.MOV_GPMF_TRAK_TYPE, c.MOV_GPMF_TRAK_SUBTYPE, 0)
    if not handle:
        print(f"gpmf-parser: OpenMP4Source could not open {path}", file=sys.stderr)
        sys.exit(1)
    payloads = []
    resource = 0
    for i in range(c.GetNumberPayloads(handle)):
        size = c.GetPayloadSize(handle, i)
        resource = c.GetPayloadResource(handle, resource, size)
        payload = c.GetPayload(handle, resource, i, size)
        _, t_in, t_out = c.GetPayloadTime(handle, i)
        ret, stream = c.GPMF_Init(payload, size)
        if ret != c.GPMF_ERROR.GPMF_OK:
            raise SystemExit(f"gpmf-parser: GPMF_Init failed on payload {i} of {path}: {ret}")
        payloads.append(
            {
                "index": i,
                "in": t_in,
                "out": t_out,
                "validate": validate(payload, size),
                "gpsu": gpsu(stream),
                "gps5": scaled(stream, "GPS5"),
                "gps9": scaled(stream, "GPS9"),
            }
        )
    c.CloseSource(handle)
    json.dump({"payloads": payloads}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
