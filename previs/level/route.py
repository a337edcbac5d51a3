"""Timing a walk along a path: when an actor reaches and leaves each vertex.

The one place the walking rule of ``docs/level-format.md`` ("Timing a walk") is written:
an actor stands on vertex 0 until its ``start``, walks the segments at ``speed`` m/s, holds
``holds`` seconds at vertices, and stays on the last vertex when done; a closed path (a
Tiled polygon) is a loop back to vertex 0. The loader checks limits and derives the replay's
duration from it; :mod:`previs.sim.paths` interpolates positions between its knots.

Pure: numpy only. Times are seconds since the actor's ``start``; distances are metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .model import Actor, Path, Vec2


def route(path: Path) -> list[Vec2]:
    """The vertices walked, in order: a loop repeats vertex 0 at the end."""
    pts = list(path.points)
    return pts + pts[:1] if path.closed else pts


def route_length(path: Path) -> float:
    """Metres along the route (one lap for a loop)."""
    r = route(path)
    return sum(math.dist(a, b) for a, b in zip(r, r[1:]))


@dataclass(frozen=True)
class Schedule:
    """An actor's walk, vertex by vertex along its :func:`route` (N vertices).

    ``xz`` (N, 2) vertex positions in metres; ``vert_s`` (N,) metres along the route to each
    vertex; ``arrive``/``depart`` (N,) seconds since ``start`` at which the actor reaches and
    leaves each vertex (``depart - arrive`` is the vertex's hold). For a loop, ``arrive[-1]``
    is the lap time.
    """

    xz: np.ndarray
    vert_s: np.ndarray
    arrive: np.ndarray
    depart: np.ndarray


@lru_cache(maxsize=4096)
def schedule(actor: Actor) -> Schedule:
    """The :class:`Schedule` of an actor whose path has at least two points and whose speed
    is above 0 (the loader guarantees both). Timed once per actor (the loader, the level
    check's reach and look notices and the simulation each ask for it: 4 times per replay)
    and shared, so its arrays are read-only."""
    path = actor.path
    pts = list(path.points)
    holds: dict[int, float] = {}
    for i, s in path.holds:
        holds[i] = holds.get(i, 0.0) + s
    xz = np.array(route(path), dtype=np.float64)
    seg = np.diff(xz, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    vert_s = np.concatenate([[0.0], np.cumsum(seg_len)])
    n = len(xz)
    # The loop's closing vertex is vertex 0 again: its hold is taken at the lap's start.
    hold = np.array([holds.get(i, 0.0) if i < len(pts) else 0.0 for i in range(n)])
    # arrive_0 = 0, depart_i = arrive_i + hold_i, arrive_{i+1} = depart_i + len_i / speed.
    travel = seg_len / actor.speed
    depart = np.empty(n)
    arrive = np.empty(n)
    arrive[0] = 0.0
    depart[0] = hold[0]
    for i in range(1, n):  # loop over vertices (a handful), not frames
        arrive[i] = depart[i - 1] + travel[i - 1]
        depart[i] = arrive[i] + hold[i]
    for a in (xz, vert_s, arrive, depart):
        a.flags.writeable = False
    return Schedule(xz=xz, vert_s=vert_s, arrive=arrive, depart=depart)


def walks(actor: Actor) -> bool:
    """True if the actor has a path it can walk (two points or more, speed above 0)."""
    return actor.path is not None and actor.speed > 0 and len(actor.path.points) >= 2


def lap_time(sched: Schedule, actor: Actor) -> float | None:
    """Seconds per lap of a looping walk; None for an open path (or a loop of no length)."""
    return float(sched.arrive[-1]) if actor.path.closed and sched.arrive[-1] > 0 else None


def walk_end_time(actor: Actor) -> float | None:
    """Fight time (s) at which ``actor`` stops walking for good (arrival at the last
    vertex); None for a loop or an actor that does not walk."""
    if not walks(actor):
        return None
    sched = schedule(actor)
    if lap_time(sched, actor) is not None:
        return None
    return actor.start + float(sched.arrive[-1])


def walk_seconds(actor: Actor) -> float:
    """Seconds one walk of the path takes, every hold included (one lap for a loop); 0 for
    an actor that does not walk. The loader holds it to ``limits.MAX_TIME``."""
    return float(schedule(actor).depart[-1]) if walks(actor) else 0.0



def positions_fn(actor: Actor):
    """``f(times) -> (n, 2)``: where the script puts ``actor`` at fight times ``times``
    (array, s), as ``(x, z)`` metres: its placed position without a walkable path; else on
    vertex 0 until ``start``, along the route (loops repeat), on the last vertex when done.
    The walk is timed once (:func:`schedule`); shoves and falls are the simulation's
    (:mod:`previs.sim.script`): this is the walk alone."""
    if not walks(actor):
        p0 = np.array(actor.position if actor.path is None else actor.path.points[0], dtype=np.float64)
        return lambda times: np.broadcast_to(p0, (len(times), 2))
    sched = schedule(actor)
    lap = lap_time(sched, actor)
    knot_t = np.empty(2 * len(sched.arrive))
    knot_t[0::2], knot_t[1::2] = sched.arrive, sched.depart
    knot_s = np.repeat(sched.vert_s, 2)

    def at(times) -> np.ndarray:
        lt = np.maximum(np.asarray(times, dtype=np.float64) - actor.start, 0.0)
        if lap is not None:
            lt = np.mod(lt, lap)
        s = np.interp(lt, knot_t, knot_s)
        return np.stack([np.interp(s, sched.vert_s, sched.xz[:, 0]), np.interp(s, sched.vert_s, sched.xz[:, 1])], axis=-1)

    return at

