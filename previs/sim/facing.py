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


def targets_all(events, frames: int) -> np.ndarray:
    """(F, P) int64: :func:`targets_at` for every frame ``[0, frames)`` (vectorised over frames)."""
    out = np.full((int(frames), len(events.per_performer)), HENRY, np.int64)
    for p, (fs, targets) in enumerate(events.per_performer):
        for f0, tgt in zip(fs, targets):
            if f0 < frames:
                out[f0:, p] = tgt
    return out


def face(perf_xz: np.ndarray, henry_xz: np.ndarray, target: np.ndarray, walk_yaw: np.ndarray,
         moving: np.ndarray, marks_xz: np.ndarray | None = None) -> np.ndarray:
    """Facing yaw for any leading shape ``...``: ``perf_xz`` (..., P, 2), ``henry_xz``
    (..., 2), ``target`` (..., P) from :func:`targets_at`/:func:`targets_all`,
    ``walk_yaw`` (..., P) along the path, ``moving`` (..., P) bool, ``marks_xz`` (M, 2)."""
    perf_xz = np.asarray(perf_xz, float)
    parts = [np.asarray(henry_xz, float)[..., None, :], perf_xz]
    if marks_xz is not None and len(marks_xz):
        parts.append(np.broadcast_to(marks_xz, perf_xz.shape[:-2] + np.shape(marks_xz)))
    bodies = np.concatenate(parts, axis=-2)  # (..., B, 2): Henry, performers, marks
    # Row (leading index, target + 1) of the flattened bodies: one gather, ~1.4x faster
    # than take_along_axis on the 43 200 x 100 of a 30-minute fight.
    target = np.asarray(target)
    lead = int(np.prod(target.shape[:-1], dtype=np.int64))
    B = bodies.shape[-2]
    tx = bodies.reshape(-1, 2)[np.arange(lead).reshape(target.shape[:-1] + (1,)) * B + (target + 1)]
    d = tx - perf_xz
    same = np.hypot(d[..., 0], d[..., 1]) < 1e-6
    return wrap180(np.where(moving | same, walk_yaw, yaw_towards(perf_xz, tx)))


def _down_rows(down: np.ndarray) -> np.ndarray:
    """(F, P) int: for each frame, the frame whose facing it shows: itself when standing,
    else the first frame of its down run (``down`` (F, P) bool)."""
    down = np.asarray(down, bool)
    F = down.shape[0]
    idx = np.arange(F)[:, None]
    first = down & ~np.vstack([np.zeros((1, down.shape[1]), bool), down[:-1]])
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=0)
    return np.where(down, start, idx)


def facing_all(level, frames: int, walk_yaw, moving, perf_xz, henry_xz, down) -> np.ndarray:
    """(F, P) facing of every frame (the replays: scripted and from a take); ``down``
    (F, P) bool: the performer is down (his facing is held, see the module)."""
    events = target_events(level)
    target = targets_all(events, frames)
    # A chunk of frames at a time (bounded temporaries the allocator reuses: a 30-minute
    # fight's (F, P, 2) ones are 70 MB, each page-faulted afresh); per frame the same rule.
    F, P = target.shape
    raw = np.empty((F, P))
    step = max(1, CHUNK_SLOTS // max(P, 1))
    for a in range(0, F, step):
        b = min(F, a + step)
        raw[a:b] = face(perf_xz[a:b], henry_xz[a:b], target[a:b], walk_yaw[a:b], moving[a:b], events.marks_xz)
    if not np.any(down):  # nobody falls (the generated benchmark fights): every frame shows itself
        return raw
    return np.take_along_axis(raw, _down_rows(down), axis=0)


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
