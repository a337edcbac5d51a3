"""Every performer's scripted motion on every frame: walks, then falls, then shoves.

:func:`performer_motion` (re-exported by :mod:`previs.sim.script`) evaluates the walking
rule of :mod:`previs.sim.paths`, freezes a performer where he falls (from
:func:`~previs.sim.script.down_frames` on) and adds the shoves of :func:`push_offsets`.
Frames ``f`` in ``[0, frames)``; ground positions ``(x, z)`` metres; yaw in degrees.

Speed (issue 20: 1000 performers x 4320 frames in well under a second): the walks are
evaluated a block of performers at a time (:data:`BLOCK_SLOTS`), performer first, and
copied into the frame-first outputs once:

- performer first, each performer's frames are consecutive, so ``np.interp``'s guess
  finds the knot of the next query at once: 33 ms instead of 72 ms per 4.3 million queries
  frame first (each query then jumps to another performer's knots);
- a block's temporaries are 0.5 MB, reused from the heap. Whole-fight (F, P) temporaries
  are 35 MB each; numpy asks for huge pages for them and faulting them in fresh cost 1.5
  to 2.5 s of system time per 1000-performer replay on the 2-core machine, more than all
  the arithmetic;
- falls and shoves touch only the performers they name (none in the generated battles).

Every value is computed by the same float64 operations in the same order as the
whole-fight version this replaced, so the arrays are bit-identical to it
(``tools/motion_snapshot.py``, ``tests/test_sim_reference.py``).
"""

from __future__ import annotations

import numpy as np

from ..level.model import Level
from ..timebase import time_base_of
from . import paths
from .script import _scripted_henry_xz, down_frames, smoothstep

BLOCK_SLOTS = 1 << 16
"""(performer, frame) pairs evaluated at once: 65 536, 512 KB per float64 temporary (15
performers of a 3-minute fight at 24 fps); at least one performer a block."""


def push_offsets(level: Level, frames: int, position_at) -> dict[int, np.ndarray] | None:
    """Displacement (F, 2) in metres that pushing beats add to each pushed performer's
    walk, by performer index; None when the level has no pushing beat (the walks stay
    bit-identical). ``position_at(f, p)`` is performer ``p``'s walk (x, z) on frame ``f``
    before any fall froze it.

    A beat whose action has ``push`` > 0 (see :mod:`previs.level.actions`) moves its target
    performer that many metres straight away from its actor, eased in and out (smoothstep)
    over ``[t, t + duration]``; the target stays displaced and walks on from there. The
    direction is fixed on the beat's first frame, from the actor's scripted position (Henry's
    path, even in a walked take) to the target's, earlier pushes included. Henry is never
    pushed (the camera path is authored); a target on the actor's very spot is not pushed."""
    tb = time_base_of(level.settings)
    pushes = [b for b in level.beats if b.spec.push > 0 and b.target not in (None, level.henry.id, b.actor)]
    if not pushes:
        return None
    off: dict[int, np.ndarray] = {}
    zero = np.zeros(2)

    def pushed(f, p):  # where performer p is on frame f, earlier pushes included
        return position_at(f, p) + (off[p][f] if p in off else zero)

    t = tb.times(frames)
    for b in pushes:  # loop over pushing beats, vectorised over frames
        f0 = tb.frame_at(b.t)
        if f0 >= frames:
            continue
        p = level.performer_index(b.target)
        if b.actor == level.henry.id:
            src = _scripted_henry_xz(level, tb.time_of(f0))
        else:
            src = pushed(f0, level.performer_index(b.actor))
        d = pushed(f0, p) - src
        dist = float(np.hypot(d[0], d[1]))
        if dist < 1e-6:
            continue
        with np.errstate(over="ignore"):  # a duration like 1e-320 is an instant push
            e = smoothstep((t[f0:] - b.t) / b.duration) if b.duration > 0 else np.ones(frames - f0)
        if p not in off:
            off[p] = np.zeros((frames, 2))
        off[p][f0:] += (b.spec.push / dist) * e[:, None] * d[None, :]
    return off


def _moved(x: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    """``out`` (a, F - 1) bool: the position ``(x, z)`` (a, F) changed by more than 1e-9 m
    along x or z since the previous frame."""
    d = x[:, 1:] - x[:, :-1]
    np.abs(d, out=d)
    np.greater(d, 1e-9, out=out)
    np.subtract(z[:, 1:], z[:, :-1], out=d)
    np.abs(d, out=d)
    out |= d > 1e-9


def performer_motion(level: Level, frames: int):
    """Scripted performers: positions (F, P, 2), down (F, P) bool, walking yaw (F, P) and
    moving (F, P) bool (changed position since the previous frame, shoves aside: a pushed
    performer keeps facing as it stood, see :func:`previs.sim.script.performer_facing`).

    A performer who falls is frozen where he fell, walking yaw included, from the fall's
    end (:func:`~previs.sim.script.down_frames`) on."""
    tb = time_base_of(level.settings)
    t = tb.times(frames)
    P = len(level.performers)
    if P == 0:
        return (np.zeros((frames, 0, 2)), np.zeros((frames, 0), bool), np.zeros((frames, 0)),
                np.zeros((frames, 0), bool))
    table = paths.walk_table([paths.build_walk(p) for p in level.performers])
    fdown = down_frames(level, frames)
    fallers = [int(p) for p in np.flatnonzero(fdown < frames)]
    frame = np.arange(frames)
    xz = np.empty((frames, P, 2))
    walk_yaw = np.empty((frames, P))
    moving = np.empty((frames, P), bool)
    walked: dict[int, np.ndarray] = {}  # a faller's (F, 2) walk before he froze: shoves read it
    step = max(1, BLOCK_SLOTS // max(frames, 1))
    for a0 in range(0, P, step):  # loop over blocks of performers, vectorised over frames
        blk = slice(a0, min(P, a0 + step))
        s = table.arc_length(table.local_time(t, blk), blk)
        x, z = table.positions(s, blk)
        yaw = table.walking_yaw(table.segment_index(s, blk), blk)
        for p in fallers:
            if blk.start <= p < blk.stop:  # frozen from his fall on: every row reads that frame
                r, src = p - a0, np.minimum(frame, fdown[p])
                walked[p] = np.stack([x[r], z[r]], axis=-1)
                x[r], z[r], yaw[r] = x[r][src], z[r][src], yaw[r][src]
        mv = np.empty(x.shape, bool)
        mv[:, 0] = False
        _moved(x, z, mv[:, 1:])
        xz[:, blk, 0] = x.T
        xz[:, blk, 1] = z.T
        walk_yaw[:, blk] = yaw.T
        moving[:, blk] = mv.T
    down = np.zeros((frames, P), bool)
    for p in fallers:
        down[max(int(fdown[p]), 0):, p] = True
    off = push_offsets(level, frames, lambda f, p: walked[p][f] if p in walked else xz[f, p])
    if off is not None:
        # Every performer's position plus his offset (0 m for the unpushed): x + 0.0 turns a
        # -0.0 into 0.0, as the whole-fight sum did.
        xz += 0.0
        for p, o in off.items():
            xz[:, p] += o[np.minimum(frame, fdown[p])]  # a fallen performer keeps his push
    return xz, down, walk_yaw, moving
