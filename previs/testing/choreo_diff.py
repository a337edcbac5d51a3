"""``previs diff OLD NEW``: a semantic diff of two versions of a fight, for review.

Two parts, both plain text lines:

1. **What changed in the level** (:func:`level_changes`): settings (``start_tc``, fps,
   thresholds ...), wall cells added or removed (with the area they cover), objects
   (Henry, performers, marks, zones, paths; matched by object id, which Tiled keeps) added,
   removed, moved (how far), renamed or otherwise changed, and beats (by id) added, removed,
   retimed (by how much) or given another action, actor, target or duration.
2. **What that does to the fight** (:func:`consequences`): both versions are replayed and
   their shot plans compared exactly as the shot-plan golden compares them
   (:func:`previs.testing.plan_golden.compare`): cuts added, removed or moved (by how
   much), shots changed, performers newly in or out of frame, safety findings new or gone,
   comfort figures.

Pure (no clock, no drawing): the CLI (``previs/cli/cmd_diff.py``) loads the two levels
(from files, or one from a git revision) and prints the lines.
"""

from __future__ import annotations

import math

import numpy as np

MOVE_EPS = 0.005
"""Metres an object must move to be reported as moved (positions are read from Tiled
pixels; a re-save does not move anything)."""
TIME_EPS = 1e-6


def _name_of(level, oid) -> str:
    if oid is None:
        return "-"
    m = level.mark(oid) if hasattr(level, "mark") else None
    if m is not None:
        return m.name
    try:
        a = level.actor(oid)
    except KeyError:
        return f"object {oid}"
    return a.name or ("Henry" if a.kind == "henry" else f"performer {a.id}")


def _beat_words(level, b) -> str:
    tgt = f" {_name_of(level, b.target)}" if b.target is not None else ""
    return f"{_name_of(level, b.actor)} {b.action}{tgt}"


def _xz(p) -> str:
    return f"x {p[0]:.2f}, z {p[1]:.2f}"


def _wall_changes(old, new) -> list[str]:
    a, b = old.walls.solid, new.walls.solid
    if a.shape != b.shape:
        return [f"walls: the map is now {b.shape[1]} x {b.shape[0]} cells, was {a.shape[1]} x {a.shape[0]}"]
    out = []
    cell = new.walls.cell
    for mask, word in ((b & ~a, "added"), (a & ~b, "removed")):
        rc = np.argwhere(mask)
        if rc.size:
            (r0, c0), (r1, c1) = rc.min(axis=0), rc.max(axis=0)
            out.append(f"walls: {len(rc)} cell{'s' * (len(rc) != 1)} {word} in x {c0 * cell:g}-{(c1 + 1) * cell:g} m, "
                       f"z {r0 * cell:g}-{(r1 + 1) * cell:g} m")
    if not np.array_equal(old.walls.height, new.walls.height) and not out:
        out.append("walls: heights changed")
    return out


_ACTOR_FIELDS = ("speed", "start", "radius", "height", "heading", "role", "prop", "mocap_start")


def _actor_changes(old, new) -> list[str]:
    out = []
    a = {x.id: x for x in (old.henry, *old.performers)}
    b = {x.id: x for x in (new.henry, *new.performers)}
    for i in sorted(set(a) | set(b)):
        p, q = a.get(i), b.get(i)
        if p is None:
            out.append(f"{q.kind} {q.name!r} (id {i}) added at {_xz(q.position)}")
            continue
        if q is None:
            out.append(f"{p.kind} {p.name!r} (id {i}) removed (was at {_xz(p.position)})")
            continue
        who = q.name or f"id {i}"
        if p.name != q.name:
            out.append(f"{p.name!r} (id {i}) renamed {q.name!r}")
        d = math.dist(p.position, q.position)
        if d > MOVE_EPS:
            out.append(f"{who} moved {d:.2f} m: from {_xz(p.position)} to {_xz(q.position)}")
        for f in _ACTOR_FIELDS:
            u, v = getattr(p, f), getattr(q, f)
            if u != v:
                out.append(f"{who}: {f} {v!r}, was {u!r}" if isinstance(v, str) else f"{who}: {f} {v}, was {u}")
        pp = p.path.points if p.path is not None else ()
        qp = q.path.points if q.path is not None else ()
        if len(pp) != len(qp):
            out.append(f"{who}: path now has {len(qp)} points, had {len(pp)}")
        elif pp:
            moved = [(k, math.dist(u, v)) for k, (u, v) in enumerate(zip(pp, qp)) if math.dist(u, v) > MOVE_EPS]
            if moved:
                k, dist = max(moved, key=lambda m: m[1])
                out.append(f"{who}: path changed at {len(moved)} point{'s' * (len(moved) != 1)} "
                           f"(most: point {k + 1} moved {dist:.2f} m)")
    return out


def _named_changes(kind, olds, news, where) -> list[str]:
    out = []
    a = {x.id: x for x in olds}
    b = {x.id: x for x in news}
    for i in sorted(set(a) | set(b)):
        p, q = a.get(i), b.get(i)
        if p is None:
            out.append(f"{kind} {q.name!r} (id {i}) added")
        elif q is None:
            out.append(f"{kind} {p.name!r} (id {i}) removed")
        elif where(p) != where(q) or p.name != q.name:
            out.append(f"{kind} {q.name!r} (id {i}) changed" + (f" (was {p.name!r})" if p.name != q.name else ""))
    return out


def _beat_changes(old, new) -> list[str]:
    out = []
    a = {b.id: b for b in old.beats}
    b = {x.id: x for x in new.beats}
    for i in sorted(set(a) | set(b), key=lambda i: (b.get(i) or a.get(i)).t):
        p, q = a.get(i), b.get(i)
        if p is None:
            out.append(f"beat {i} added: {q.t:g} s {_beat_words(new, q)}")
            continue
        if q is None:
            out.append(f"beat {i} removed: {p.t:g} s {_beat_words(old, p)}")
            continue
        words = _beat_words(new, q)
        if abs(q.t - p.t) > TIME_EPS:
            out.append(f"beat {i} ({words}) retimed {q.t - p.t:+.3f} s: {p.t:g} s -> {q.t:g} s")
        if (p.action, _name_of(old, p.actor), _name_of(old, p.target)) != (q.action, _name_of(new, q.actor),
                                                                          _name_of(new, q.target)):
            out.append(f"beat {i} at {q.t:g} s: now {words}, was {_beat_words(old, p)}")
        if abs(q.duration - p.duration) > TIME_EPS:
            out.append(f"beat {i} ({words}): lasts {q.duration:g} s, was {p.duration:g} s")
    return out


def level_changes(old, new) -> list[str]:
    """What differs between two loaded levels, as review lines (empty: the same fight)."""
    out = []
    so, sn = old.settings, new.settings
    for f in type(so).__dataclass_fields__:
        u, v = getattr(so, f), getattr(sn, f)
        if f != "title" and u != v:
            out.append(f"settings: {f} {v}, was {u}")
    out += _wall_changes(old, new)
    out += _actor_changes(old, new)
    out += _named_changes("zone", old.zones, new.zones, lambda z: (z.kind, z.polygon))
    out += _named_changes("mark", old.marks, new.marks, lambda m: (m.position, m.height))
    out += _beat_changes(old, new)
    return out


def consequences(old_replay, new_replay, tolerance: float = 0.0) -> list[str]:
    """How the fight changed: the shot-plan comparison of the two replays."""
    from .plan_golden import compare, summarise

    return compare(summarise(old_replay), summarise(new_replay), tolerance)
