"""Which way the performers face: the one rule, for every frame or for one frame.

Level contract (drawing only): a **walking** performer faces along its path; a
**standing** one faces the target of its latest ``look`` or contact beat (a beat by that
performer naming a target, Henry, a performer or a mark, from the frame it fires on,
:meth:`previs.timebase.TimeBase.frame_at`), else Henry (a
performer waiting in a fight watches the hero). A target standing on the performer's
own spot (distance < 1e-6 m) has no direction: the walking yaw is kept. A performer who
is **down** (``perf_down``) keeps the facing of the frame he went down on (the first frame
of his down run) until he stands again: a body lying on the floor does not turn round its
feet to watch Henry walk by, and it lies where the plan's lying-body footprint
(:func:`previs.plan.safety_bodies.lying_footprints`, fixed on that frame) puts it.

Yaw in degrees, wrapped to [-180, 180); 0 looks toward -z (north), +90 toward -x (west).
Ground positions are ``(x, z)`` metres. Pure numpy: :func:`facing_all` over ``(F, P)``
arrays, :func:`facing_at` for one frame (the window walking Henry by hand).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from ..timebase import time_base_of
from .script import wrap180, yaw_towards

CHUNK_SLOTS = 100_000
"""(frame, performer) pairs faced at once in :func:`facing_all`."""

HENRY = -1
"""Target index meaning Henry (performers are 0 .. P-1, the level's marks P .. P+M-1)."""


@dataclass(frozen=True)
class TargetEvents:
    """Per performer, ``(first frames, targets)`` of its beats that name a target, in beat
    order (``HENRY`` = Henry, else a performer index, or P + the mark's index), and
    ``marks_xz`` (M, 2): where the level's marks stand, metres."""

    per_performer: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    marks_xz: np.ndarray


def target_events(level) -> TargetEvents:
    """The :class:`TargetEvents` of ``level``. Beats by Henry are not facing."""
    tb = time_base_of(level.settings)
    P = len(level.performers)
    mark_index = {m.id: P + i for i, m in enumerate(level.marks)}
    ev: list[list[tuple[int, int]]] = [[] for _ in level.performers]
    for b in level.beats:
        if b.actor == level.henry.id or b.target is None:
            continue
        p = level.performer_index(b.actor)
        if b.target == level.henry.id:
            tgt = HENRY
        else:
            tgt = mark_index[b.target] if b.target in mark_index else level.performer_index(b.target)
        ev[p].append((tb.frame_at(b.t), tgt))
    marks_xz = np.array([m.position for m in level.marks], float).reshape(-1, 2)
    return TargetEvents(tuple((tuple(f for f, _ in e), tuple(t for _, t in e)) for e in ev), marks_xz)


def targets_at(events, frame: int) -> np.ndarray:
    """(P,) int64: whom each performer faces when standing at ``frame`` (latest event at
    or before it wins; ``HENRY`` before any)."""
    out = np.full(len(events.per_performer), HENRY, np.int64)
    for p, (frames, targets) in enumerate(events.per_performer):
        i = bisect.bisect_right(frames, int(frame))
        if i:
            out[p] = targets[i - 1]
    return out


def targets_all(events, frames: int, first: int = 0) -> np.ndarray:
    """(F, P) int64: :func:`targets_at` for every frame ``[first, frames)`` (vectorised
    over frames; row 0 is frame ``first``)."""
    first = int(first)
    out = np.full((max(int(frames) - first, 0), len(events.per_performer)), HENRY, np.int64)
    for p, (fs, targets) in enumerate(events.per_performer):
        if not fs:
            continue
        i = bisect.bisect_right(fs, first)  # the events at or before `first` fill the whole block
        if i:
            out[:, p] = targets[i - 1]
        for f0, tgt in zip(fs[i:], targets[i:]):  # later ones, in beat order (the later wins)
            if f0 < frames:
                out[f0 - first:, p] = tgt
    return out


def face(perf_xz: np.ndarray, henry_xz: np.ndarray, target, walk_yaw: np.ndarray,
         moving: np.ndarray, marks_xz: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """Facing yaw for any leading shape ``...``: ``perf_xz`` (..., P, 2), ``henry_xz``
    (..., 2), ``target`` (..., P) from :func:`targets_at`/:func:`targets_all` (or a
    function of no argument returning it: asked only if a performer stands), ``walk_yaw``
    (..., P) along the path, ``moving`` (..., P) bool, ``marks_xz`` (M, 2). ``out``
    (..., P) float64 receives the result (it may be ``walk_yaw`` itself)."""
    perf_xz = np.asarray(perf_xz, float)
    moving = np.asarray(moving, bool)
    shape = perf_xz.shape[:-1]
    # Walking: along the path. Wrapped in place, so a chunk of a whole fight needs no new
    # (..., P) arrays; a standing performer's yaw replaces it below.
    out = np.empty(shape) if out is None else out
    out[...] = np.broadcast_to(np.asarray(walk_yaw, float), shape)
    wrap180(out, out=out)
    still = np.nonzero(~np.broadcast_to(moving, shape))
    if not len(still[-1]):  # everyone walks (a generated battle, but for its first frame)
        return out
    # Standing: toward the target, one gather per kind of target. A target on the spot
    # keeps the walking yaw.
    target = np.broadcast_to(np.asarray(target() if callable(target) else target), shape)[still]
    lead = still[:-1]  # the leading index (frame) of each standing performer
    src = perf_xz[still]
    tx = np.empty_like(src)
    henry = target == HENRY
    tx[henry] = np.broadcast_to(np.asarray(henry_xz, float), shape[:-1] + (2,))[tuple(i[henry] for i in lead)]
    P = shape[-1]
    body = (target >= 0) & (target < P)
    tx[body] = perf_xz[tuple(i[body] for i in lead) + (target[body],)]
    mark = target >= P
    if mark.any():
        tx[mark] = np.asarray(marks_xz, float)[target[mark] - P]
    d = tx - src
    turn = ~(np.hypot(d[..., 0], d[..., 1]) < 1e-6)
    yaw = wrap180(yaw_towards(src, tx))
    out[tuple(i[turn] for i in still)] = yaw[turn]
    return out


def _down_rows(down: np.ndarray) -> np.ndarray:
    """(F, P) int: for each frame, the frame whose facing it shows: itself when standing,
    else the first frame of its down run (``down`` (F, P) bool)."""
    down = np.asarray(down, bool)
    F = down.shape[0]
    idx = np.arange(F)[:, None]
    first = down & ~np.vstack([np.zeros((1, down.shape[1]), bool), down[:-1]])
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=0)
    return np.where(down, start, idx)


def facing_all(level, frames: int, walk_yaw, moving, perf_xz, henry_xz, down, out=None) -> np.ndarray:
    """(F, P) facing of every frame (the replays: scripted and from a take); ``down``
    (F, P) bool: the performer is down (his facing is held, see the module). ``out`` (F, P)
    float64 receives it; it may be ``walk_yaw`` itself (each frame reads its own row)."""
    events = target_events(level)
    F, P = int(frames), np.shape(moving)[1]
    # A chunk of frames at a time (bounded temporaries the allocator reuses: a 30-minute
    # fight's (F, P, 2) ones are 70 MB, each page-faulted afresh); per frame the same rule.
    raw = np.empty((F, P)) if out is None else out
    step = max(1, CHUNK_SLOTS // max(P, 1))
    for a in range(0, F, step):
        b = min(F, a + step)
        raw[a:b] = face(perf_xz[a:b], henry_xz[a:b], lambda: targets_all(events, b, a), walk_yaw[a:b],
                        moving[a:b], events.marks_xz, out=raw[a:b])
    # A performer who is down shows the facing of his down run's first frame (only the
    # columns of those who fall: none in the generated battles).
    fell = np.flatnonzero(np.any(down, axis=0))
    if len(fell):
        raw[:, fell] = np.take_along_axis(raw[:, fell], _down_rows(down[:, fell]), axis=0)
    return raw


def facing_at(events, frame: int, walk_yaw, moving, perf_xz, down, henry_at) -> np.ndarray:
    """(P,) facing at one ``frame`` (``events`` from :func:`target_events`, made once per
    level): ``walk_yaw``, ``moving``, ``perf_xz``, ``down`` are every frame's (at least
    ``[0, frame]``) as :func:`facing_all` takes them; ``henry_at(f)`` is Henry's ground
    position (x, z) at frame ``f``, asked for ``frame`` and for each down performer's
    first down frame. Equal to row ``frame`` of :func:`facing_all` given the same Henry."""
    f = int(frame)
    d = np.asarray(down[: f + 1], bool)
    rows = _down_rows(d)[f] if d.shape[1] else np.zeros(0, np.int64)
    out = np.empty(len(rows))
    for r in np.unique(rows).tolist():  # usually one row: this frame (a down run adds its first frame)
        sel = rows == r
        yaw = face(perf_xz[r], np.asarray(henry_at(r), float), targets_at(events, r), walk_yaw[r], moving[r],
                   events.marks_xz)
        out[sel] = yaw[sel]
    return out
