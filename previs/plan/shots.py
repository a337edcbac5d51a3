"""Shots between turn cuts, and where to add a cut to a take that runs too long.

Cuts split the track into shots: the first starts at frame 0, each cut frame starts a new
shot, the last ends at the final frame (``end`` is exclusive, so it is ``len(track)``).

A shot longer than ``max_take`` seconds (strictly) is **over max take**. Its
``suggested_cut`` is the strongest swing inside it that fell short of a turn cut: among
the swings whose peak lies strictly inside the shot and that sweep at least
:data:`SUGGEST_MIN_ANGLE` (15 degrees, a head turn you can see, well above walking bob),
the one closest to qualifying, scored ``min(peak_speed / turn_cut_speed, angle /
turn_cut_angle)`` (ties: faster peak, then earlier). Speeding that turn up (or widening
it) turns it into a hidden cut. If there is none the suggestion is a :class:`NoTurn`
note: the choreography needs a look added. A shot within max take has no suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cuts import Swing

SUGGEST_MIN_ANGLE = 15.0
SWING_KEYS = ("frame", "time", "timecode", "direction", "angle", "peak_speed")
"""A turn's fields in shotplan.json, in the contract's order (shared by cuts and suggestions)."""
NO_TURN_NOTE = "no head turn inside this take to hide a cut: add a look (a fast head turn) to split it"


@dataclass(frozen=True)
class SuggestedCut:
    """Where to add a cut: the swing's peak frame, with its speed and angle."""

    frame: int
    time: float
    timecode: str
    direction: str
    angle: float
    peak_speed: float

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in SWING_KEYS}


@dataclass(frozen=True)
class NoTurn:
    """An over-long take with no head turn at all to build a cut on."""

    note: str = NO_TURN_NOTE

    def to_dict(self) -> dict:
        return {"note": self.note}


def shot_bounds(cut_frames, frames: int) -> list[tuple[int, int]]:
    """``[(start, end), ...]`` (end exclusive) covering ``[0, frames)`` split at the cuts."""
    inner = sorted({int(f) for f in cut_frames if 0 < int(f) < frames})
    edges = [0] + inner + [int(frames)]
    return list(zip(edges[:-1], edges[1:]))


def best_swing(swings: list[Swing], start: int, end: int, turn_cut_speed: float, turn_cut_angle: float) -> Swing | None:
    """The strongest swing that is not a cut, peaking strictly inside ``(start, end)``."""
    best, best_key = None, None
    for s in swings:
        if not (start < s.peak_frame < end) or s.angle < SUGGEST_MIN_ANGLE:
            continue
        if s.is_cut(turn_cut_speed, turn_cut_angle):
            continue
        key = (min(s.peak_speed / turn_cut_speed, s.angle / turn_cut_angle), s.peak_speed, -s.peak_frame)
        if best_key is None or key > best_key:
            best, best_key = s, key
    return best
