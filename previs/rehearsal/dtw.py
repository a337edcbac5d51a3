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


def banded_dtw(a: np.ndarray, b: np.ndarray, j0: float, width: int, slope: float = 1.0,
               centre: np.ndarray | None = None) -> np.ndarray:
    """Warping path of ``a`` (n) against ``b`` (m): an int array (n,) giving, for every
    index ``i`` of ``a``, the index of ``b`` it matches (non-decreasing; a row skipped by a
    (2, 1) step keeps the column of the row before it). ``centre`` (n,) replaces the
    straight band centre ``j0 + i * slope`` (e.g. a coarser pass's path, see
    :func:`coarse_to_fine`)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n, m = len(a), len(b)
    w = int(width)
    k = 2 * w + 1
    if centre is None:
        centre = np.round(j0 + np.arange(n) * slope).astype(np.int64)
    else:
        centre = np.asarray(centre, dtype=np.int64)
    cols = centre[:, None] + np.arange(-w, w + 1)[None, :]           # (n, k) column of b per band cell
    valid = (cols >= 0) & (cols < m)
    inf = np.inf
    D = np.full((n, k), inf)
    step = np.zeros((n, k), dtype=np.int8)                           # 0: (1,1)  1: (1,2)  2: (2,1)

    def cost(i):
        c = np.abs(a[i] - b[np.clip(cols[i], 0, m - 1)])
        return np.where(valid[i], c, inf)

    D[0] = cost(0)                                                   # open start in b


    cands = np.empty((3, k))
    for i in range(1, n):
        ci = cost(i)
        cands.fill(inf)
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


def coarse_to_fine(a: np.ndarray, b: np.ndarray, j0: float, width: int, factor: int = 10,
                   fine_width: int = 40) -> np.ndarray:
    """:func:`banded_dtw` in two passes: the curves averaged over ``factor`` samples with
    the wide band (``width`` fine samples), then the full curves within ``fine_width``
    samples of the coarse path. A 10-minute take at 10 Hz with a +-90 s band is 6 000 x
    1 800 cells in one pass, 600 x 180 plus 6 000 x 81 in two (~20x less work). The fine band
    (+-4 s at 10 Hz) takes up a coarse path that strays by up to a few seconds where long
    holds (zero yaw speed on both sides) leave the coarse match free."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if len(a) < 8 * factor or len(b) < 8 * factor:
        return banded_dtw(a, b, j0, width)
    ma, mb = len(a) // factor, len(b) // factor
    ca = a[: ma * factor].reshape(ma, factor).mean(axis=1)
    cb = b[: mb * factor].reshape(mb, factor).mean(axis=1)
    coarse = banded_dtw(ca, cb, j0 / factor, max(2, int(np.ceil(width / factor))))
    # coarse row r covers fine rows r*factor .. : its column's centre, linearly between rows
    centre = np.interp(np.arange(len(a)), (np.arange(ma) + 0.5) * factor - 0.5, (coarse + 0.5) * factor - 0.5)
    return banded_dtw(a, b, 0.0, fine_width, centre=np.round(centre))
