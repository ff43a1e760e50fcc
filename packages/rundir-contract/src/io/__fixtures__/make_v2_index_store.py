"""Writes indices_v2.zarr: a Zarr v2 index store made by zarr-python 2.13 (Debian's python3-zarr), the way
xarray-era tools wrote them, to prove readIndexStore reads stores that zarrita did not write.

Run: /usr/bin/python3 make_v2_index_store.py <output-dir>   (IndexStore.test.ts knows the expected values:
tmax[g, t] = 10 + g + t / 4 except NaN at (1, 2); precip[g, t] = 5 * g + t, with geo 2 at times 3-4 never
written, so that chunk is absent and reads as the fill value NaN.)

It exercises what our own writer never produces: zlib compression, Fortran order, big-endian floats, chunks
that overhang the array edge, a missing chunk, and dimension names in `_ARRAY_DIMENSIONS`.
"""
import sys

import numcodecs
import numpy as np
import zarr

out = sys.argv[1]
n_geo, n_time = 3, 5
root = zarr.open_group(zarr.DirectoryStore(out), mode="w")
root.attrs.update(
    {
        "geo_identifier": ["US-19-001", "US-19-003", "US-19-005"],
        "variables": ["tmax", "precip"],
        "observed_until": "2020-01-03",
        "source": "zarr-python 2.13 fixture",
    }
)
time = root.create_dataset("time", data=np.arange(18262, 18262 + n_time, dtype="<i4"), chunks=(n_time,), compressor=None)
time.attrs.update({"units": "days since 1970-01-01", "_ARRAY_DIMENSIONS": ["time"]})

g, t = np.meshgrid(np.arange(n_geo), np.arange(n_time), indexing="ij")
tmax_values = (10 + g + t / 4).astype("<f4")
tmax_values[1, 2] = np.nan
tmax = root.create_dataset(
    "tmax", shape=(n_geo, n_time), chunks=(2, 3), dtype="<f4", order="F", fill_value=np.nan,
    compressor=numcodecs.Zlib(level=5),
)
tmax[:, :] = tmax_values
tmax.attrs.update({"units": "degC", "long_name": "daily maximum temperature", "_ARRAY_DIMENSIONS": ["geo", "time"]})

precip = root.create_dataset(
    "precip", shape=(n_geo, n_time), chunks=(2, 3), dtype=">f4", fill_value=np.nan,
    compressor=numcodecs.Zlib(level=1), write_empty_chunks=False,
)
precip_values = (5 * g + t).astype(">f4")
precip[0:2, :] = precip_values[0:2, :]
precip[2, 0:3] = precip_values[2, 0:3]
precip.attrs.update({"units": "mm", "long_name": "precipitation", "_ARRAY_DIMENSIONS": ["geo", "time"]})
