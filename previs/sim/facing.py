"""Which way the performers face: the one rule, for every frame or for one frame.

Level contract (drawing only): a **walking** performer faces along its path; a
**standing** one faces the target of its latest ``look`` or contact beat (a beat by that
performer naming a target, from the frame it fires on, :meth:`previs.timebase.TimeBase.frame_at`), else Henry (a
performer waiting in a fight watches the hero). A target standing on the performer's
own spot (distance < 1e-6 m) has no direction: the walking yaw is kept.

Yaw in degrees, wrapped to [-180, 180); 0 looks toward -z (north), +90 toward -x (west).
Ground positions are ``(x, z)`` metres. Pure numpy: :func:`facing_all` over ``(F, P)``
arrays, :func:`facing_at` for one frame (the window walking Henry by hand).
"""

from __future__ import annotations

import bisect

import numpy as np

from ..timebase import time_base_of
from .script import wrap180, yaw_towards

HENRY = -1
"""Target index meaning Henry (performers are 0 .. P-1)."""


def target_events(level) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Per performer, ``(first frames, targets)`` of its beats that name a target, in beat
    order (``HENRY`` = Henry, else a performer index). Beats by Henry are not facing."""
    tb = time_base_of(level.settings)
    ev: list[list[tuple[int, int]]] = [[] for _ in level.performers]
    for b in level.beats:
        if b.actor == level.henry.id or b.target is None:
            continue
        p = level.performer_index(b.actor)
        tgt = HENRY if b.target == level.henry.id else level.performer_index(b.target)
        ev[p].append((tb.frame_at(b.t), tgt))
    return [(tuple(f for f, _ in e), tuple(t for _, t in e)) for e in ev]


def targets_at(events, frame: int) -> np.ndarray:
    """(P,) int64: whom each performer faces when standing at ``frame`` (latest event at
    or before it wins; ``HENRY`` before any)."""
    out = np.full(len(events), HENRY, np.int64)
    for p, (frames, targets) in enumerate(events):
        i = bisect.bisect_right(frames, int(frame))
        if i:
            out[p] = targets[i - 1]
    return out


def targets_all(events, frames: int) -> np.ndarray:
    """(F, P) int64: :func:`targets_at` for every frame ``[0, frames)`` (vectorised over frames)."""
    out = np.full((int(frames), len(events)), HENRY, np.int64)
    for p, (fs, targets) in enumerate(events):
        for f0, tgt in zip(fs, targets):
            if f0 < frames:
                out[f0:, p] = tgt
    return out


def face(perf_xz: np.ndarray, henry_xz: np.ndarray, target: np.ndarray, walk_yaw: np.ndarray,
         moving: np.ndarray) -> np.ndarray:
    """Facing yaw for any leading shape ``...``: ``perf_xz`` (..., P, 2), ``henry_xz``
    (..., 2), ``target`` (..., P) from :func:`targets_at`/:func:`targets_all`,
    ``walk_yaw`` (..., P) along the path, ``moving`` (..., P) bool."""
    perf_xz = np.asarray(perf_xz, float)
    bodies = np.concatenate([np.asarray(henry_xz, float)[..., None, :], perf_xz], axis=-2)
    tx = np.take_along_axis(bodies, (np.asarray(target) + 1)[..., None], axis=-2)
    d = tx - perf_xz
    same = np.hypot(d[..., 0], d[..., 1]) < 1e-6
    return wrap180(np.where(moving | same, walk_yaw, yaw_towards(perf_xz, tx)))


def facing_all(level, frames: int, walk_yaw, moving, perf_xz, henry_xz) -> np.ndarray:
    """(F, P) facing of every frame (the replays: scripted and from a take)."""
    return face(perf_xz, henry_xz, targets_all(target_events(level), frames), walk_yaw, moving)


def facing_at(events, frame: int, walk_yaw, moving, perf_xz, henry_xz) -> np.ndarray:
    """(P,) facing at one ``frame`` (``events`` from :func:`target_events`, made once per
    level); equal to row ``frame`` of :func:`facing_all`."""
    return face(perf_xz, henry_xz, targets_at(events, frame), walk_yaw, moving)
