"""What every expectation check reads and returns: the :class:`Replay` under test, the
:class:`Failure` it reports (expected vs actual, and why), and the helpers that put frames,
beats, cuts and turns into words (seconds, frames and timecode).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .expect import _fmt

EPS = 1e-9


@dataclass(frozen=True)
class Failure:
    """One way an expectation failed: ``expected`` vs ``actual``, plus optional ``why``
    lines (diagnosis, hints)."""

    expected: str
    actual: str
    why: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        out = [f"expected: {self.expected}", f"actual:   {self.actual}"]
        out += [f"          {w}" for w in self.why]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Replay:
    """One replay under test. ``expect_path`` resolves relative paths in messages."""

    level: object
    motion: object
    plan: object
    expect_path: Path
    _cache: dict = field(default_factory=dict, repr=False)
    warnings: tuple[str, ...] = ()  # e.g. a take replayed on a changed level

    @property
    def fps(self) -> float:
        return float(self.motion.track.fps)

    @property
    def frames(self) -> int:
        return len(self.motion.track)

    def tc(self, frame: int) -> str:
        return self.plan.timecode(int(frame))

    def at(self, frame: int) -> str:
        """``"3.125 s (frame 75, 00:00:03:03)"``."""
        return f"{frame / self.fps:.3f} s (frame {frame}, {self.tc(frame)})"

    def frame_of(self, time: float) -> int:
        return int(round(time * self.fps))

    @property
    def scripted(self) -> bool:
        """True for the scripted replay (Henry's head follows the look beats), False for a
        take (a person walked and turned him)."""
        return getattr(self.motion, "source", "script") == "script"

    def henry_name(self) -> str:
        return self.level.henry.name or "Henry"


class _Bad(Exception):
    """Raised inside a check to fail at once with one Failure."""

    def __init__(self, failure: Failure):
        self.failure = failure


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _frame_in_range(r: Replay, time: float, what: str) -> int:
    f = r.frame_of(time)
    if f >= r.frames:
        raise _Bad(Failure(what, f"the replay ends at {r.frames / r.fps:.3f} s ({r.frames} frames); "
                                 f"{_fmt(time)} s is after its last frame"))
    return f


def _performer_index(r: Replay, name: str, what: str) -> int:
    names = [p.name for p in r.level.performers]
    if name in names:
        return names.index(name)
    low = [n.lower() for n in names]
    if name.lower() in low:
        return low.index(name.lower())
    m = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean '{m[0]}'? " if m else ""
    listed = ", ".join(names) if names else "none"
    raise _Bad(Failure(what, f"{r.level.source} has no performer named '{name}'",
                       (f"{hint}performers: {listed}",)))


def _is_henry(r: Replay, who: str) -> bool:
    return who.lower() in ("henry", r.henry_name().lower())


def _beat_text(r: Replay, b) -> str:
    def nm(i):
        if i is None:
            return None
        if (m := r.level.mark(i)) is not None:
            return m.name
        try:
            a = r.level.actor(i)
        except KeyError:
            return f"object {i}"
        return a.name or ("Henry" if a.kind == "henry" else f"performer {a.id}")

    parts = [nm(b.actor), b.action, nm(b.target)]
    return f"{b.t:g} s {' '.join(p for p in parts if p)} (beat {b.id})"


def _beat_at_or_before(r: Replay, time: float):
    best = None
    for b in r.level.beats:  # sorted by (t, id)
        if b.t <= time + EPS:
            best = b
    return best


def _look_at(r: Replay, time: float):
    """Henry's latest look beat at or before ``time`` (None before his first look)."""
    best = None
    for b in r.level.beats:
        if b.actor == r.level.henry.id and b.aims and b.target is not None and b.t <= time + EPS:
            best = b
    return best


def _swing_text(r: Replay, s) -> str:
    return (f"{s.direction_name} turn of {s.angle:.1f}° peaking at {abs(s.peak_speed):.1f} deg/s "
            f"at {r.at(s.peak_frame)}")


def _cut_text(r: Replay, c) -> str:
    return f"{r.at(c.frame)}, {c.direction}, {c.angle:.1f}° at {c.peak_speed:.1f} deg/s"


def _wrap180(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (first, last) indices."""
    m = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))
