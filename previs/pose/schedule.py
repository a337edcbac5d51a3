"""Which clip every body plays on every frame, and when: the beats turned into arrays.

Rows are bodies: ``0 .. P-1`` the level's performers in order, ``P`` Henry. Times are
seconds; frame ``f`` is at ``f / fps`` and an event at ``t`` acts from ``frame_at(t)``
(:mod:`previs.timebase`). All arrays are (F, A) over frames ``[0, F)``.

Timing rule: a beat whose action word names a clip plays it. A ``contact`` clip starts at
``t - contact_time`` so its contact frame lands on the beat's ``t``; a ``span`` clip is
stretched over ``[t, t + duration)``. A clip with a ``reaction`` makes the target (a
performer standing at ``t``) play that clip from ``t``, facing the striker. A later clip on
the same body takes over from the frame it starts (a head-only clip, ``look``, only plays
where no other clip does, and never on Henry); a ``hold`` clip (fall, down) keeps its
last frame to the end of the replay once nothing plays over it. While a clip with a target
plays, the body turns to face the target (performers; Henry's facing is the camera's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sim.script import smoothstep, wrap180, yaw_towards
from ..timebase import time_base_of
from .clips import ClipLibrary

MAX_LUNGE = 1.3
"""Metres a striker steps in toward a target out of the clip's ``reach`` (one long step)."""
STEP_IN_SPEED, STEP_OUT_SPEED = 2.0, 1.2
"""m/s (mean) of stepping in before the contact and back to the simulated spot after it;
the feet take real steps (the step-in is added to the path the gait walks)."""
HOLD_AFTER = 0.15
"""Seconds a striker stays stepped in after the contact."""
FACE_LEAD = 0.6
"""Seconds before a contact a striker starts turning to its target (180 deg at the bodies'
300 deg/s)."""
FADE_IN, FADE_OUT = 0.10, 0.15
"""Seconds a clip blends in from the gait and back out to it."""
IK_RAMP = 0.15
"""Seconds before and after the contact frame over which the striking hand or foot is
pulled onto the target point (weight 1 on the contact frame itself)."""
GUARD_WINDOW = 3.0
"""Seconds either side of a performer's contact beat (striking or struck) it stands in guard."""
HENRY_FIGHT_WINDOW = 1.5
"""Seconds either side of one of Henry's contact beats his hands are up in guard."""
HENRY_THREAT_DISTANCE, HENRY_THREAT_ANGLE = 2.5, 60.0
"""Henry also guards while a standing performer within 2.5 m is in front of him (within
60 deg of his view) and faces him (within 60 deg)."""
GUARD_SMOOTH = 0.3
"""Seconds over which guard rises and falls."""


@dataclass(frozen=True, eq=False)
class Schedule:
    """Per frame and body: ``clip`` index (-1 none), ``start`` (s, the clip's time 0),
    ``rate`` (clip seconds per second), ``end`` (s, inf while held), ``face`` (row to face,
    -1 none), ``aim`` (row whose head/chest the effector is pulled onto, -1 none),
    ``contact`` (the contact frame of that pull), ``lunge`` (F, A, 2) metres stepped toward
    the target (added to the path the feet walk), ``guard`` 0..1."""

    clip: np.ndarray
    start: np.ndarray
    rate: np.ndarray
    end: np.ndarray
    face: np.ndarray
    aim: np.ndarray
    contact: np.ndarray
    lunge: np.ndarray
    guard: np.ndarray


def body_rows(level) -> dict[int, int]:
    """Object id -> body row (performers in order, Henry last)."""
    rows = {p.id: i for i, p in enumerate(level.performers)}
    rows[level.henry.id] = len(level.performers)
    return rows


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    """Moving average over ``n`` frames (centred) along axis 0."""
    if n <= 1:
        return x
    pad = np.concatenate([np.repeat(x[:1], n // 2, 0), x, np.repeat(x[-1:], n - n // 2, 0)])
    c = np.cumsum(pad, axis=0)
    c = np.concatenate([np.zeros_like(c[:1]), c])
    return (c[n:n + len(x)] - c[:len(x)]) / n


def schedule(level, motion, lib: ClipLibrary, xz: np.ndarray, speed: np.ndarray, facing: np.ndarray) -> Schedule:
    """The :class:`Schedule` of a replay: ``xz`` (F, A, 2) every body's ground position,
    ``speed`` (F, A) m/s, ``facing`` (F, A) deg (performers', then Henry's camera yaw)."""
    tb = time_base_of(level.settings)
    F, A = xz.shape[:2]
    P = A - 1
    rows = body_rows(level)
    t = tb.times(F)
    clip = np.full((F, A), -1, np.int32)
    start = np.zeros((F, A))
    rate = np.ones((F, A))
    end = np.full((F, A), np.inf)
    face = np.full((F, A), -1, np.int64)
    aim = np.full((F, A), -1, np.int64)
    contact = np.full((F, A), -1, np.int64)
    lunge = np.zeros((F, A, 2))
    down = np.concatenate([np.asarray(motion.perf_down, bool), np.zeros((F, 1), bool)], axis=1)
    events = []  # (start, order, row, clip index, rate, end, face row, aim row, contact frame, lunge)
    for order, b in enumerate(level.beats):
        ci = lib.index(b.action)
        r = rows.get(b.actor)
        if ci < 0 or r is None:
            continue
        c = lib.clips[ci]
        tgt = rows.get(b.target, -1) if b.target is not None else -1
        if c.timing == "span":
            s0, rt = b.t, (c.duration / b.duration if b.duration > 0 else 1e9)
            e0 = np.inf if c.hold else b.end
        else:
            s0, rt = b.t - c.contact_time, 1.0
            e0 = np.inf if c.hold else s0 + c.duration
        fc = tb.frame_at(b.t)
        aim_row = tgt if (c.target and c.effector and tgt >= 0 and tgt != r) else -1
        events.append((s0, order, 0, r, ci, rt, e0, tgt if tgt != r else -1, aim_row, fc, c, b.t))
        rc = lib.index(c.reaction) if c.reaction else -1
        if rc >= 0 and 0 <= tgt < P and tgt != r and fc < F and not down[fc, tgt]:
            rcl = lib.clips[rc]
            rs = b.t - rcl.contact_time
            events.append((rs, order, 1, tgt, rc, 1.0, np.inf if rcl.hold else rs + rcl.duration, r, -1, fc,
                           rcl, b.t))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    for s0, _, _, r, ci, rt, e0, fr, ar, fc, c, bt in events:  # loop over events, vectorised over frames
        f0 = max(0, tb.frame_at(s0))
        f1 = F if not np.isfinite(e0) else min(F, tb.frame_at(e0))
        if f1 <= f0:
            continue
        sl = slice(f0, f1)
        if c.joints == "head":  # a look turns the head only: it never cuts another clip short
            if r == P:  # and Henry's head is the camera's
                continue
            free = np.flatnonzero(clip[sl, r] < 0) + f0
            clip[free, r], start[free, r], rate[free, r], end[free, r] = ci, s0, rt, e0
            continue
        clip[sl, r], start[sl, r], rate[sl, r], end[sl, r] = ci, s0, rt, e0
        aim[sl, r], contact[sl, r] = ar, fc
        face[sl, r] = -1
        if r < P and fr >= 0:  # start turning early enough to face the target on contact
            face[max(0, tb.frame_at(min(s0, bt - FACE_LEAD))):f1, r] = fr
        if ar >= 0 and r < P and fc < F:
            d = xz[fc, ar] - xz[fc, r]
            dist = float(np.hypot(d[0], d[1]))
            step = min(max(dist - c.reach, 0.0), MAX_LUNGE)
            if step > 0 and dist > 1e-6:
                t_in, t_out = max(bt - s0, step / STEP_IN_SPEED), step / STEP_OUT_SPEED
                a0, a2 = bt - t_in, bt + HOLD_AFTER + t_out
                fa, fb = max(0, tb.frame_at(a0)), min(F, tb.frame_at(a2))
                tt = t[fa:fb]
                e = np.minimum(smoothstep((tt - a0) / t_in), smoothstep((a2 - tt) / t_out))
                # Never closer than the clip's reach: the simulation may still walk the
                # striker in after contact (the corridor's Goon 2 closes 0.6 m more), and
                # step + walk together put his head through Henry's lens.
                now = xz[fa:fb, ar] - xz[fa:fb, r]
                room = np.maximum(np.hypot(now[:, 0], now[:, 1]) - c.reach, 0.0)
                lunge[fa:fb, r] = (np.minimum(step * e, room) / dist)[:, None] * d[None, :]
    guard = _guard(level, xz, speed, facing, down, tb, rows)
    return Schedule(clip, start, rate, end, face, aim, contact, lunge, guard)


THREAT_BLOCK = 256
"""Frames whose Henry-threat distances are measured at once (1000 performers: 2 MB)."""


def _guard(level, xz, speed, facing, down, tb, rows) -> np.ndarray:
    """(F, A) 0..1: guard up (the rule: module constants; Henry's in docs/bodies.md)."""
    F, A = xz.shape[:2]
    P = A - 1
    fight = np.zeros((F, A), bool)
    for b in level.beats:
        if not b.is_contact:
            continue
        for oid in (b.actor, b.target):
            r = rows.get(oid)
            if r is None or (r == P and oid != b.actor):  # Henry fights in his own blows only
                continue
            w = HENRY_FIGHT_WINDOW if r == P else GUARD_WINDOW
            span = tb.frames_within(b.t - w, b.end + w)
            fight[max(span.start, 0):span.stop, r] = True
    perf = fight[:, :P] & (speed[:, :P] < 0.3) & ~down[:, :P]
    # Henry: a standing performer close, in front of him and facing him. The angles only
    # of the close pairs (a melee of 1000 has ~1 % of them; whole (F, P) arrays of angles
    # were 35 MB temporaries, ~1 s of page faults), distances a block of frames at a time.
    threat = np.zeros(F, bool)
    for a in range(0, F, THREAT_BLOCK):
        b = min(F, a + THREAT_BLOCK)
        d = xz[a:b, :P] - xz[a:b, P:P + 1]
        fi, pi = np.nonzero((np.hypot(d[..., 0], d[..., 1]) < HENRY_THREAT_DISTANCE) & ~down[a:b, :P])
        fi = fi + a
        to_perf = yaw_towards(xz[fi, P], xz[fi, pi])
        in_front = np.abs(wrap180(to_perf - facing[fi, P])) < HENRY_THREAT_ANGLE
        faces_him = np.abs(wrap180(to_perf + 180 - facing[fi, pi])) < HENRY_THREAT_ANGLE
        threat[fi[in_front & faces_him]] = True
    g = np.concatenate([perf, (fight[:, P] | threat)[:, None]], axis=1).astype(np.float64)
    return _smooth(g, max(1, int(round(GUARD_SMOOTH * float(tb.fps)))))
