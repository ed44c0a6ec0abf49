"""Zero-copy numpy views of pyarrow arrays for the vectorised importers (needs numpy and pyarrow).

``Array.to_numpy`` goes through pyarrow's pandas conversion machinery, whose fixed cost per call shows up
when an importer makes a few dozen such calls per file.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def value_offsets(arr: pa.Array) -> np.ndarray:
    """The value offsets of a string array, starting at 0."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset)
    return offsets - offsets[0]


def value_bytes(arr: pa.Array) -> bytes:
    """The bytes of all values of a string array, back to back."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=4 * arr.offset)
    buf = arr.buffers()[2]
    return b"" if buf is None else buf.to_pybytes()[offsets[0] : offsets[-1]]


def numpy_view(arr: pa.Array) -> np.ndarray:
    """The values of a primitive pyarrow array without nulls, as a read-only numpy view."""
    if arr.null_count:
        raise ValueError("array has nulls")
    dtype = np.dtype(arr.type.to_pandas_dtype())
    if not len(arr):
        return np.empty(0, dtype=dtype)
    return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)


def filled(arr: pa.Array, fill: int) -> np.ndarray:
    """The values of a primitive pyarrow array as a new numpy array, nulls replaced by ``fill``."""
    dtype = np.dtype(arr.type.to_pandas_dtype())
    if not len(arr):
        return np.empty(0, dtype=dtype)
    values = np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)
    if not arr.null_count:
        return values.copy()
    valid = np.unpackbits(np.frombuffer(arr.buffers()[0], dtype=np.uint8), bitorder="little")
    return np.where(valid[arr.offset : arr.offset + len(arr)].astype(bool), values, fill)
