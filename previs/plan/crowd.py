"""Crowds: where performers stand too thick to be checked, or choreographed, pair by pair.

**The rule.** The floor is cut into squares of :data:`CROWD_CELL` metres (2 m; the grid's
lines at whole multiples of 2 m in map metres). On a frame, a square holding more than
:data:`CROWD_MAX` standing bodies (8: over 2 a square metre) is *crowded*, and every
standing performer in it is *in a crowd* on that frame. Henry counts toward a square's
bodies but is never in a crowd: he is the camera, and his clearance to every performer,
crowd or not, is always checked pair by pair (:func:`previs.plan.safety.clearance_findings`).
Between two performers the clearance check skips a pair when either is in a crowd: a
crowd is one finding, not the thousands of near misses inside it.

Why 2 a square metre: a standing adult covers about 0.25 m^2 and a swing or a fall needs
about 1.5 m^2 around the body; crowd-safety guidance puts the end of free movement at
about 2 people a square metre. No bundled fight comes near it (none, the 100-performer
finale included, ever has more than 2 standing bodies in a square); the generated
1000-performer melee of ``tools/make_battle.py`` (everyone within 10 m of Henry, 3.2 a
square metre on average) has 92 % of its performer-frames in a crowd.

**The finding** (kind ``crowd``): one per *spell*, the frames on which some performer is
in a crowd, spells less than :data:`CROWD_JOIN_SECONDS` apart joined into one (a crowd
whose edge flickers across a square's line is one crowd). It gives ``time`` (its first
frame's) and ``exit`` (the time of the first frame after it), ``peak`` (the time of its
frame with the most performers in a crowd, the earliest on a tie), ``count`` (how many
then), ``who`` (their names, in the level's order), and the most crowded square then:
``x``, ``z`` its centre (m) and ``density`` its bodies a square metre.

Units: metres on the ground plane ``(x, z)``; times seconds; frames 0-based; every
frame range half-open ``[first, end)``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .rounding import rounded as _r
from .safety import body_names, positions_block
from .safety_bodies import _BodyFinding

KIND = "crowd"
"""The finding kind of this module."""

CROWD_CELL = 2.0
"""Metres: the side of the squares whose bodies are counted."""

CROWD_MAX = 8
"""Bodies a :data:`CROWD_CELL` square may hold (2 a square metre); one more is a crowd."""

CROWD_JOIN_SECONDS = 1.0
"""Crowd spells closer together than this are one finding."""

GRID_CELLS = 2_000_000
"""Squares counted at once (16 MB of counts): a block of frames is counted on the grid of
its bounding box when that grid is this small, else by sorting its squares' keys. The
1000-performer spread battle (126 m across) has 4 000 squares a frame."""

FRAMES_PER_BLOCK = 256
"""Frames counted at once: 256 000 (frame, body) slots for 1000 performers."""


@dataclass(frozen=True)
class CrowdFinding(_BodyFinding):
    """A spell of performers in a crowd (see the module docstring)."""

    exit: float = 0.0
    peak: float = 0.0
    count: int = 0
    density: float = 0.0
    x: float = 0.0
    z: float = 0.0
    kind: ClassVar[str] = KIND
    KEYS: ClassVar[tuple[str, ...]] = ("frame", "time", "timecode", "exit", "peak", "count", "density", "x", "z",
                                       "who")


def _squares(xz: np.ndarray) -> np.ndarray:
    """``(..., 2)`` integer square indices ``(column, row)`` of ground points ``xz``."""
    return np.floor(xz / CROWD_CELL).astype(np.int64)


def _counts(sq: np.ndarray, standing: np.ndarray) -> np.ndarray:
    """Bodies in each body's square, per frame: ``(n, B)`` ints for squares ``sq``
    ``(n, B, 2)``; only ``standing`` ``(n, B)`` bodies count (a body not standing gets 0)."""
    n, B = standing.shape
    if not standing.any():
        return np.zeros((n, B), dtype=np.int64)
    cx, cz = sq[..., 0], sq[..., 1]
    everyone = bool(standing.all())  # the usual block: nobody down, no masks to apply
    x0, x1 = (int(cx.min()), int(cx.max())) if everyone else (int(cx[standing].min()), int(cx[standing].max()))
    z0, z1 = (int(cz.min()), int(cz.max())) if everyone else (int(cz[standing].min()), int(cz[standing].max()))
    w, h = x1 - x0 + 1, z1 - z0 + 1
    if n * w * h <= GRID_CELLS:
        flat = (np.arange(n)[:, None] * h + (cz - z0)) * w + (cx - x0)
        if everyone:
            return np.bincount(flat.ravel(), minlength=n * w * h)[flat]
        flat = np.where(standing, flat, 0)
        per = np.bincount(flat[standing], minlength=n * w * h)
        return np.where(standing, per[flat], 0)
    # A sparse crowd over a big map: count the occupied squares only (a sort).
    key = (np.arange(n, dtype=np.int64)[:, None] * (h + 1) + (cz - z0)) * (w + 1) + (cx - x0)
    ks = key[standing]
    _, inv, cnt = np.unique(ks, return_inverse=True, return_counts=True)
    out = np.zeros((n, B), dtype=np.int64)
    out[standing] = cnt[inv]
    return out


JOIN_BODIES = 128
"""Bodies whose gaps are joined at once: 128 x 4320 frames of int32 indices are 2.2 MB,
which the allocator reuses (one pass over 1000 bodies made 60 MB of temporaries, and
faulting them in cost 0.9 s of system time)."""


def _join(mask: np.ndarray, gap: int) -> None:
    """In place: per body (column), the frames between two crowded frames at most ``gap``
    frames apart become crowded too, so that a performer on a crowd's edge, stepping in
    and out of a full square, is in it for the whole time (not in and out, which would
    split each of its close encounters with its neighbours into several).

    :data:`JOIN_BODIES` bodies at a time, along contiguous rows of their transpose: the
    last crowded frame at or before each frame and the next at or after it (running
    maximum and minimum of indices); a frame between two at most ``gap`` apart joins."""
    F, B = mask.shape
    if F < 3 or not mask.any():
        return
    idx = np.arange(F, dtype=np.int32)
    far = np.int32(1 << 29)  # far - (-far) still fits an int32
    for b0 in range(0, B, JOIN_BODIES):
        sub = np.ascontiguousarray(mask[:, b0:b0 + JOIN_BODIES].T)
        if not sub.any():
            continue
        last = np.maximum.accumulate(np.where(sub, idx, -far), axis=1)
        nxt = np.minimum.accumulate(np.where(sub, idx, far)[:, ::-1], axis=1)[:, ::-1]
        mask[:, b0:b0 + JOIN_BODIES] |= ((nxt - last) <= gap).T


def join_frames(fps) -> int:
    """:data:`CROWD_JOIN_SECONDS` in frames at ``fps`` (at least one)."""
    return max(1, int(round(CROWD_JOIN_SECONDS * float(fps))))


_MASKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def crowd_mask(motion) -> np.ndarray:
    """``(F, B)`` bool, Henry first: the performers in a crowd on each frame (read-only;
    made once per motion, as :func:`~previs.plan.safety.body_positions`). Column 0
    (Henry) is always False."""
    try:
        got = _MASKS.get(motion)
        keep = True
    except TypeError:  # a motion-like value that cannot be a weak key (one frame): small
        got, keep = None, False
    if got is not None:
        return got
    F, B = len(motion.henry_xz), 1 + np.asarray(motion.perf_down).shape[1]
    down = np.asarray(motion.perf_down, bool)
    mask = np.zeros((F, B), dtype=bool)
    for a in range(0, F, FRAMES_PER_BLOCK):
        b = min(F, a + FRAMES_PER_BLOCK)
        standing = np.ones((b - a, B), dtype=bool)
        standing[:, 1:] = ~down[a:b]
        many = _counts(_squares(positions_block(motion, a, b)), standing) > CROWD_MAX
        many[:, 0] = False
        mask[a:b] = many
    _join(mask, join_frames(motion.track.time_base.fps))
    mask.flags.writeable = False
    if keep:
        _MASKS[motion] = mask
    return mask


def crowd_findings(level, motion, time_base=None) -> list[CrowdFinding]:
    """One :class:`CrowdFinding` per crowd spell, in time order (the module docstring)."""
    tb = time_base if time_base is not None else motion.track.time_base
    mask = crowd_mask(motion)
    per_frame = mask.sum(axis=1)
    busy = np.flatnonzero(per_frame)
    if busy.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(busy) > join_frames(tb.fps))
    firsts = np.concatenate([busy[:1], busy[breaks + 1]])
    lasts = np.concatenate([busy[breaks], busy[-1:]])
    names = body_names(level)
    down = np.asarray(motion.perf_down, bool)
    out = []
    for f0, f1 in zip(firsts.tolist(), lasts.tolist()):
        peak = f0 + int(np.argmax(per_frame[f0:f1 + 1]))
        who = tuple(names[b] for b in np.flatnonzero(mask[peak]).tolist())
        xz = positions_block(motion, peak, peak + 1)
        standing = np.ones((1, xz.shape[1]), dtype=bool)
        standing[0, 1:] = ~down[peak]
        sq = _squares(xz)
        counts = _counts(sq, standing)[0]
        best = int(np.argmax(np.where(mask[peak], counts, -1)))  # the first body of the fullest square
        cx, cz = (float(v) for v in sq[0, best])
        out.append(CrowdFinding(
            who=who, frame=f0, time=_r(tb.time_of(f0), 3), timecode=tb.timecode(f0),
            exit=_r(tb.time_of(f1 + 1), 3), peak=_r(tb.time_of(peak), 3), count=len(who),
            density=_r(int(counts[best]) / CROWD_CELL ** 2, 2),
            x=_r((cx + 0.5) * CROWD_CELL, 3), z=_r((cz + 0.5) * CROWD_CELL, 3)))
    return out
