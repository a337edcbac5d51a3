"""Safety findings about bodies on the floor and blows: lying bodies, landings, reach.

**A lying body.** A performer who is down lies where it stood, fallen backwards as the
animatic draws it (``assets/shaders/body.vert``): feet where it stood, head its
``height`` away, straight behind where it faced on the frame it went down, the
direction ``(sin yaw, cos yaw)`` in ``(x, z)`` (yaw 0 faces north, -z, so it lies
toward the south). Its footprint is that ``height`` x ``2 radius`` rectangle
(:func:`lying_footprints`); it stays put (a body on the floor does not turn).

**Lying-body findings** (kind ``lying-body``): an upright body (Henry or a performer who
is not down) whose circle comes within ``safety_distance`` of a lying footprint, or onto
it: the gap is the distance from the upright body's centre to the rectangle minus its
radius (negative: it steps on the body; ``-radius``: its centre is over it). As for
clearance, the actor and target of a contact beat may touch during its window
``[t, t + duration]``, and one finding is reported per encounter (consecutive frames of
the same pair) at its closest moment, with ``who`` = (the upright body, the lying one)
and ``x``, ``z`` the upright body's centre then.

**Landing findings** (kind ``landing``): a ``fall`` or a ``throw`` (the action table's
``lands`` column: the fall's actor, the throw's target) whose landing is not all on
``crash-mat`` zones. The landing is the footprint of the body on its landing frame:

- a ``fall``: the frame it goes down (``t + duration``), the footprint as drawn;
- a ``throw`` whose target goes down inside the throw's window ``[t, t + duration]``
  (a throw followed by the target's fall, as the bundled levels write it): that fall's
  footprint, reported once, as the throw;
- any other ``throw``: the target's position at ``t + duration``, lying its height away
  from the thrower (along thrower -> target).

"All on a mat" is tested at points at most :data:`LANDING_STEP` m apart over the
rectangle (three rows: both sides and the middle); each must be inside some crash mat.
The finding gives the share on a mat (``on_mat``, 0..1) and the nearest crash mat with
its distance from the landing's centre (0: the centre is on it).

**Reach findings** (kind ``reach``): a contact beat whose bodies, as replayed, stay out
of the action's reach on every frame of its window ``[t, t + duration]``, by the one
reach rule, :meth:`previs.level.actions.Action.beyond_reach` (the level check asks it of
the script, this asks it of the replay, a take walked by hand included). Reported at
the closest frame: ``distance`` centre to centre and ``beyond`` the reach, metres.

Each rule takes the plan's ``time_base`` (:class:`~previs.timebase.TimeBase`, whose
``start_tc`` the findings' ``timecode`` counts from; default: the replay's own).
Units: metres on the ground plane ``(x, z)``; times seconds; frames 0-based.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .rounding import rounded as _r
from .safety import (body_index, body_names, body_positions, contact_beats, contact_windows, encounter_minima,
                     points_in_polygon, positions_block)

KINDS = ("lying-body", "landing", "reach")
"""The finding kinds of this module."""

CRASH_MAT = "crash-mat"
"""The zone kind a fall or a throw must land on."""

CHUNK = 24
"""Frames per bounding box when looking for bodies near a lying one (one second at 24 fps)."""

LANDING_STEP = 0.1
"""Metres between the points of a landing footprint tested for being on a mat: a 1.8 m
body is 19 points along, 3 across; no gap in a mat narrower than a hand goes unseen."""


@dataclass(frozen=True)
class _BodyFinding:
    """What every finding here has: ``who`` (names), ``frame`` (0-based), ``time`` (s) and
    ``timecode`` of the moment it reports. ``KEYS`` orders its ``shotplan.json`` object."""

    who: tuple[str, ...]
    frame: int
    time: float
    timecode: str
    kind: ClassVar[str] = ""
    KEYS: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        d = {"kind": self.kind, **{k: getattr(self, k) for k in self.KEYS}}
        d["who"] = list(self.who)
        return d


@dataclass(frozen=True)
class LyingBodyFinding(_BodyFinding):
    """An upright body passing within ``safety_distance`` of, or over, a lying one;
    ``who`` = (upright, lying), ``distance`` the gap (m), ``x``/``z`` the upright body."""

    distance: float = 0.0
    x: float = 0.0
    z: float = 0.0
    kind: ClassVar[str] = "lying-body"
    KEYS: ClassVar[tuple[str, ...]] = ("who", "frame", "time", "timecode", "distance", "x", "z")


@dataclass(frozen=True)
class LandingFinding(_BodyFinding):
    """A fall or a throw landing (partly) off the crash mats. ``start`` is the beat's
    first frame (``frame_at(t)``), ``frame`` the landing frame; ``x``/``z`` the feet,
    ``head_x``/``head_z`` the head; ``on_mat`` 0..1; the nearest ``mat`` and its
    ``mat_distance`` (m) from the landing's centre, None without crash mats."""

    action: str = ""
    beat: int = 0
    start: int = 0
    x: float = 0.0
    z: float = 0.0
    head_x: float = 0.0
    head_z: float = 0.0
    on_mat: float = 0.0
    mat: str | None = None
    mat_distance: float | None = None
    kind: ClassVar[str] = "landing"
    KEYS: ClassVar[tuple[str, ...]] = ("who", "action", "beat", "frame", "time", "timecode", "x", "z", "head_x",
                                       "head_z", "on_mat", "mat", "mat_distance")


@dataclass(frozen=True)
class ReachFinding(_BodyFinding):
    """A contact beat whose bodies never come within the action's reach; ``who`` =
    (actor, target). ``start`` is the beat's first frame, ``duration`` its seconds;
    ``frame`` the closest moment, ``distance`` centre to centre and ``beyond`` the reach
    (m) then, ``x``/``z`` the actor."""

    action: str = ""
    beat: int = 0
    start: int = 0
    duration: float = 0.0
    distance: float = 0.0
    beyond: float = 0.0
    x: float = 0.0
    z: float = 0.0
    kind: ClassVar[str] = "reach"
    KEYS: ClassVar[tuple[str, ...]] = ("who", "action", "beat", "frame", "time", "timecode", "distance", "beyond",
                                       "x", "z")


def fall_direction(facing_deg) -> np.ndarray:
    """Unit ``(x, z)`` straight behind a body facing ``facing_deg`` (0 = north, +90 = west):
    where its head lands when it falls backwards."""
    a = np.radians(np.asarray(facing_deg, float))
    return np.stack([np.sin(a), np.cos(a)], axis=-1)


@dataclass(frozen=True)
class Footprint:
    """A body lying on the floor: ``feet`` and unit ``direction`` (x, z) toward the head,
    ``length`` (its height) and ``half_width`` (its radius), metres."""

    feet: np.ndarray
    direction: np.ndarray
    length: float
    half_width: float

    @property
    def head(self) -> np.ndarray:
        return self.feet + self.length * self.direction

    def distance(self, pts: np.ndarray) -> np.ndarray:
        """Distance (m) of points ``(..., 2)`` from the rectangle (0 inside it)."""
        return rectangle_distance(pts, self.feet, self.direction, self.length, self.half_width)

    def samples(self) -> np.ndarray:
        """``(N, 2)`` points over the rectangle at most :data:`LANDING_STEP` apart along it,
        on both sides and the middle line."""
        n = max(1, math.ceil(self.length / LANDING_STEP))
        u = np.linspace(0.0, self.length, n + 1)
        side = np.array([self.direction[1], -self.direction[0]])
        rows = [self.feet + u[:, None] * self.direction + s * self.half_width * side for s in (-1.0, 0.0, 1.0)]
        return np.concatenate(rows)


def rectangle_distance(pts, feet, direction, length, half_width) -> np.ndarray:
    """Distance (m) of points ``(..., 2)`` from the footprint rectangles (0 inside): feet
    ``(..., 2)``, unit ``direction`` ``(..., 2)``, ``length`` and ``half_width`` broadcast
    against the points (one footprint, or one per point)."""
    rel = np.asarray(pts, float) - feet
    d = np.asarray(direction)
    u = rel[..., 0] * d[..., 0] + rel[..., 1] * d[..., 1]
    v = np.abs(rel[..., 0] * d[..., 1] - rel[..., 1] * d[..., 0])
    du = np.maximum(np.maximum(-u, u - length), 0.0)
    dv = np.maximum(v - half_width, 0.0)
    return np.hypot(du, dv)


def lying_footprints(level, motion) -> list[tuple[int, int, Footprint]]:
    """``(performer index, first down frame, footprint)`` of every performer who goes down
    in the replay; the footprint is fixed on that frame (position and facing)."""
    down = np.asarray(motion.perf_down, bool)
    out = []
    for p in np.flatnonzero(down.any(axis=0)).tolist():
        f0 = int(np.argmax(down[:, p]))
        perf = level.performers[p]
        fp = Footprint(np.asarray(motion.perf_xz[f0, p], float), fall_direction(motion.perf_facing[f0, p]),
                       float(perf.height), float(perf.radius))
        out.append((p, f0, fp))
    return out


def lying_body_findings(level, motion, safety_distance: float, time_base=None) -> list[LyingBodyFinding]:
    """One :class:`LyingBodyFinding` per encounter of an upright body with a lying one,
    sorted by frame then names."""
    tb = time_base or motion.track.time_base  # the plan's: its start_tc makes the timecodes
    lying_bodies = lying_footprints(level, motion)
    if not lying_bodies:  # nobody falls (the generated benchmark fights)
        return []
    xz = body_positions(motion)
    F, B, _ = xz.shape
    radii = np.array([level.henry.radius] + [p.radius for p in level.performers], float)
    down = np.concatenate([np.zeros((F, 1), bool), np.asarray(motion.perf_down, bool)], axis=1)
    windows_of: dict[int, list[tuple[int, int, int]]] = {}  # body -> (other body, first, last), beat order
    for i, j, w0, w1 in contact_windows(level, tb):
        windows_of.setdefault(i, []).append((j, w0, w1))
        windows_of.setdefault(j, []).append((i, w0, w1))
    # Each body's bounding box per chunk of CHUNK frames: a body whose box stays clear of
    # a footprint's (grown by the margin) is never measured against it frame by frame.
    first = np.arange(0, F, CHUNK)  # n chunks, the last maybe shorter
    box_lo, box_hi = np.minimum.reduceat(xz, first, axis=0), np.maximum.reduceat(xz, first, axis=0)  # (n, B, 2)
    # A body down on every frame of a chunk is never upright there.
    down_all = np.logical_and.reduceat(down, first, axis=0)
    margin = float(radii.max()) + safety_distance
    perf_down = np.asarray(motion.perf_down, bool)
    # Every footprint's box (grown by the margin) at once, then the candidate chunks of all
    # lying bodies in one test: the finale's 103 fallen cost 4 array passes, not 103 x 25.
    p_of = np.array([p for p, _, _ in lying_bodies])
    f0_of = np.array([f0 for _, f0, _ in lying_bodies])
    feet = np.array([fp.feet for _, _, fp in lying_bodies])
    head = np.array([fp.head for _, _, fp in lying_bodies])
    direction = np.array([fp.direction for _, _, fp in lying_bodies])
    length = np.array([fp.length for _, _, fp in lying_bodies])
    half = np.array([fp.half_width for _, _, fp in lying_bodies])
    lo = np.minimum(feet, head) - half[:, None] - margin
    hi = np.maximum(feet, head) + half[:, None] + margin
    # Only the (chunk, body) boxes of bodies upright somewhere in the chunk are tested, one
    # array per side: on the finale, where the fallen lie in heaps, that drops 96 % of the
    # candidate frames (1.4 M -> 54 k) before any is looked at.
    up_c, up_b = np.nonzero(~down_all)
    bx = [a[up_c, up_b, k] for a in (box_lo, box_hi) for k in (0, 1)]  # lo x, lo z, hi x, hi z
    fs, keys, gaps = [], [], []
    group = max(1, 2_000_000 // max(1, up_c.size))  # lying bodies per test: (group, pairs) at most ~2 M cells
    for g in range(0, len(lying_bodies), group):
        sl = slice(g, g + group)
        cand = ((bx[2] >= lo[sl, 0, None]) & (bx[3] >= lo[sl, 1, None]) & (bx[0] <= hi[sl, 0, None])
                & (bx[1] <= hi[sl, 1, None]) & (up_c >= (f0_of[sl] // CHUNK)[:, None]))
        li, pair = np.nonzero(cand)
        cc, bb = up_c[pair], up_b[pair]
        li = np.repeat(li + g, CHUNK)
        ff = (cc[:, None] * CHUNK + np.arange(CHUNK)).ravel()
        bb = np.repeat(bb, CHUNK)
        keep = (ff >= f0_of[li]) & (ff < F)
        li, ff, bb = li[keep], ff[keep], bb[keep]
        lying = p_of[li] + 1
        keep = ~down[ff, bb] & perf_down[ff, p_of[li]] & (bb != lying)
        li, ff, bb, lying = li[keep], ff[keep], bb[keep], lying[keep]
        gap = rectangle_distance(xz[ff, bb], feet[li], direction[li], length[li], half[li]) - radii[bb]
        hit = gap < safety_distance
        # A contact beat with the lying body: they may touch during its window. The
        # candidates come grouped by lying body (nonzero's order), so each one's windows
        # test its own slice.
        bounds = np.searchsorted(li, np.arange(g, min(g + group, len(lying_bodies)) + 1))
        for k in range(g, min(g + group, len(lying_bodies))):
            a, b = bounds[k - g], bounds[k - g + 1]
            for other, w0, w1 in windows_of.get(int(p_of[k]) + 1, ()):
                hit[a:b] &= ~((bb[a:b] == other) & (ff[a:b] >= w0) & (ff[a:b] <= w1))
        fs.append(ff[hit])
        keys.append(bb[hit] * B + lying[hit])
        gaps.append(gap[hit])
    if not fs or not sum(k.size for k in fs):
        return []
    f, key, gap = np.concatenate(fs), np.concatenate(keys), np.concatenate(gaps)
    names = body_names(level)
    out = []
    for k in encounter_minima(f, key, gap).tolist():
        b, lying = divmod(int(key[k]), B)
        fr = int(f[k])
        out.append(LyingBodyFinding(who=(names[b], names[lying]), frame=fr, time=_r(tb.time_of(fr), 3),
                                    timecode=tb.timecode(fr), distance=_r(gap[k], 2),
                                    x=_r(xz[fr, b, 0], 3), z=_r(xz[fr, b, 1], 3)))
    out.sort(key=lambda c: (c.frame, c.who))
    return out


def _mat_distances(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Metres from each of ``pts`` (N, 2) to polygon ``poly`` (0 inside it)."""
    a, b = poly, np.roll(poly, -1, axis=0)
    ab = b - a
    rel = pts[:, None, :] - a  # (N, edges, 2)
    s = np.clip((rel * ab).sum(axis=2) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0.0, 1.0)
    off = a + s[..., None] * ab - pts[:, None, :]
    return np.where(points_in_polygon(pts, poly), 0.0, np.hypot(off[..., 0], off[..., 1]).min(axis=1))


def landing_findings(level, motion, time_base=None) -> list[LandingFinding]:
    """One :class:`LandingFinding` per fall or throw not all on crash mats, by frame."""
    tb = time_base or motion.track.time_base  # the plan's: its start_tc makes the timecodes
    F = len(motion.henry_xz)
    names = body_names(level)
    body_of = body_index(level)
    lying = {p + 1: (f0, fp) for p, f0, fp in lying_footprints(level, motion)}
    mats = [(z.name or f"crash mat {z.id}", np.asarray(z.polygon, float)) for z in level.zones
            if z.kind == CRASH_MAT and len(z.polygon) >= 3]
    def lander(b):
        who = b.spec.lands
        return body_of.get(b.actor if who == "actor" else b.target) if who else None

    def thrown_into_fall(b, body) -> bool:
        fallen = lying.get(body)
        w = tb.frames_within(b.t, b.end)
        return fallen is not None and w.start <= fallen[0] < max(w.stop, w.start + 1)

    # A throw followed by its target's fall inside the throw is one landing: the throw's.
    claimed = {(body, lying[body][0]) for b in level.beats if b.spec.lands == "target"
               and (body := lander(b)) is not None and thrown_into_fall(b, body)}
    landings = []  # (beat, body, landing frame, footprint)
    for b in level.beats:
        body = lander(b)
        if body is None:
            continue
        end = tb.frame_at(b.end)
        fallen = lying.get(body)
        if b.spec.lands == "actor":
            if fallen is None or fallen[0] != end or (body, end) in claimed:
                continue  # not this beat that downs it (already down, or after the replay)
            landings.append((b, body, end, fallen[1]))
        elif thrown_into_fall(b, body):
            landings.append((b, body, fallen[0], fallen[1]))
        elif end < F and body_of.get(b.actor) is not None:
            xz = positions_block(motion, end, end + 1)[0]  # the landing frame's bodies
            d = xz[body] - xz[body_of[b.actor]]
            n = float(np.hypot(*d))
            if n < 1e-9:
                continue  # thrower and target on one spot: no direction to land in
            target = level.actor(b.target)
            landings.append((b, body, end, Footprint(xz[body].copy(), d / n, float(target.height),
                                                     float(target.radius))))
    if not landings:
        return []
    # Every landing's sample points tested at once, mat by mat (103 falls on the finale).
    pts = [fp.samples() for _, _, _, fp in landings]
    sizes = np.array([len(p) for p in pts])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(pts)
    on = np.zeros(len(flat), bool)
    for _, poly in mats:
        on |= points_in_polygon(flat, poly)
    on_count = np.add.reduceat(on.astype(np.int64), starts)
    off = np.flatnonzero(on_count < sizes)
    centres = np.array([landings[k][3].feet + 0.5 * landings[k][3].length * landings[k][3].direction for k in off])
    dist = [_mat_distances(poly, centres).tolist() for _, poly in mats] if off.size else []
    out = []
    for m, k in enumerate(off.tolist()):
        b, body, fr, fp = landings[k]
        near = min(((dist[i][m], name) for i, (name, _) in enumerate(mats)), default=None)
        head = fp.head
        out.append(LandingFinding(
            who=(names[body],), action=b.action, beat=int(b.id), start=tb.frame_at(b.t), frame=int(fr),
            time=_r(tb.time_of(fr), 3), timecode=tb.timecode(fr), x=_r(fp.feet[0], 3), z=_r(fp.feet[1], 3),
            head_x=_r(head[0], 3), head_z=_r(head[1], 3), on_mat=_r(on_count[k] / sizes[k], 2),
            mat=None if near is None else near[1], mat_distance=None if near is None else _r(near[0], 2)))
    out.sort(key=lambda c: (c.frame, c.who, c.beat))
    return out


def reach_findings(level, motion, time_base=None) -> list[ReachFinding]:
    """One :class:`ReachFinding` per contact beat out of reach on every frame of its
    window (frames inside the replay only), by frame."""
    tb = time_base or motion.track.time_base  # the plan's: its start_tc makes the timecodes
    F = len(motion.henry_xz)
    names = body_names(level)
    out = []
    for b, i, j in contact_beats(level):
        w = tb.frames_within(b.t, b.end)
        lo, hi = w.start, min(w.stop, F)
        if lo >= hi:
            continue
        xz = positions_block(motion, lo, hi)  # the beat's frames only
        d = np.hypot(*(xz[:, i] - xz[:, j]).T)
        k = int(np.argmin(d))
        a, t = level.actor(b.actor), level.actor(b.target)
        beyond = b.spec.beyond_reach(float(d[k]), a.radius, t.radius)
        if beyond <= 0:
            continue
        fr = lo + k
        out.append(ReachFinding(
            who=(names[i], names[j]), action=b.action, beat=int(b.id), start=tb.frame_at(b.t),
            duration=float(b.duration), frame=fr, time=_r(tb.time_of(fr), 3), timecode=tb.timecode(fr),
            distance=_r(d[k], 2), beyond=_r(beyond, 2), x=_r(xz[k, i, 0], 3), z=_r(xz[k, i, 1], 3)))
    out.sort(key=lambda c: (c.frame, c.who, c.beat))
    return out
