"""Viewer comfort: how fast the POV camera's head turns, and how fast that moves the picture
across the eye of someone watching it on a given screen.

**Head speed** (as the rig turns). The plan reports the **peak yaw speed** (deg/s, the
largest absolute central-difference speed of the unwrapped yaw, as :mod:`previs.plan.cuts`
measures it) and the **seconds over comfort** (frames whose absolute speed is above
``comfort_speed``, default 60 deg/s, divided by fps), over every frame.

**Whips hidden by cuts.** A swing that carries a turn cut (the planner's own swings and cuts,
:func:`previs.plan.cuts.turn_cuts`; never re-derived here) is cut in the middle: the
audience sees a cut, not the turn. Its frames ``[first, last]`` (inclusive) are *hidden*;
every other frame is *seen*. Frames over ``comfort_speed`` inside hidden swings are counted
apart (``seconds_hidden_by_cuts``, ``whips_hidden_by_cuts``) and count against no shot:
``shots`` (1-based) are the shots holding a *seen* frame over ``comfort_speed``.

**On screen.** A lens of horizontal field ``hfov`` (the track's, per frame) puts that much of
the world across the picture's width, and the screen's width fills ``screen_fov`` of the
viewer's view (the angle the screen subtends at the seat). A yaw speed ``v`` therefore moves
the picture across the viewer's eye at ``v * screen_fov / hfov`` degrees of visual angle per
second: the average over the frame's width (a point crossing the whole picture sweeps
``hfov`` of the world and ``screen_fov`` of the view; at the very centre of a rectilinear
picture the gain is ``tan(screen_fov / 2) / tan(hfov / 2)``, 0.36 instead of 0.44 for 40 on
90). Defaults: ``screen_fov`` 40 degrees, a cinema's middle seat (THX places the back row at
36 degrees, its minimum; SMPTE EG-18 asks at least 30), and ``screen_comfort_speed`` 30
deg/s, the speed up to which the eye follows a moving picture smoothly (above about 30 deg/s
smooth pursuit needs catch-up saccades and the picture smears; sources in docs/exports.md).
The on-screen figures are over *seen* frames only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..timebase import TimeBase
from .rounding import rounded

DEFAULT_COMFORT_SPEED = 60.0
"""deg/s of head yaw above which turning counts against comfort."""

DEFAULT_SCREEN_FOV = 40.0
"""degrees: the angle the screen fills for the seat the comfort figures are for (a cinema's
middle seat; THX's minimum is 36 at the back row)."""

DEFAULT_SCREEN_COMFORT_SPEED = 30.0
"""deg/s of visual angle: the picture's speed across the eye above which smooth pursuit
fails (catch-up saccades), so fast movement on screen smears and tires."""

SCREEN_FOV_RANGE = (1.0, 180.0)
"""degrees, inclusive: a phone across a room to a dome that fills half the sky."""

SCREEN_FOV_EXAMPLES = ("the angle the screen fills for a seat: 30 a TV at home, 40 a cinema's middle seat, "
                       "90 the front rows of a giant screen")
"""What ``screen_fov`` means, with examples, for messages and help (docs/exports.md has the table)."""


@dataclass(frozen=True)
class ShotComfort:
    """One shot's seen comfort figures: ``index`` (1-based); seconds of seen frames over
    ``comfort_speed`` and their peak yaw speed (deg/s); seconds over
    ``screen_comfort_speed`` on screen and the peak on-screen speed (deg/s of view)."""

    index: int
    seconds_over: float
    peak_yaw_speed: float
    seconds_over_screen: float
    peak_screen_speed: float


@dataclass(frozen=True)
class Comfort:
    """The comfort figures of a plan (module doc). ``per_shot`` lists the shots with any
    seen frame over either threshold, in shot order; ``screen_speed`` (deg/s of view, per
    frame) and ``hidden`` (frame inside a cut-carrying whip) are kept for plots, not JSON."""

    comfort_speed: float
    peak_yaw_speed: float
    seconds_over_comfort: float
    shots: tuple[int, ...]
    seconds_hidden_by_cuts: float = 0.0
    whips_hidden_by_cuts: int = 0
    seen_peak_yaw_speed: float = 0.0
    seconds_seen_over_comfort: float = 0.0
    screen_fov: float = DEFAULT_SCREEN_FOV
    screen_comfort_speed: float = DEFAULT_SCREEN_COMFORT_SPEED
    peak_screen_speed: float = 0.0
    seconds_over_screen_comfort: float = 0.0
    screen_shots: tuple[int, ...] = ()
    per_shot: tuple[ShotComfort, ...] = ()
    screen_speed: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)
    hidden: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False, compare=False)

    def to_dict(self) -> dict:
        """The ``comfort`` object of ``shotplan.json`` (docs/exports.md), in its key order."""
        return {
            "peak_yaw_speed": self.peak_yaw_speed,
            "seconds_over_comfort": self.seconds_over_comfort,
            "shots": list(self.shots),
            "seconds_hidden_by_cuts": self.seconds_hidden_by_cuts,
            "whips_hidden_by_cuts": self.whips_hidden_by_cuts,
            "seen_peak_yaw_speed": self.seen_peak_yaw_speed,
            "seconds_seen_over_comfort": self.seconds_seen_over_comfort,
            "peak_screen_speed": self.peak_screen_speed,
            "seconds_over_screen_comfort": self.seconds_over_screen_comfort,
            "screen_shots": list(self.screen_shots),
        }


def screen_speed(speed: np.ndarray, hfov: np.ndarray, screen_fov: float) -> np.ndarray:
    """Absolute on-screen angular speed per frame, deg/s of the viewer's view:
    ``|speed| * screen_fov / hfov`` (``speed`` deg/s of yaw, ``hfov`` the lens's degrees).
    A frame whose ``hfov`` is not a lens (not finite and positive: a track built in code, past
    the track reader's checks, which the camera writers refuse by name) counts 0."""
    v = np.abs(np.asarray(speed, np.float64)) * float(screen_fov)
    h = np.broadcast_to(np.asarray(hfov, np.float64), v.shape)
    lens = np.isfinite(h) & (h > 0)
    return np.divide(v, h, out=np.zeros_like(v), where=lens)


def hidden_frames(n: int, cut_swings) -> np.ndarray:
    """``(n,)`` bool: frames inside a swing that carries a cut (``first..last`` inclusive)."""
    delta = np.zeros(n + 1, np.int64)
    np.add.at(delta, [s.first for s in cut_swings], 1)
    np.add.at(delta, [s.last + 1 for s in cut_swings], -1)
    return np.cumsum(delta[:n]) > 0


def comfort(speed: np.ndarray, hfov: np.ndarray, fps, bounds, cut_swings=(), *,
            comfort_speed: float = DEFAULT_COMFORT_SPEED, screen_fov: float = DEFAULT_SCREEN_FOV,
            screen_comfort_speed: float = DEFAULT_SCREEN_COMFORT_SPEED) -> Comfort:
    """Comfort figures of a yaw-speed curve (deg/s per frame) with the lens's ``hfov``
    (degrees per frame), split into shots ``[(start, end), ...]`` (frames, end exclusive,
    covering the track) at ``fps`` (anything :class:`~previs.timebase.TimeBase` takes);
    ``cut_swings`` are the plan's swings that carry a turn cut."""
    absv = np.abs(np.asarray(speed, dtype=np.float64))
    n = len(absv)
    tb = TimeBase(fps)
    hidden = hidden_frames(n, cut_swings)
    seen = ~hidden
    over = absv > comfort_speed
    on_screen = screen_speed(absv, hfov, screen_fov)
    seen_v = np.where(seen, absv, 0.0)
    seen_s = np.where(seen, on_screen, 0.0)
    over_seen = over & seen
    over_screen = seen_s > screen_comfort_speed

    # Per shot, vectorised over shots: the bounds cover [0, n) in order, none empty.
    starts = np.array([s for s, _ in bounds], np.int64) if n else np.zeros(0, np.int64)
    if len(starts):
        n_over = np.add.reduceat(over_seen.astype(np.int64), starts)
        n_screen = np.add.reduceat(over_screen.astype(np.int64), starts)
        pk_v, pk_s = np.maximum.reduceat(seen_v, starts), np.maximum.reduceat(seen_s, starts)
    else:
        n_over = n_screen = np.zeros(0, np.int64)
        pk_v = pk_s = np.zeros(0)
    rows = tuple(
        ShotComfort(int(i + 1), rounded(tb.time_of(int(n_over[i])), 3), rounded(float(pk_v[i]), 1),
                    rounded(tb.time_of(int(n_screen[i])), 3), rounded(float(pk_s[i]), 1))
        for i in np.flatnonzero((n_over > 0) | (n_screen > 0)))
    whips = sum(1 for s in cut_swings if over[s.first:s.last + 1].any())
    screen_ro = on_screen.copy()
    screen_ro.flags.writeable = False
    hidden.flags.writeable = False
    return Comfort(
        comfort_speed=rounded(comfort_speed, 1),
        peak_yaw_speed=rounded(float(absv.max()) if n else 0.0, 1),
        seconds_over_comfort=rounded(tb.time_of(int(over.sum())), 3),
        shots=tuple(int(i + 1) for i in np.flatnonzero(n_over > 0)),
        seconds_hidden_by_cuts=rounded(tb.time_of(int((over & hidden).sum())), 3),
        whips_hidden_by_cuts=whips,
        seen_peak_yaw_speed=rounded(float(seen_v.max()) if n else 0.0, 1),
        seconds_seen_over_comfort=rounded(tb.time_of(int(over_seen.sum())), 3),
        screen_fov=float(screen_fov),
        screen_comfort_speed=float(screen_comfort_speed),
        peak_screen_speed=rounded(float(seen_s.max()) if n else 0.0, 1),
        seconds_over_screen_comfort=rounded(tb.time_of(int(over_screen.sum())), 3),
        screen_shots=tuple(int(i + 1) for i in np.flatnonzero(n_screen > 0)),
        per_shot=rows,
        screen_speed=screen_ro,
        hidden=hidden,
    )
