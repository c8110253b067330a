#!/usr/bin/env python3
"""GoPro's own parser (gpmf-parser, via PyPI's py-gpmf-parser) on each file: opens it, inits
every GPMF payload and reads every GPS5 sample scaled. Prints one line per file; exit 1 when a
file cannot be opened. py-gpmf-parser 0.1.1 does not expose GPMF_Validate."""
import sys

import numpy as np
import py_gpmf_parser as p

failed = False
for path in sys.argv[1:]:
    handle = p.OpenMP4Source(path, p.MOV_GPMF_TRAK_TYPE, p.MOV_GPMF_TRAK_SUBTYPE, 0)
    if not handle:
        print(f"{path}: gpmf-parser cannot open it")
        failed = True
        continue
    count = p.GetNumberPayloads(handle)
    init = 0
    points = []
    for i in range(count):
        size = p.GetPayloadSize(handle, i)
        resource = p.GetPayloadResource(handle, 0, size)
        payload = p.GetPayload(handle, resource, i, size)
        ret, stream = p.GPMF_Init(payload, size)
        if ret != p.GPMF_ERROR.GPMF_OK:
            continue
        init += 1
        while p.GPMF_FindNext(stream, p.Str2FourCC("GPS5"), p.GPMF_RECURSE_LEVELS_AND_TOLERANT) == p.GPMF_ERROR.GPMF_OK:
            samples = p.GPMF_Repeat(stream)
            elements = p.GPMF_ElementsInStruct(stream)
            ret, data = p.GPMF_ScaledData(stream, samples * elements * 8, 0, samples, p.GPMF_SampleType.DOUBLE)
            if ret == p.GPMF_ERROR.GPMF_OK:
                points.extend(np.reshape(data[: samples * elements], (-1, elements)).tolist())
    first = [round(v, 7) for v in points[0][:2]] if points else None
    last = [round(v, 7) for v in points[-1][:2]] if points else None
    print(f"{path}: {count} payloads ({init} init), {len(points)} GPS5 points, first {first}, last {last}")
    p.CloseSource(handle)
sys.exit(1 if failed else 0)
