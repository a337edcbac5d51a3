"""The floor under a walker, smoothed in time: how feet, bodies and Henry's camera follow
floors with height (:class:`previs.level.floors.Floors`; issue 14).

The raw floor under a point steps by a whole riser (0.18 m) the frame the point crosses
a step's edge. A body does not: the leg lifts it over the step across the stride. So
the height a body stands at is the raw floor under its ground path convolved over time
with a Gaussian of standard deviation :data:`FLOOR_SMOOTHING` (0.1 s; truncated at 4
sigma, the ends held). Walking a staircase's steps is then close to walking its ramp:
at 1.4 m/s over 0.28 m treads (5 steps a second, 0.18 m each) the mean climb is 3.75 cm
a frame at 24 fps and the Gaussian leaves a ripple of ``2 exp(-2 pi^2 sigma^2 / P^2)``
= 1.4 % of it (P = 0.2 s between steps): 3.80 cm at most; one 0.18 m step alone rises
at most ``0.18 / (sigma sqrt(2 pi))`` = 3.0 cm a frame. Standing still, or once the
window is on one floor, the height is that floor's exactly (the weights sum to 1).
The smoothing looks both ways (0.4 s ahead): the body starts rising as the leg lifts.
"""

from __future__ import annotations

import numpy as np

FLOOR_SMOOTHING = 0.1
"""Seconds: the standard deviation of the Gaussian the floor height is smoothed with."""


def floor_weights(fps: float) -> np.ndarray:
    """The normalised Gaussian taps (odd count, centre in the middle) at ``fps``."""
    sigma = FLOOR_SMOOTHING * float(fps)
    half = max(1, int(np.ceil(4.0 * sigma)))
    w = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    return w / w.sum()


SUBSAMPLES = 8
"""Floor samples per frame, spread over the frame's interval of the path: the sampled
floor is the mean height over each frame, not its height at the frame's instant, so a
staircase whose steps do not fall on whole frames does not alias (two step edges in four
frames, then one in five: a 4.3 cm frame at 1.4 m/s without them)."""


def frame_mean_floor(floors, xz: np.ndarray) -> np.ndarray:
    """(F, ...) m: the mean raw floor under the path ``xz`` (F, ..., 2) m over each frame's
    interval ``[f - 1/2, f + 1/2)`` (:data:`SUBSAMPLES` points, linear between frames,
    held at the ends); exactly the raw floor where all of them are on one height."""
    prev = np.concatenate([xz[:1], xz[:-1]])
    nxt = np.concatenate([xz[1:], xz[-1:]])
    total = np.zeros(xz.shape[:-1])
    lo = np.full(xz.shape[:-1], np.inf)
    hi = np.full(xz.shape[:-1], -np.inf)
    for k in range(SUBSAMPLES):
        s = (k + 0.5) / SUBSAMPLES - 0.5  # frames from the frame's instant, in (-1/2, 1/2)
        p = xz + abs(s) * ((nxt if s > 0 else prev) - xz)
        h = floors.height_at(p[..., 0], p[..., 1])
        total += h
        np.minimum(lo, h, out=lo)
        np.maximum(hi, h, out=hi)
    return np.where(lo == hi, lo, total / SUBSAMPLES)


def floor_under(floors, xz, fps: float) -> np.ndarray:
    """The height (m) bodies walking ground points ``xz`` (F, ..., 2) m stand at on frames
    ``[0, F)``: the raw floor (``floors.height_at``, averaged over each frame:
    :func:`frame_mean_floor`) smoothed over axis 0 (frames, at ``fps``; see the module).
    ``floors`` None (a flat level): zeros (F, ...)."""
    xz = np.asarray(xz, np.float64)
    if floors is None:
        return np.zeros(xz.shape[:-1])
    if len(xz) < 2:
        return floors.height_at(xz[..., 0], xz[..., 1])
    raw = frame_mean_floor(floors, xz)
    w = floor_weights(fps)
    half = len(w) // 2
    padded = np.concatenate([np.repeat(raw[:1], half, axis=0), raw, np.repeat(raw[-1:], half, axis=0)])
    F = len(raw)
    out = np.zeros_like(raw)
    lo, hi = raw.copy(), raw.copy()
    for k, wk in enumerate(w):  # a loop over the taps (21 at 24 fps), vectorised over frames and bodies
        part = padded[k:k + F]
        out += wk * part
        np.minimum(lo, part, out=lo)
        np.maximum(hi, part, out=hi)
    # Where the window is on one floor the result is that floor exactly (no rounding drift).
    return np.where(lo == hi, raw, out)
