"""Path kinematics: where an actor on a path is at any time, for all actors at once.

An actor with a path stands on the path's first vertex until its ``start`` time, then walks
the segments at ``speed`` m/s, holding at vertices for the seconds its path's ``holds``
give, and stays on the last vertex when done. A closed path (Tiled polygon) is a loop: after
the last vertex it walks back to the first and repeats, holding at vertex 0 again each lap.

Each actor's walk is a piecewise-linear map *time since start -> arc length*, given by knot
pairs (arrival, departure) at every vertex, and a piecewise-linear map *arc length -> (x, z)*.
A :class:`WalkTable` holds every actor's knots on one axis, each actor's shifted onto a
private stretch of it (``actor_index * STRIDE``), so one ``np.interp`` serves any block of
actors without a Python loop; its methods take arrays actor first, (a, F) (each actor's
frames consecutive: what ``np.interp``'s search guesses best). :func:`local_time`,
:func:`arc_length`, :func:`positions` and :func:`segment_index` are the same rules frame
first, (F, A). Times in seconds, arc lengths and positions ``(x, z)`` in metres.
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
    seg_yaw: list[float] = []
    # As Python floats (the same doubles: 3x faster than numpy rows for 1000 performers).
    for (dx, dz), length in zip(seg.tolist(), seg_len.tolist()):
        # A zero-length segment keeps the previous direction (the first: the heading).
        seg_yaw.append(dir_to_yaw(dx, dz) if length > 0 else seg_yaw[-1] if seg_yaw else float(actor.heading))
    return Walk(knot_t, knot_s, sched.vert_s, sched.xz, route.lap_time(sched, actor),
                np.array(seg_yaw, dtype=np.float64), actor.start)



@dataclass(frozen=True)
class WalkTable:
    """Many actors' walks laid out for :func:`numpy.interp`: actor ``a``'s knots shifted
    by ``a * TIME_STRIDE`` seconds and its vertices by ``a * ARC_STRIDE`` metres, so one
    table serves every actor (see the module). Built once per replay by :func:`walk_table`.

    Per actor (A,): ``start`` s, ``period`` s (NaN for a walk that does not loop),
    ``last_t`` (its last knot, s since start), ``last_s`` (its route length, m), ``t_shift``
    and ``s_shift`` (``a * TIME_STRIDE``, ``a * ARC_STRIDE``). Tables: ``knot_t``/``knot_s``
    (every actor's knots, shifted times), ``vert_s``/``vert_x``/``vert_z`` (every actor's
    vertices, shifted arc lengths), ``vert_from`` (A + 1,) where each actor's vertices
    start in them, ``own_vert_s`` each actor's unshifted arc lengths, ``seg_yaw`` (A, S)
    walking yaw (deg) per segment, padded with 0 to the longest route.
    """

    start: np.ndarray
    period: np.ndarray
    last_t: np.ndarray
    last_s: np.ndarray
    t_shift: np.ndarray
    s_shift: np.ndarray
    knot_t: np.ndarray
    knot_s: np.ndarray
    vert_s: np.ndarray
    vert_x: np.ndarray
    vert_z: np.ndarray
    own_vert_s: tuple[np.ndarray, ...]
    seg_yaw: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    def local_time(self, t: np.ndarray, actors: slice) -> np.ndarray:
        """Seconds since each of ``actors``' start at fight times ``t`` (F,) s, wrapped per
        lap for loops: (a, F), actors first. Before its start an actor is at local time 0
        (on its first vertex)."""
        lt = t[None, :] - self.start[actors, None]
        np.maximum(lt, 0.0, out=lt)
        period = self.period[actors]
        loops = ~np.isnan(period)
        if loops.all():  # every generated battle's performer walks a loop
            np.mod(lt, period[:, None], out=lt)
        elif loops.any():
            lt[loops] = np.mod(lt[loops], period[loops, None])
        return lt

    def arc_length(self, lt: np.ndarray, actors: slice) -> np.ndarray:
        """Arc length (m) along each of ``actors``' routes at local times ``lt`` (a, F)
        s -> (a, F). ``lt`` is overwritten (it is the interpolation's query)."""
        # Clamp each actor's query into its own window so np.interp never reads a neighbour.
        q = np.minimum(lt, self.last_t[actors, None], out=lt)
        q += self.t_shift[actors, None]
        return np.interp(q, self.knot_t, self.knot_s)

    def positions(self, s: np.ndarray, actors: slice) -> tuple[np.ndarray, np.ndarray]:
        """Ground positions ``(x, z)``, each (a, F) metres, of ``actors`` at arc lengths
        ``s`` (a, F) m (not changed)."""
        q = np.minimum(s, self.last_s[actors, None])
        q += self.s_shift[actors, None]
        return np.interp(q, self.vert_s, self.vert_x), np.interp(q, self.vert_s, self.vert_z)

    def segment_index(self, s: np.ndarray, actors: slice) -> np.ndarray:
        """Index of the segment each of ``actors`` is on at arc lengths ``s`` (a, F): the
        segment that starts at or before ``s``; an actor holding at vertex i counts as on
        segment i (about to walk it). (a, F) int64."""
        out = np.empty(s.shape, dtype=np.int64)
        own = self.own_vert_s[actors]
        for r, vs in enumerate(own):  # one searchsorted per actor on its own vertices (a handful)
            out[r] = np.searchsorted(vs, s[r], side="right")
        out -= 1
        # Clip into [0, segments - 1] (an actor past its last vertex is on its last segment).
        np.maximum(out, 0, out=out)
        np.minimum(out, np.array([max(len(vs) - 2, 0) for vs in own], np.int64)[:, None], out=out)
        return out

    def walking_yaw(self, seg: np.ndarray, actors: slice) -> np.ndarray:
        """Walking yaw (deg) of ``actors`` on segments ``seg`` (a, F) -> (a, F) (``seg`` is
        overwritten: it becomes the index into the flattened yaw table)."""
        table = self.seg_yaw[actors]
        seg += (np.arange(len(table)) * table.shape[1])[:, None]
        return np.take(table.ravel(), seg)


def walk_table(walks: list[Walk]) -> WalkTable:
    """The :class:`WalkTable` of ``walks`` (actor ``a`` is ``walks[a]``)."""
    a_idx = np.arange(len(walks), dtype=np.float64)
    nseg = max((len(w.seg_yaw) for w in walks), default=0)
    seg_yaw = np.zeros((len(walks), nseg))
    for a, w in enumerate(walks):
        seg_yaw[a, : len(w.seg_yaw)] = w.seg_yaw
    return WalkTable(
        start=np.array([w.start for w in walks], dtype=np.float64),
        period=np.array([math.nan if w.period is None else w.period for w in walks], dtype=np.float64),
        last_t=np.array([w.knot_t[-1] for w in walks], dtype=np.float64),
        last_s=np.array([w.vert_s[-1] for w in walks], dtype=np.float64),
        t_shift=a_idx * TIME_STRIDE,
        s_shift=a_idx * ARC_STRIDE,
        knot_t=np.concatenate([w.knot_t + a * TIME_STRIDE for a, w in enumerate(walks)]),
        knot_s=np.concatenate([w.knot_s for w in walks]),
        vert_s=np.concatenate([w.vert_s + a * ARC_STRIDE for a, w in enumerate(walks)]),
        vert_x=np.concatenate([w.vert_xz[:, 0] for w in walks]),
        vert_z=np.concatenate([w.vert_xz[:, 1] for w in walks]),
        own_vert_s=tuple(np.asarray(w.vert_s, dtype=np.float64) for w in walks),
        seg_yaw=seg_yaw,
    )


# The same rules frame-first, (F, A): Henry's walk and the single positions the script asks for.

def local_time(walks: list[Walk], t: np.ndarray) -> np.ndarray:
    """Seconds since each actor's start, wrapped per lap for loops: (F, A)
    (:meth:`WalkTable.local_time`)."""
    return walk_table(walks).local_time(t, slice(None)).T


def arc_length(walks: list[Walk], lt: np.ndarray) -> np.ndarray:
    """Arc length (m) along each actor's route at local times ``lt`` (F, A) -> (F, A)."""
    return walk_table(walks).arc_length(np.array(lt, dtype=np.float64).T, slice(None)).T


def positions(walks: list[Walk], s: np.ndarray) -> np.ndarray:
    """Ground positions (F, A, 2) in metres at arc lengths ``s`` (F, A)."""
    x, z = walk_table(walks).positions(np.asarray(s).T, slice(None))
    return np.stack([x.T, z.T], axis=-1)


def segment_index(walks: list[Walk], s: np.ndarray) -> np.ndarray:
    """Index of the segment each actor is on (F, A) (:meth:`WalkTable.segment_index`)."""
    return walk_table(walks).segment_index(np.asarray(s).T, slice(None)).T
