"""Path kinematics: where an actor on a path is at any time, for all actors at once.

An actor with a path stands on the path's first vertex until its ``start`` time, then walks
the segments at ``speed`` m/s, holding at vertices for the seconds its path's ``holds``
give, and stays on the last vertex when done. A closed path (Tiled polygon) is a loop: after
the last vertex it walks back to the first and repeats, holding at vertex 0 again each lap.

Each actor's walk is a piecewise-linear map *time since start -> arc length*, given by knot
pairs (arrival, departure) at every vertex, and a piecewise-linear map *arc length -> (x, z)*.
:func:`positions` evaluates both for every frame and every actor with two ``np.interp``
calls in total: each actor's knots are shifted onto a private stretch of the axis
(``actor_index * STRIDE``), so one interpolation serves all actors without a Python loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..level import route
from ..level.model import Actor, dir_to_yaw

# Every actor's knots live in their own window of the interpolation axis. 1e6 s (11 days)
# and 1e7 m exceed any accepted level (see docs/limits.md); float64 keeps ~1e-9 resolution
# at 1e8, far below the 1 mm the tests ask for.
TIME_STRIDE = 1.0e6
ARC_STRIDE = 1.0e7


@dataclass(frozen=True)
class Walk:
    """One actor's walk, in seconds since its ``start`` and metres along its route.

    ``knot_t``/``knot_s``: non-decreasing times and arc lengths, two knots per vertex
    (arrive, depart). ``vert_s``/``vert_xz``: arc length and position of each route vertex
    (a loop repeats vertex 0 at the end). ``period``: lap time for a loop, else None.
    ``seg_yaw``: walking yaw (degrees) along each segment.
    """

    knot_t: np.ndarray
    knot_s: np.ndarray
    vert_s: np.ndarray
    vert_xz: np.ndarray
    period: float | None
    seg_yaw: np.ndarray
    start: float

    @property
    def end(self) -> float:
        """Seconds since start at which the walk is over (arrival at the last vertex)."""
        return float(self.knot_t[-2]) if len(self.knot_t) >= 2 else 0.0


def build_walk(actor: Actor) -> Walk:
    """The :class:`Walk` of an actor. An actor without a path (or with speed 0) gets a
    one-vertex walk that stands at its placed position (or its path's first vertex)."""
    if not route.walks(actor):
        p0 = actor.position if actor.path is None else actor.path.points[0]
        return Walk(
            knot_t=np.array([0.0, 0.0, 1.0, 1.0]),
            knot_s=np.zeros(4),
            vert_s=np.zeros(2),
            vert_xz=np.array([p0, p0], dtype=np.float64),
            period=None,
            seg_yaw=np.array([actor.heading]),
            start=actor.start,
        )
    sched = route.schedule(actor)
    knot_t = np.empty(2 * len(sched.arrive))
    knot_t[0::2] = sched.arrive
    knot_t[1::2] = sched.depart
    knot_s = np.repeat(sched.vert_s, 2)
    if not actor.path.closed:
        # After the last arrival the actor stays put: extend with a flat knot far ahead.
        knot_t[-1] = max(knot_t[-1], knot_t[-2])
    seg = np.diff(sched.xz, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    seg_yaw = np.array([dir_to_yaw(dx, dz) if l > 0 else math.nan for (dx, dz), l in zip(seg, seg_len)])
    # Zero-length segments keep the previous direction.
    for i in range(len(seg_yaw)):
        if math.isnan(seg_yaw[i]):
            seg_yaw[i] = seg_yaw[i - 1] if i > 0 else actor.heading
    return Walk(knot_t, knot_s, sched.vert_s, sched.xz, route.lap_time(sched, actor), seg_yaw, actor.start)


def local_time(walks: list[Walk], t: np.ndarray) -> np.ndarray:
    """Seconds since each actor's start, wrapped per lap for loops: (F, A).

    Before its start an actor is at local time 0 (on its first vertex)."""
    start = np.array([w.start for w in walks])
    lt = t[:, None] - start[None, :]
    np.maximum(lt, 0.0, out=lt)
    for a, w in enumerate(walks):  # loop over the few looping actors, vectorised over frames
        if w.period is not None:
            lt[:, a] = np.mod(lt[:, a], w.period)
    return lt


def arc_length(walks: list[Walk], lt: np.ndarray) -> np.ndarray:
    """Arc length (m) along each actor's route at local times ``lt`` (F, A) -> (F, A)."""
    a_idx = np.arange(len(walks), dtype=np.float64)
    kt = np.concatenate([w.knot_t + a * TIME_STRIDE for a, w in enumerate(walks)])
    ks = np.concatenate([w.knot_s for w in walks])
    # Clamp each actor's query into its own window so np.interp never reads a neighbour.
    last_t = np.array([w.knot_t[-1] for w in walks])
    q = np.minimum(lt, last_t[None, :]) + a_idx[None, :] * TIME_STRIDE
    return np.interp(q, kt, ks)


def positions(walks: list[Walk], s: np.ndarray) -> np.ndarray:
    """Ground positions (F, A, 2) in metres at arc lengths ``s`` (F, A)."""
    a_idx = np.arange(len(walks), dtype=np.float64)
    vs = np.concatenate([w.vert_s + a * ARC_STRIDE for a, w in enumerate(walks)])
    vx = np.concatenate([w.vert_xz[:, 0] for w in walks])
    vz = np.concatenate([w.vert_xz[:, 1] for w in walks])
    last_s = np.array([w.vert_s[-1] for w in walks])
    q = np.minimum(s, last_s[None, :]) + a_idx[None, :] * ARC_STRIDE
    return np.stack([np.interp(q, vs, vx), np.interp(q, vs, vz)], axis=-1)


def segment_index(walks: list[Walk], s: np.ndarray) -> np.ndarray:
    """Index of the segment each actor is on (F, A): the segment that starts at or before
    ``s``; an actor holding at vertex i counts as on segment i (about to walk it)."""
    out = np.empty(s.shape, dtype=np.int64)
    for a, w in enumerate(walks):  # one searchsorted per actor, vectorised over frames
        nseg = len(w.vert_s) - 1
        out[:, a] = np.clip(np.searchsorted(w.vert_s, s[:, a], side="right") - 1, 0, max(nseg - 1, 0))
    return out
