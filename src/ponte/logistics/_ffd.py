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


@njit(cache=True)  # type: ignore[misc]
def two_pointer_kernel(
    cw: np.ndarray, cv: np.ndarray, cap_w: np.ndarray, cap_v: np.ndarray, unlimited: bool
) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    """Bin per item (in the caller's size order, -1 when no bin was left) and bins used. ``cw``/``cv`` are the
    cumulative sums with a leading 0; ``cap_w``/``cap_v`` the bins in order (one entry and ``unlimited``: as many
    as needed of that one)."""
    n = cw.shape[0] - 1
    out = np.full(n, -1, dtype=np.int64)
    lo = 0
    hi = n - 1
    b = 0
    total = n if unlimited else cap_w.shape[0]
    while lo <= hi and b < total:
        wc = cap_w[0] if unlimited else cap_w[b]
        vc = cap_v[0] if unlimited else cap_v[b]
        j = min(
            np.searchsorted(cw, cw[lo] + wc, side="right") - 1,
            np.searchsorted(cv, cv[lo] + vc, side="right") - 1,
            hi + 1,
        )
        if j == lo:
            break
        rw = wc - (cw[j] - cw[lo])
        rv = vc - (cv[j] - cv[lo])
        k = max(
            np.searchsorted(cw, cw[hi + 1] - rw, side="left"),
            np.searchsorted(cv, cv[hi + 1] - rv, side="left"),
            j,
        )
        for x in range(lo, j):
            out[x] = b
        if k <= hi:
            for x in range(k, hi + 1):
                out[x] = b
            hi = k - 1
        lo = j
        b += 1
    return out, b
