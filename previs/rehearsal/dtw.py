"""Banded dynamic time warping of two 1-D curves, numpy only.

Why our own: the DTW packages on PyPI (``dtw-python``, ``dtaidistance``, ``tslearn``)
either pull in scipy/numba/C builds the core does not otherwise need or lack the one
thing needed here, a band that follows a *sloped, offset* diagonal with an open end on
both sides of the second curve; the whole algorithm is ~40 lines of vectorised numpy.

Cost ``|a[i] - b[j]|``; steps (1, 1), (1, 2) and (2, 1) only, so the warp's slope stays
within [1/2, 2] (a rehearsal runs at half to twice the plan's tempo: a +-8 % tempo drift
is far inside) and every row depends only on the two rows before it, which makes each row
one vectorised numpy operation. The band: row ``i`` may match columns
``centre(i) - w .. centre(i) + w`` with ``centre(i) = round(j0 + i * slope)``. The start
(row 0) and end (last row) are open: ``a`` is matched whole, ``b`` may run on before and
after (a rehearsal recorded with a lead-in and a tail).
"""

from __future__ import annotations

import numpy as np


def banded_dtw(a: np.ndarray, b: np.ndarray, j0: float, width: int, slope: float = 1.0) -> np.ndarray:
    """Warping path of ``a`` (n) against ``b`` (m): an int array (n,) giving, for every
    index ``i`` of ``a``, the index of ``b`` it matches (non-decreasing; a row skipped by a
    (2, 1) step keeps the column of the row before it)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n, m = len(a), len(b)
    w = int(width)
    k = 2 * w + 1
    centre = np.round(j0 + np.arange(n) * slope).astype(np.int64)
    cols = centre[:, None] + np.arange(-w, w + 1)[None, :]           # (n, k) column of b per band cell
    valid = (cols >= 0) & (cols < m)
    inf = np.inf
    D = np.full((n, k), inf)
    step = np.zeros((n, k), dtype=np.int8)                           # 0: (1,1)  1: (1,2)  2: (2,1)

    def cost(i):
        c = np.abs(a[i] - b[np.clip(cols[i], 0, m - 1)])
        return np.where(valid[i], c, inf)

    D[0] = cost(0)                                                   # open start in b


    for i in range(1, n):
        ci = cost(i)
        cands = np.full((3, k), inf)
        for s, (di, dj) in enumerate(((1, 1), (1, 2), (2, 1))):
            r = i - di
            if r < 0:
                continue
            # band cell of column (cols[i] - dj) in row r
            q = cols[i] - dj - (centre[r] - w)
            ok = (q >= 0) & (q < k)
            cands[s, ok] = D[r, q[ok]]
        best = np.argmin(cands, axis=0)
        D[i] = ci + cands[best, np.arange(k)]
        step[i] = best

    # Backtrack from the cheapest cell of the last row (open end in b).
    path = np.empty(n, dtype=np.int64)
    i = n - 1
    q = int(np.argmin(D[i]))
    if not np.isfinite(D[i, q]):
        return np.round(j0 + np.arange(n) * slope).clip(0, m - 1).astype(np.int64)
    j = int(cols[i, q])
    while i >= 0:
        path[i] = j
        if i == 0:
            break
        s = int(step[i, j - (centre[i] - w)])
        di, dj = ((1, 1), (1, 2), (2, 1))[s]
        if di == 2:
            path[i - 1] = j - dj  # the skipped row sits with the row it was stepped from
        i, j = i - di, j - dj
    return path
