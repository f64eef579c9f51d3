"""The compiled kernel of two-dimensional first-fit decreasing (numba; cached on disk after the first run).

Pure integer work on arrays already sorted by the caller; ``binpack.first_fit_decreasing_2d`` is the entry point.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)  # type: ignore[misc]
def ffd_kernel(
    ws: np.ndarray, vs: np.ndarray, cap_w: int, cap_v: int
) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    n = ws.shape[0]
    out = np.empty(n, dtype=np.int64)
    rw = np.empty(n, dtype=np.int64)
    rv = np.empty(n, dtype=np.int64)
    min_w = np.empty(n, dtype=np.int64)
    min_v = np.empty(n, dtype=np.int64)
    lo_w, lo_v = cap_w, cap_v
    for k in range(n - 1, -1, -1):  # the smallest item still to come, from each rank on
        lo_w = min(lo_w, ws[k])
        lo_v = min(lo_v, vs[k])
        min_w[k], min_v[k] = lo_w, lo_v
    bins = 0
    start = 0
    for k in range(n):
        while start < bins and (rw[start] < min_w[k] or rv[start] < min_v[k]):
            start += 1  # too full for every item left: never looked at again
        b = start
        while b < bins and (rw[b] < ws[k] or rv[b] < vs[k]):
            b += 1
        if b == bins:
            rw[b], rv[b] = cap_w, cap_v
            bins += 1
        rw[b] -= ws[k]
        rv[b] -= vs[k]
        out[k] = b
    return out, bins
