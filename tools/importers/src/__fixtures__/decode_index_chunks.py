"""Second reader of an index store written by the importers: decodes every chunk of one variable with numcodecs
(zstd) and numpy, without zarr-python, and compares it with values computed here from the source CSV, each
composite at the last day it covers (the CSV dates it by its first day).

usage: decode_index_chunks.py <store> <variable> <csv> <value column> <ndvi|fpar>
Prints JSON: {"cells", "observed", "equal", "mismatches": [first few]}.
"""
import calendar
import csv
import datetime
import json
import sys

import numcodecs
import numpy as np

store, variable, source, column, kind = sys.argv[1:6]
root = json.load(open(f"{store}/zarr.json"))
geos = root["attributes"]["geo_identifier"]
meta = json.load(open(f"{store}/{variable}/zarr.json"))
assert [c["name"] for c in meta["codecs"]] == ["bytes", "zstd"], meta["codecs"]
assert meta["data_type"] == "float32" and meta["dimension_names"] == ["geo", "time"], meta
n_geo, n_time = meta["shape"]
cg, ct = meta["chunk_grid"]["configuration"]["chunk_shape"]
time_meta = json.load(open(f"{store}/time/zarr.json"))
time = np.frombuffer(numcodecs.Zstd().decode(open(f"{store}/time/c/0", "rb").read()), dtype="<i4")[:n_time]

decoded = np.full((n_geo, n_time), np.nan, dtype="<f4")
for gi in range(-(-n_geo // cg)):
    for ti in range(-(-n_time // ct)):
        try:
            raw = open(f"{store}/{variable}/c/{gi}/{ti}", "rb").read()
        except FileNotFoundError:
            continue  # an absent chunk is all fill value (NaN)
        block = np.frombuffer(numcodecs.Zstd().decode(raw), dtype="<f4").reshape(cg, ct)
        g0, t0 = gi * cg, ti * ct
        g1, t1 = min(g0 + cg, n_geo), min(t0 + ct, n_time)
        decoded[g0:g1, t0:t1] = block[: g1 - g0, : t1 - t0]

def last_day(kind, start):
    """NDVI: MODIS 8-day periods from day of year 1, 9, ..., the year's last ending on 31 December (a start off
    that grid covers 8 days); fAPAR: dekads ending on the 10th, the 20th and the month's last day."""
    if kind == "ndvi":
        end = start + datetime.timedelta(days=7)
        if (start.timetuple().tm_yday - 1) % 8 == 0:
            end = min(end, datetime.date(start.year, 12, 31))
        return end
    last = {1: 10, 11: 20, 21: calendar.monthrange(start.year, start.month)[1]}[start.day]
    return datetime.date(start.year, start.month, last)


# The expected grid, from the CSV: geo ids, scaling and dating re-implemented here.
geo_index = {g: i for i, g in enumerate(geos)}
time_index = {int(t): i for i, t in enumerate(time)}
epoch = datetime.date(1970, 1, 1).toordinal()
expected = np.full((n_geo, n_time), np.nan, dtype="<f4")
for row in csv.DictReader(open(source)):
    code, v = row["adm_id"], float(row[column])
    if kind == "ndvi":
        if not 50 <= v <= 250:
            continue
        value = (v - 50) / 200
    else:
        value = v / 100
    geo = f"ADM0:ESP/ADM1:{code[:4].lower()}/ADM2:{code.lower()}"
    d = row["date"]
    day = last_day(kind, datetime.date(int(d[:4]), int(d[4:6]), int(d[6:8]))).toordinal() - epoch
    expected[geo_index[geo], time_index[day]] = np.float32(value)

same = (decoded.view("<u4") == expected.view("<u4")) | (np.isnan(decoded) & np.isnan(expected))
bad = np.argwhere(~same)[:5]
print(json.dumps({
    "cells": int(decoded.size),
    "observed": int((~np.isnan(expected)).sum()),
    "equal": int(same.sum()),
    "mismatches": [[geos[g], int(time[t]), float(decoded[g, t]), float(expected[g, t])] for g, t in bad],
}))
