"""The whole-fight simulation of performers as it was before issue 20 made it fast: the
reference the fast one must equal bit for bit (``tests/test_sim_reference.py``).

Copied unchanged from ``previs/sim/script.py``, ``paths.py`` and ``facing.py`` at commit
ee476dd (only imports adjusted): every performer's every frame in (F, P) arrays, one
``np.interp`` over the whole fight per coordinate, falls frozen by a gather of every
frame, shoves as an (F, P, 2) offset, facing over a gathered (F, B, 2) table of bodies.
Not used by previs itself.
"""

from __future__ import annotations

import math

import numpy as np

from previs.level import route
from previs.level.model import dir_to_yaw
from previs.sim import paths
from previs.sim.facing import CHUNK_SLOTS, _down_rows, target_events
from previs.sim.script import _scripted_henry_xz, down_frames, smoothstep, wrap180, yaw_towards
from previs.timebase import time_base_of

TIME_STRIDE = paths.TIME_STRIDE
ARC_STRIDE = paths.ARC_STRIDE
HENRY = -1


def build_walk(actor):
    if not route.walks(actor):
        p0 = actor.position if actor.path is None else actor.path.points[0]
        return paths.Walk(
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
        knot_t[-1] = max(knot_t[-1], knot_t[-2])
    seg = np.diff(sched.xz, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    seg_yaw = np.array([dir_to_yaw(dx, dz) if l > 0 else math.nan for (dx, dz), l in zip(seg, seg_len)])
    for i in range(len(seg_yaw)):
        if math.isnan(seg_yaw[i]):
            seg_yaw[i] = seg_yaw[i - 1] if i > 0 else actor.heading
    return paths.Walk(knot_t, knot_s, sched.vert_s, sched.xz, route.lap_time(sched, actor), seg_yaw, actor.start)


def local_time(walks, t):
    start = np.array([w.start for w in walks])
    lt = t[:, None] - start[None, :]
    np.maximum(lt, 0.0, out=lt)
    for a, w in enumerate(walks):
        if w.period is not None:
            lt[:, a] = np.mod(lt[:, a], w.period)
    return lt


def arc_length(walks, lt):
    a_idx = np.arange(len(walks), dtype=np.float64)
    kt = np.concatenate([w.knot_t + a * TIME_STRIDE for a, w in enumerate(walks)])
    ks = np.concatenate([w.knot_s for w in walks])
    last_t = np.array([w.knot_t[-1] for w in walks])
    q = np.minimum(lt, last_t[None, :]) + a_idx[None, :] * TIME_STRIDE
    return np.interp(q, kt, ks)


def positions(walks, s):
    a_idx = np.arange(len(walks), dtype=np.float64)
    vs = np.concatenate([w.vert_s + a * ARC_STRIDE for a, w in enumerate(walks)])
    vx = np.concatenate([w.vert_xz[:, 0] for w in walks])
    vz = np.concatenate([w.vert_xz[:, 1] for w in walks])
    last_s = np.array([w.vert_s[-1] for w in walks])
    q = np.minimum(s, last_s[None, :]) + a_idx[None, :] * ARC_STRIDE
    return np.stack([np.interp(q, vs, vx), np.interp(q, vs, vz)], axis=-1)


def segment_index(walks, s):
    out = np.empty(s.shape, dtype=np.int64)
    for a, w in enumerate(walks):
        nseg = len(w.vert_s) - 1
        out[:, a] = np.clip(np.searchsorted(w.vert_s, s[:, a], side="right") - 1, 0, max(nseg - 1, 0))
    return out


def push_offsets(level, frames, xz):
    tb = time_base_of(level.settings)
    pushes = [b for b in level.beats if b.spec.push > 0 and b.target not in (None, level.henry.id, b.actor)]
    if not pushes:
        return None
    off = np.zeros_like(xz)
    t = tb.times(frames)
    for b in pushes:
        f0 = tb.frame_at(b.t)
        if f0 >= frames:
            continue
        p = level.performer_index(b.target)
        if b.actor == level.henry.id:
            src = _scripted_henry_xz(level, tb.time_of(f0))
        else:
            q = level.performer_index(b.actor)
            src = xz[f0, q] + off[f0, q]
        d = xz[f0, p] + off[f0, p] - src
        dist = float(np.hypot(d[0], d[1]))
        if dist < 1e-6:
            continue
        with np.errstate(over="ignore"):
            e = smoothstep((t[f0:] - b.t) / b.duration) if b.duration > 0 else np.ones(frames - f0)
        off[f0:, p] += (b.spec.push / dist) * e[:, None] * d[None, :]
    return off


def performer_motion(level, frames):
    tb = time_base_of(level.settings)
    t = tb.times(frames)
    P = len(level.performers)
    if P == 0:
        return (np.zeros((frames, 0, 2)), np.zeros((frames, 0), bool), np.zeros((frames, 0)),
                np.zeros((frames, 0), bool))
    walks = [build_walk(p) for p in level.performers]
    lt = local_time(walks, t)
    s = arc_length(walks, lt)
    xz = positions(walks, s)
    seg = segment_index(walks, s)
    seg_yaw = np.zeros((P, max(len(w.seg_yaw) for w in walks)))
    for a, w in enumerate(walks):
        seg_yaw[a, : len(w.seg_yaw)] = w.seg_yaw
    walk_yaw = seg_yaw[np.arange(P)[None, :], seg]
    off = push_offsets(level, frames, xz)
    fdown = down_frames(level, frames)
    f = np.arange(frames)[:, None]
    down = f >= fdown[None, :]
    src = np.minimum(f, fdown[None, :])
    xz = xz[src, np.arange(P)[None, :]]
    walk_yaw = walk_yaw[src, np.arange(P)[None, :]]
    moving = np.zeros((frames, P), bool)
    moving[1:] = np.any(np.abs(np.diff(xz, axis=0)) > 1e-9, axis=-1)
    if off is not None:
        xz = xz + off[src, np.arange(P)[None, :]]
    return xz, down, walk_yaw, moving


def targets_all(events, frames):
    out = np.full((int(frames), len(events.per_performer)), HENRY, np.int64)
    for p, (fs, targets) in enumerate(events.per_performer):
        for f0, tgt in zip(fs, targets):
            if f0 < frames:
                out[f0:, p] = tgt
    return out


def face(perf_xz, henry_xz, target, walk_yaw, moving, marks_xz=None):
    perf_xz = np.asarray(perf_xz, float)
    parts = [np.asarray(henry_xz, float)[..., None, :], perf_xz]
    if marks_xz is not None and len(marks_xz):
        parts.append(np.broadcast_to(marks_xz, perf_xz.shape[:-2] + np.shape(marks_xz)))
    bodies = np.concatenate(parts, axis=-2)
    target = np.asarray(target)
    lead = int(np.prod(target.shape[:-1], dtype=np.int64))
    B = bodies.shape[-2]
    tx = bodies.reshape(-1, 2)[np.arange(lead).reshape(target.shape[:-1] + (1,)) * B + (target + 1)]
    d = tx - perf_xz
    same = np.hypot(d[..., 0], d[..., 1]) < 1e-6
    return wrap180(np.where(moving | same, walk_yaw, yaw_towards(perf_xz, tx)))


def facing_all(level, frames, walk_yaw, moving, perf_xz, henry_xz, down):
    events = target_events(level)
    target = targets_all(events, frames)
    F, P = target.shape
    raw = np.empty((F, P))
    step = max(1, CHUNK_SLOTS // max(P, 1))
    for a in range(0, F, step):
        b = min(F, a + step)
        raw[a:b] = face(perf_xz[a:b], henry_xz[a:b], target[a:b], walk_yaw[a:b], moving[a:b], events.marks_xz)
    if not np.any(down):
        return raw
    return np.take_along_axis(raw, _down_rows(down), axis=0)
