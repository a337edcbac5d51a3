"""Safety findings: bodies too close outside contact beats, and bodies in hazard zones.

**Clearance.** Every body is a circle on the floor: Henry (``henry.radius``) and each
performer (``radius``). Their *clearance* is the surface gap, centre distance minus both
radii, so ``safety_distance`` means the same air between two bodies whatever their size.
Two bodies whose gap is under ``safety_distance`` on a frame are too close, unless

- a contact beat (an action whose row in :mod:`previs.level.actions` says ``contact``:
  ``punch``, ``kick``...) names the pair as actor and target, in either order, and the
  frame's time lies in its closed window ``[t, t + duration]``; or
- either of them is down on that frame (a performer that fell no longer counts).

One finding is reported per **encounter**, a run of consecutive too-close frames of the
same pair, at its closest moment: ``who`` (both names, sorted), ``time`` (s) and
``distance`` (the gap in metres, rounded to 0.01; negative when the circles overlap). A
contact window in the middle of an approach splits it into two encounters, as the
contract says: only inside the window may they touch.

**Hazard zones.** A body whose centre lies inside a ``no-go`` or ``pyro`` zone polygon
(even-odd rule) is reported once per entry: ``kind`` (the zone's kind), ``who``,
``zone`` (name) and ``zone_id``, ``time`` of entry, ``exit`` (time of the first frame
outside again, or the end of the replay if it never leaves) and the position ``x``, ``z``
at entry. Down performers count here: a body lying in a pyro zone is in danger.

All of it is vectorised over frames. Close pairs are found per frame on a grid of cells as
wide as a close pair can be apart (see :func:`_sweep`), so the work follows how crowded
each body's neighbourhood is instead of the 101 x 100 / 2 pairs per frame of a brute
force; inside a crowd (:mod:`previs.plan.crowd`) performers are not paired at all.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..errors import PrevisError
from ..level.limits import MAX_CLEARANCE_FINDINGS
from .rounding import rounded as _r


@dataclass(frozen=True, slots=True)
class ClearanceFinding:
    """Two bodies closer than ``safety_distance`` outside contact beats (closest moment).
    (Slots: a melee of 1000 has a million of them, 100 bytes less each.)"""

    who: tuple[str, str]
    frame: int
    time: float
    distance: float
    kind: str = "clearance"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "who": list(self.who), "time": self.time, "distance": self.distance}


@dataclass(frozen=True)
class ZoneFinding:
    """A body entering a ``no-go`` or ``pyro`` zone (or, as a plan's ``zone_entries``, a
    ``rig`` or ``set`` zone)."""

    kind: str
    who: tuple[str, ...]
    zone: str
    zone_id: int
    frame: int
    time: float
    exit: float
    x: float
    z: float

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "who": list(self.who),
            "zone": self.zone,
            "zone_id": self.zone_id,
            "time": self.time,
            "exit": self.exit,
            "x": self.x,
            "z": self.z,
        }


def body_names(level) -> list[str]:
    """Names of the bodies in body order: Henry first, then the performers."""
    return [level.henry.name or "Henry"] + [p.name for p in level.performers]


_POSITIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def body_positions(motion) -> np.ndarray:
    """``(F, B, 2)`` ground positions, Henry first (read-only). Made once per motion and
    kept while it lives: the zone and lying-body rules read it whole (the others a block
    at a time, :func:`positions_block`), and a 30-minute fight's is 70 MB, whose every
    fresh copy costs page faults (~70 ms of system time)."""
    try:
        xz = _POSITIONS.get(motion)
        keep = True
    except TypeError:  # a motion-like value that cannot be a weak key (frame_truth's one frame): small
        xz, keep = None, False
    if xz is None:
        xz = np.concatenate([np.asarray(motion.henry_xz, float)[:, None, :], np.asarray(motion.perf_xz, float)],
                            axis=1)
        xz.flags.writeable = False
        if keep:
            _POSITIONS[motion] = xz
    return xz


def positions_block(motion, a: int, b: int) -> np.ndarray:
    """:func:`body_positions` of frames ``[a, b)`` only: a slice of it when it is made, else
    the block alone (the clearance and crowd rules walk the fight a block at a time, and a
    battle of 1000 performers needs the whole 69 MB array for no other rule)."""
    try:
        xz = _POSITIONS.get(motion)
    except TypeError:
        xz = None
    if xz is not None:
        return xz[a:b]
    return np.concatenate([np.asarray(motion.henry_xz[a:b], float)[:, None, :],
                           np.asarray(motion.perf_xz[a:b], float)], axis=1)


CHUNK_SLOTS = 100_000
"""(frame, body) slots swept at once (0.8 MB per working array). Whole rows of a
30-minute fight are 35 MB each: freshly mapped and page-faulted on every sweep step, they
cost ~1 s of system time (400 000 page faults); chunks this size the allocator reuses
(5 000 faults; at 250 000 slots still 90 000)."""


def _close_pairs(xz: np.ndarray, radii: np.ndarray, down: np.ndarray, safety: float):
    """Every (frame, a, b, gap) with a < b, neither down, and gap < safety: the frames
    swept a chunk at a time (:data:`CHUNK_SLOTS`; each frame is swept on its own, so the
    pairs are the same), in chunk order."""
    F, B, _ = xz.shape
    step = max(1, CHUNK_SLOTS // (B + 1))
    parts = [_sweep(xz[a:a + step], radii, down[a:a + step], safety) for a in range(0, F, step)]
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, np.zeros(0)
    return (np.concatenate([f + a for f, a in zip((p[0] for p in parts), range(0, F, step))]),
            *(np.concatenate([p[k] for p in parts]) for k in (1, 2, 3)))


GRID_CELLS = 4_000_000
"""Cells of a block's own grid (32 MB of int64 counts): a block whose bodies' bounding box
over its frames needs more (a sparse crowd over a big map) finds each cell's bodies by
binary search instead."""


def _sweep(xz: np.ndarray, radii: np.ndarray, down: np.ndarray, safety: float):
    """:func:`_close_pairs` of frames ``xz`` (F, B, 2), frames counted from 0.

    A grid per frame: the floor is cut into square cells as wide as the farthest two bodies
    can be and still be too close (``safety + 2 * max radius``), so a body's close bodies
    are in its cell or the eight around it. The block's bodies that are not ``down`` are
    sorted by (frame, cell row, cell column); each is compared with the rest of its own
    cell and the cell east of it (one run of the sorted order) and the three cells of the
    row south of it (another run), which meets every pair once. The work follows how
    many bodies share a neighbourhood, not how many stand along one axis: 1000 performers
    at one a square metre meet ~5 candidates each, where a sweep along x met ~80.

    A pair's ``gap`` is ``hypot(dx, dz) - r[a] - r[b]`` with ``a < b`` (the rule's own
    order, whatever order the pair was met in)."""
    e = np.zeros(0, dtype=np.int64)
    F, B, _ = xz.shape
    fi, bi = np.nonzero(~down)
    if B < 2 or fi.size < 2:
        return e, e, e, np.zeros(0)
    cell = safety + 2.0 * float(radii.max())
    x = xz[fi, bi, 0]
    z = xz[fi, bi, 1]
    # Column 0 and the last column are empty margins: a cell's west and east neighbours
    # never wrap into the row before or after.
    cx = np.floor((x - x.min()) / cell).astype(np.int64) + 1
    cz = np.floor((z - z.min()) / cell).astype(np.int64)
    nx, nz = int(cx.max()) + 2, int(cz.max()) + 2
    key = (fi * nz + cz) * nx + cx
    o = np.argsort(key)
    ks, xs, zs, bs, fs = key[o], x[o], z[o], bi[o], fi[o]
    rs = radii[bs]
    n = ks.size
    cells = F * nz * nx
    if cells <= GRID_CELLS:  # each cell's first and last + 1 position in the sorted order
        first = np.zeros(cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(ks, minlength=cells), out=first[1:])
        own_end = first[ks + 2]  # the end of the east cell (the rest of its own cell before it)
        south, south_end = first[np.minimum(ks + nx - 1, cells)], first[np.minimum(ks + nx + 2, cells)]
    else:
        own_end = np.searchsorted(ks, ks + 1, side="right")
        south = np.searchsorted(ks, ks + nx - 1, side="left")
        south_end = np.searchsorted(ks, ks + nx + 1, side="right")
    fs_, as_, bs_, gs = [], [], [], []
    for start, end in ((np.arange(1, n + 1), own_end), (south, south_end)):
        idx = np.flatnonzero(start < end)
        j = start[idx]
        while idx.size:  # the k-th body of every run at once, k = 0, 1, ...
            dx = xs[j] - xs[idx]
            dz = zs[j] - zs[idx]
            lim = safety + rs[j] + rs[idx]
            hit = dx * dx + dz * dz < lim * lim
            if hit.any():
                h_i, h_j = idx[hit], j[hit]
                p, q = bs[h_i], bs[h_j]
                lo, hi = np.minimum(p, q), np.maximum(p, q)
                fs_.append(fs[h_i])
                as_.append(lo)
                bs_.append(hi)
                gs.append(np.hypot(dx[hit], dz[hit]) - radii[lo] - radii[hi])
            j = j + 1
            go = j < end[idx]
            idx, j = idx[go], j[go]
    if not fs_:
        return e, e, e, np.zeros(0)
    return np.concatenate(fs_), np.concatenate(as_), np.concatenate(bs_), np.concatenate(gs)


def body_index(level) -> dict[int, int]:
    """Object id -> body index in :func:`body_names` order (Henry 0, performers 1..)."""
    out = {level.henry.id: 0}
    out.update({p.id: i + 1 for i, p in enumerate(level.performers)})
    return out


def contact_beats(level):
    """``(beat, i, j)`` per contact beat whose actor ``i`` and target ``j`` (body indices)
    are two different bodies, in beat order."""
    body_of = body_index(level)
    for beat in level.beats:
        if not beat.is_contact or beat.target is None:
            continue
        i, j = body_of.get(beat.actor), body_of.get(beat.target)
        if i is not None and j is not None and i != j:
            yield beat, i, j


def contact_windows(level, tb) -> list[tuple[int, int, int, int]]:
    """``(i, j, first, last)`` per contact beat naming two different bodies (indices in
    :func:`body_names` order): they may touch on frames ``first..last`` (both included),
    the frames sampled inside the closed window ``[t, t + duration]``."""
    out = []
    for beat, i, j in contact_beats(level):
        w = tb.frames_within(beat.t, beat.t + beat.duration)
        out.append((i, j, w.start, w.stop - 1))
    return out


def _sorted_runs(f: np.ndarray, key: np.ndarray, gap: np.ndarray):
    """Runs of consecutive frames ``f`` of one pair ``key`` (a pair at most once a frame):
    ``(o, starts, lasts, firsts)``: ``o`` orders the pairs by (key, frame); ``starts`` and
    ``lasts`` are each run's first and last position in that order, ``firsts`` the position
    of its smallest ``gap`` (the earliest frame on a tie). ``f`` is not empty.

    With no ties, one sort of ``key * span + frame`` orders them; each run's smallest gap is
    a ``minimum.reduceat`` and its earliest frame the first in the run to reach it (3x
    faster than two lexsorts on 170 000 pairs)."""
    f0 = int(f.min())
    o = np.argsort(key * (int(f.max()) - f0 + 1) + (f - f0))
    fo, ko, go = f[o], key[o], gap[o]
    new = np.ones(f.size, dtype=bool)
    new[1:] = (ko[1:] != ko[:-1]) | (fo[1:] != fo[:-1] + 1)
    starts = np.flatnonzero(new)
    lasts = np.append(starts[1:], f.size) - 1
    run = np.cumsum(new) - 1
    at = np.flatnonzero(go == np.minimum.reduceat(go, starts)[run])  # run order, frames ascending
    return o, starts, lasts, at[np.flatnonzero(np.diff(run[at], prepend=-1))]


def encounter_minima(f: np.ndarray, key: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Indices of the closest moment of each encounter: a run of consecutive frames ``f``
    with the same pair ``key``; the smallest ``gap``, the earliest frame on a tie."""
    if f.size == 0:
        return np.zeros(0, dtype=np.int64)
    o, _, _, firsts = _sorted_runs(f, key, gap)
    return o[firsts]


def _runs(f: np.ndarray, key: np.ndarray, gap: np.ndarray):
    """The encounters in one block of close pairs: per run of consecutive frames ``f`` of
    one pair ``key``, ``(key, first frame, last frame, frame of the smallest gap, that gap)``
    (the earliest frame on a tie), each an array, in (key, first frame) order."""
    if f.size == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, e, np.zeros(0)
    o, starts, lasts, firsts = _sorted_runs(f, key, gap)
    fo, ko, go = f[o], key[o], gap[o]
    return ko[starts], fo[starts], fo[lasts], fo[firsts], go[firsts]


def clearance_findings(level, motion, safety_distance: float) -> list[ClearanceFinding]:
    """One :class:`ClearanceFinding` per encounter, sorted by time then names.

    Streamed in blocks of frames (:data:`CHUNK_SLOTS` (frame, body) slots each): a block's
    close pairs are found (:func:`_sweep`), those inside a contact beat's window dropped,
    and the block's encounters (:func:`_runs`) joined to the ones still open at the end of
    the block before. Memory is bounded by one block's close pairs plus the encounters
    (nothing is kept per pair x frame), so a 3-minute melee of 1000 bodies that all
    overlap is as long as its encounters, not as its 30 million close pair-frames."""
    from .crowd import crowd_mask  # (crowd.py builds on this module)

    tb = motion.track.time_base
    F, B = len(motion.henry_xz), 1 + len(level.performers)
    radii = np.array([level.henry.radius] + [p.radius for p in level.performers], dtype=np.float64)
    perf_down = np.asarray(motion.perf_down, bool)
    crowd = crowd_mask(motion)
    safety = float(safety_distance)
    windows = [(min(i, j) * B + max(i, j), f0, f1) for i, j, f0, f1 in contact_windows(level, tb)]
    window_keys = np.array(sorted({w[0] for w in windows}), dtype=np.int64)
    step = max(1, CHUNK_SLOTS // (B + 1))
    e = np.zeros(0, dtype=np.int64)
    open_key, open_f, open_gap = e, e, np.zeros(0)  # encounters running on the block's last frame
    done_f, done_key, done_gap = [], [], []
    done = 0  # encounters closed so far (the MAX_CLEARANCE_FINDINGS budget)
    for a in range(0, F, step):
        n = min(step, F - a)
        down = np.concatenate([np.zeros((n, 1), dtype=bool), perf_down[a:a + n]], axis=1)
        crowded = crowd[a:a + n]
        xb = positions_block(motion, a, a + n)
        f, i, j, gap = _sweep(xb, radii, down | crowded, safety)
        if crowded.any():  # Henry against the performers in a crowd: always pair by pair
            # (whole rows, then the crowded close ones: no gather of the 4 million crowded slots)
            d = xb - xb[:, :1]
            hg = np.hypot(d[..., 0], d[..., 1]) - radii[0] - radii[None, :]
            cf, cb = np.nonzero(crowded & (hg < safety))
            f = np.concatenate([f, cf])
            i = np.concatenate([i, np.zeros(cf.size, dtype=np.int64)])
            j = np.concatenate([j, cb])
            gap = np.concatenate([gap, hg[cf, cb]])
        f = f + a
        key = i * B + j
        if windows and f.size:
            sub = np.flatnonzero(np.isin(key, window_keys))
            if sub.size:
                ok = np.zeros(f.size, dtype=bool)
                for pair, f0, f1 in windows:
                    if f1 < a or f0 >= a + n:
                        continue
                    m = (key[sub] == pair) & (f[sub] >= f0) & (f[sub] <= f1)
                    ok[sub[m]] = True
                keep = ~ok
                f, key, gap = f[keep], key[keep], gap[keep]
        rk, rfirst, rlast, rbf, rbg = _runs(f, key, gap)
        # join the open encounters of the block before to runs starting on this block's first frame
        cont = np.zeros(open_key.size, dtype=bool)
        if open_key.size and rk.size:
            starting = np.flatnonzero(rfirst == a)
            pos = np.searchsorted(rk[starting], open_key)  # rk[starting] is sorted by key
            pos = np.minimum(pos, max(starting.size - 1, 0))
            hit = starting.size > 0
            if hit:
                match = rk[starting][pos] == open_key
                cont = match
                r = starting[pos[match]]
                older = open_gap[match] <= rbg[r]  # a tie keeps the earlier frame: the open one
                rbf[r] = np.where(older, open_f[match], rbf[r])
                rbg[r] = np.where(older, open_gap[match], rbg[r])
        ended = ~cont
        done_key.append(open_key[ended])
        done_f.append(open_f[ended])
        done_gap.append(open_gap[ended])
        running = rlast == a + n - 1
        done_key.append(rk[~running])
        done_f.append(rbf[~running])
        done_gap.append(rbg[~running])
        done += done_key[-2].size + done_key[-1].size  # the two appended this block
        open_key, open_f, open_gap = rk[running], rbf[running], rbg[running]
        if done + open_key.size > MAX_CLEARANCE_FINDINGS:
            raise PrevisError(
                f"{level.source}: the clearance check found more than {MAX_CLEARANCE_FINDINGS} encounters of two "
                f"bodies closer than {safety:g} m by {tb.time_of(a + n - 1):.1f} s (frame {a + n - 1}), more than a "
                f"shot plan may list: the performers overlap everywhere; spread them out (each body is about "
                f"{2 * float(radii.mean()):.1f} m across), use fewer, or shorten the fight.")
    done_key.append(open_key)
    done_f.append(open_f)
    done_gap.append(open_gap)
    key, f, gap = np.concatenate(done_key), np.concatenate(done_f), np.concatenate(done_gap)
    if f.size == 0:
        return []
    a_, b_ = key // B, key % B
    names = body_names(level)
    # Sorted by frame then names, as (frame, who) tuples compare: ranks of the names in
    # string order stand for the names (a lexsort of ints, not of 100 000 tuples).
    rank = np.empty(B, dtype=np.int64)
    rank[sorted(range(B), key=names.__getitem__)] = np.arange(B)
    lo = np.where(rank[a_] <= rank[b_], a_, b_)
    hi = np.where(rank[a_] <= rank[b_], b_, a_)
    o = np.lexsort((rank[hi], rank[lo], f))
    lo, hi, f, gap = lo[o], hi[o], f[o], gap[o]
    times = tb.seconds(f).tolist()
    return [
        ClearanceFinding(who=(names[na], names[nb]), frame=fk, time=round(tk, 3) + 0.0, distance=round(gk, 2) + 0.0)
        for na, nb, fk, tk, gk in zip(lo.tolist(), hi.tolist(), f.tolist(), times, gap.tolist())
    ]


def points_in_polygon(pts: np.ndarray, poly) -> np.ndarray:
    """Even-odd test of points ``(..., 2)`` against polygon ``[(x, z), ...]``."""
    x = pts[..., 0]
    z = pts[..., 1]
    inside = np.zeros(x.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x1, z1 = poly[i]
        x2, z2 = poly[(i + 1) % n]
        if z1 == z2:
            continue
        crosses = (z1 > z) != (z2 > z)
        xc = x1 + (z - z1) * (x2 - x1) / (z2 - z1)
        inside ^= crosses & (x < xc)
    return inside


ENTERED_ZONE_KINDS = ("no-go", "pyro", "rig", "set")
"""The zone kinds a shot list reports entries into (every kind but ``crash-mat``, whose
rule is the landing finding): the hazards, the wire rig, the set pieces."""


def zone_findings(level, motion, kinds=None) -> list[ZoneFinding]:
    """One :class:`ZoneFinding` per entry of a body into a ``no-go``/``pyro`` zone (the
    safety findings), or into a zone of any of ``kinds`` (the plan's ``zone_entries``: the
    same rule, a body's centre inside the zone, asked of ``rig`` and ``set`` zones)."""
    tb = motion.track.time_base
    zones = [zone for zone in level.zones if (zone.hazardous if kinds is None else zone.kind in kinds)
             and len(zone.polygon) >= 3]
    if not zones:
        return []
    xz = body_positions(motion)
    F, B, _ = xz.shape
    names = body_names(level)
    xs = np.ascontiguousarray(xz[..., 0])
    zs = np.ascontiguousarray(xz[..., 1])
    out: list[ZoneFinding] = []
    for zone in zones:
        poly = np.asarray(zone.polygon, dtype=np.float64)
        (x0, z0), (x1, z1) = poly.min(axis=0), poly.max(axis=0)
        box = (xs >= x0) & (xs <= x1) & (zs >= z0) & (zs <= z1)
        if not box.any():
            continue
        inside = np.zeros((F, B), dtype=bool)  # only points in the zone's bounding box can be in it
        inside[box] = points_in_polygon(xz[box], zone.polygon)
        if not inside.any():
            continue
        # Runs of consecutive inside frames per body: entry = first frame, exit = last + 1.
        fi, bi = np.nonzero(inside)
        o = np.lexsort((fi, bi))
        fi, bi = fi[o], bi[o]
        new = np.ones(fi.size, dtype=bool)
        new[1:] = (bi[1:] != bi[:-1]) | (fi[1:] != fi[:-1] + 1)
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], fi.size) - 1
        for body, f_in, f_out in zip(bi[starts].tolist(), fi[starts].tolist(), (fi[ends] + 1).tolist()):
            out.append(
                ZoneFinding(
                    kind=zone.kind,
                    who=(names[body],),
                    zone=zone.name or f"{zone.kind} zone {zone.id}",
                    zone_id=int(zone.id),
                    frame=int(f_in),
                    time=_r(tb.time_of(f_in), 3),
                    exit=_r(tb.time_of(f_out), 3),
                    x=_r(xz[f_in, body, 0], 3),
                    z=_r(xz[f_in, body, 1], 3),
                )
            )
    out.sort(key=lambda z: (z.frame, z.who, z.zone_id))
    return out
