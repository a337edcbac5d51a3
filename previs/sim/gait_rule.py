"""The gait rule both layers share: stride length, walk-run blend and gait phase from speed.

Moved here from :mod:`previs.pose.locomotion` so the camera's head motion
(:mod:`previs.sim.head_motion`, sim layer) steps with the same strides as the bodies'
feet (pose layer, which imports these). Speeds in m/s, lengths in metres, one stride =
one gait cycle = two steps; the step frequency at speed ``v`` is ``2 v / stride_length(v)``
Hz (1.86 Hz, 112 steps/min, at 1.4 m/s).

Gait numbers:

- walking stride length ``1.27 * sqrt(v)`` m (1.50 m at 1.4 m/s: cadence 112 steps/min,
  the normal free walk of adult men, Oberg, Karsznia & Oberg 1993, J. Rehabil. Res. Dev.
  30:210; stride length growing about as the square root of speed, Grieve 1968,
  Physiotherapy 54:363);
- running stride ``0.7 * v`` m (2.8 m at 4 m/s, cadence ~171 steps/min, near the
  constant cadence of trained runners, Cavanagh & Kram 1989, Med. Sci. Sports Exerc.
  21:467);
- walk-run transition blended over 1.8-2.2 m/s (preferred transition speed ~2.0 m/s,
  Thorstensson & Roberthson 1987, Acta Physiol. Scand. 131:211).
"""

from __future__ import annotations

import numpy as np

WALK_STRIDE_K = 1.27
"""Walking stride length (m) = WALK_STRIDE_K * sqrt(speed in m/s)."""
RUN_STRIDE_K = 0.7
"""Running stride length (m) = RUN_STRIDE_K * speed (m/s)."""
RUN_FROM, RUN_TO = 1.8, 2.2
"""m/s: the walk-to-run blend."""
MIN_STRIDE = 0.5
"""m: the shortest stride (shuffling steps at a crawl, and the step length of a turn)."""
TURN_PER_CYCLE = 120.0
"""Degrees turned in place per stride (two steps of 60 deg)."""
SETTLE_RATE = 1.6
"""Strides per second of the steps that bring the feet under a body that stopped."""
WALKING_SPEED = 0.6
"""m/s at and above which a body is fully walking: arm swing, pelvis bob and head bob
scale with ``min(1, v / WALKING_SPEED)`` (:func:`walk_weight`)."""


def run_weight(v):
    """0 walking .. 1 running for speed ``v`` m/s."""
    return np.clip((np.asarray(v) - RUN_FROM) / (RUN_TO - RUN_FROM), 0.0, 1.0)


def walk_weight(v):
    """0 standing .. 1 walking (from :data:`WALKING_SPEED` up) for speed ``v`` m/s."""
    return np.clip(np.asarray(v) / WALKING_SPEED, 0.0, 1.0)


def stride_length(v):
    """Metres per stride (two steps) at speed ``v`` m/s (see the module's sources)."""
    v = np.asarray(v, np.float64)
    r = run_weight(v)
    return np.maximum(MIN_STRIDE, (1 - r) * WALK_STRIDE_K * np.sqrt(v) + r * RUN_STRIDE_K * v)


SPEED_BLOCK = 256
"""Frames whose speeds are made at once: 1000 bodies x 256 frames of temporaries are 4 MB,
which the allocator reuses (the whole fight's (F, A, 2) gradient of a 1000-performer
battle was 69 MB a temporary, and faulting them in cost ~1 s of system time)."""


def ground_speed(xz: np.ndarray, fps: float) -> np.ndarray:
    """(F, A) m/s of ground positions ``xz`` (F, A, 2), central differences, ends one-sided:
    ``np.linalg.norm(np.gradient(xz, axis=0), axis=-1) * fps``, the same arithmetic bit
    for bit, :data:`SPEED_BLOCK` frames at a time."""
    F = len(xz)
    if F < 2:
        return np.zeros(xz.shape[:2])
    xz = np.asarray(xz, np.float64)
    out = np.empty(xz.shape[:2])
    for a in range(0, F, SPEED_BLOCK):
        b = min(F, a + SPEED_BLOCK)
        g = np.empty((b - a,) + xz.shape[1:])
        lo, hi = max(a, 1), min(b, F - 1)  # the frames with a neighbour on both sides
        if hi > lo:
            g[lo - a:hi - a] = (xz[lo + 1:hi + 1] - xz[lo - 1:hi - 1]) / 2.0
        if a == 0:
            g[0] = (xz[1] - xz[0]) / 1.0
        if b == F:
            g[F - 1 - a] = (xz[F - 1] - xz[F - 2]) / 1.0
        s = g * g
        out[a:b] = np.sqrt(s[..., 0] + s[..., 1]) * fps
    return out


def gait_phase(v: np.ndarray, yaw: np.ndarray, fps: float) -> np.ndarray:
    """(F, A) gait phase in cycles (strides), strictly increasing, of bodies moving at
    ``v`` (F, A) m/s and facing ``yaw`` (F, A) deg.

    The phase advances by the distance walked over the stride length at that speed, plus,
    when (nearly) standing, by the yaw turned (one stride per :data:`TURN_PER_CYCLE`).
    When a body stops, it runs on at :data:`SETTLE_RATE` to the next double support and
    one half-cycle further (the steps that bring the feet under the body)."""
    F, A = v.shape
    turn = np.abs(np.diff(yaw, axis=0, prepend=yaw[:1]))
    slow = 1.0 - np.clip(v / 0.5, 0.0, 1.0)
    rate = v / stride_length(v) + slow * turn * fps / TURN_PER_CYCLE  # cycles per second
    d = rate / fps
    moving = d > 1e-9
    for a in range(A):  # each stop of each body: settle the feet (runs, not frames)
        m = moving[:, a]
        stops = np.flatnonzero(m[:-1] & ~m[1:]) + 1
        for f0 in stops.tolist():
            phi0 = float(d[1:f0, a].sum())  # the phase on frame f0 - 1 (phi below drops d[0])
            need = np.ceil(phi0 * 2.0 - 1e-9) / 2.0 + 0.5 - phi0
            step = SETTLE_RATE / fps
            still = int(np.argmax(m[f0:])) if m[f0:].any() else F - f0  # frames until it moves again
            n = int(np.ceil(need / step - 1e-9))
            k = min(n, still)
            inc = np.full(k, step)
            if 0 < k == n:
                inc[-1] = need - step * (n - 1)
            d[f0:f0 + k, a] += inc
    phi = np.cumsum(d, axis=0) - d[:1]
    return phi + np.arange(F)[:, None] * 1e-9  # strictly increasing for np.interp
