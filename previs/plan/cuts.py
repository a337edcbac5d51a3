"""Turn cuts: where Henry's head whips round fast enough to hide a cut.

The level contract: *a head-turn swing is a run of frames in which yaw keeps turning one
way fast. A swing whose peak yaw speed reaches ``turn_cut_speed`` and whose swept angle
reaches ``turn_cut_angle`` is a turn cut, placed on the frame of its peak speed.*

How a swing is found (all vectorised numpy, any :class:`~previs.sim.track.CameraTrack`):

1. **Yaw speed** per frame, degrees per second: central differences of the yaw
   (``np.gradient``, one-sided at the two ends) times fps. Yaw is unwrapped first
   (period 360), so a track written with wrapped yaw does not show a 360 degree jump as a
   whip; no real head turns more than 180 degrees in one frame.
2. **Moving frames**: a frame moves left (+1) if its speed is at least
   :data:`SWING_FLOOR` (20 deg/s) and right (-1) if at most -20 deg/s; otherwise it holds
   (0). 20 deg/s is under one degree per frame at 24 fps: below it the head is, to the eye,
   holding still. The floor does not need to reject walking bob (a +-3 degree bob at 2 Hz
   peaks at 3 * 2 * pi * 2 = 38 deg/s): bob makes swings, but swings of about 6 degrees at
   38 deg/s, far under both thresholds.
3. **Hesitations are bridged**: a run of holding frames no longer than
   :data:`MAX_GAP_SECONDS` (0.1 s: 2 frames at 24 fps, 3 at 30) between two runs that turn
   the *same* way is joined to them, so a hand-walked whip whose mouse stalls for a frame
   is still one swing (one cut), not two. A reversal above the floor always ends a swing.
   No other smoothing is applied, so the peak speed reported is the track's own.
4. A **swing** is each maximal run of same-direction frames. Its *peak* is the frame of
   largest absolute speed (the first, on a tie); its *swept angle* is the yaw change from
   the frame before the run to the frame after it, ``|yaw[last + 1] - yaw[first - 1]|``
   (clamped to the track), which is exactly the turn when the head holds before and after.
5. Its **settle frame** is the first frame after the run, ``last + 1``: the first frame
   after the peak whose yaw speed is back under :data:`SWING_FLOOR` (the head holds on
   what it turned to) or has reversed; the track's last frame when the swing runs to the
   end. A cut is placed on the peak (mid-whip, where it hides); its pictures show the
   settle frame, where the shot opens on its subject.

A whip turn is one swing, so it yields exactly one cut. A slow pan is a swing whose peak
stays under ``turn_cut_speed`` (90 degrees over 1.5 s with ease-in-out peaks near
94 deg/s): no cut. Direction: yaw increasing is a **left** turn (the contract's +yaw).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..level.model import Settings as _LevelDefaults
from ..timebase import TimeBase

SWING_FLOOR = 20.0
"""deg/s: frames slower than this are holding, not turning."""

MAX_GAP_SECONDS = 0.1
"""Longest hesitation (holding frames) bridged inside one same-direction swing."""


@dataclass(frozen=True)
class Swing:
    """One head-turn swing: frames ``first..last`` (inclusive) turning one way.

    ``direction`` is +1 (left, yaw increasing) or -1 (right). ``peak_speed`` (deg/s,
    positive) is reached at ``peak_frame``; ``angle`` (degrees, positive) is the yaw swept.
    ``settle_frame`` is the first frame after the swing (``last + 1``, at most the track's
    last frame): the head has stopped turning this way (see the module doc, step 5).
    """

    first: int
    last: int
    peak_frame: int
    direction: int
    peak_speed: float
    angle: float
    settle_frame: int

    @property
    def direction_name(self) -> str:
        return "left" if self.direction > 0 else "right"

    def is_cut(self, turn_cut_speed: float, turn_cut_angle: float) -> bool:
        """True if this swing hides a cut at these thresholds (both reached)."""
        return self.peak_speed >= turn_cut_speed and self.angle >= turn_cut_angle


def yaw_speed(yaw: np.ndarray, fps: float) -> np.ndarray:
    """Signed yaw speed per frame in deg/s (central differences x fps; + = turning left)."""
    y = np.asarray(yaw, dtype=np.float64)
    if len(y) < 2:
        return np.zeros(len(y))
    y = np.unwrap(y, period=360.0)
    return np.gradient(y) * float(fps)  # deg/frame x frames/s: a rate, not a frame number


def _runs(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run-length encoding: (starts, lengths, values)."""
    n = len(s)
    change = np.flatnonzero(s[1:] != s[:-1]) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [n])))
    return starts, lengths, s[starts]


def find_swings(
    yaw: np.ndarray,
    fps: float,
    *,
    floor: float = SWING_FLOOR,
    max_gap_seconds: float = MAX_GAP_SECONDS,
    speed: np.ndarray | None = None,
) -> list[Swing]:
    """Every swing of a yaw curve, in frame order (see the module doc for the rules).

    ``speed`` may pass a precomputed :func:`yaw_speed` to save recomputing it."""
    y = np.unwrap(np.asarray(yaw, dtype=np.float64), period=360.0)
    n = len(y)
    if n < 2:
        return []
    v = yaw_speed(y, fps) if speed is None else np.asarray(speed, dtype=np.float64)
    absv = np.abs(v)
    s = np.where(absv >= floor, np.sign(v), 0.0).astype(np.int8)

    # Bridge short holds between two runs turning the same way.
    max_gap = max(1, TimeBase(fps).frames_in(max_gap_seconds))
    starts, lengths, vals = _runs(s)
    if len(vals) >= 3:
        mid = np.arange(1, len(vals) - 1)
        bridge = (vals[mid] == 0) & (lengths[mid] <= max_gap) & (vals[mid - 1] == vals[mid + 1]) & (vals[mid - 1] != 0)
        if bridge.any():
            vals = vals.copy()
            vals[mid[bridge]] = vals[mid[bridge] - 1]
            s = np.repeat(vals, lengths)
            starts, lengths, vals = _runs(s)

    moving = vals != 0
    if not moving.any():
        return []
    # Peak of every run (first frame of the maximum), vectorised over runs.
    run_max = np.maximum.reduceat(absv, starts)
    seg = np.repeat(np.arange(len(starts)), lengths)
    is_peak = absv == run_max[seg]
    peak_seg, first_idx = np.unique(seg[is_peak], return_index=True)
    peak_frame = np.empty(len(starts), dtype=np.int64)
    peak_frame[peak_seg] = np.flatnonzero(is_peak)[first_idx]

    st = starts[moving]
    last = st + lengths[moving] - 1
    pf = peak_frame[moving]
    d = vals[moving].astype(np.int64)
    before = np.maximum(st - 1, 0)
    after = np.minimum(last + 1, n - 1)
    angle = np.maximum((y[after] - y[before]) * d, 0.0)
    pk = run_max[moving]
    return [
        Swing(int(a), int(b), int(p), int(dd), float(sp), float(an), int(af))
        for a, b, p, dd, sp, an, af in zip(st, last, pf, d, pk, angle, after)
    ]


def turn_cuts(swings: list[Swing], turn_cut_speed: float, turn_cut_angle: float) -> list[Swing]:
    """The swings that are turn cuts, in frame order; a cut on frame 0 is dropped (there
    is nothing before it to cut from)."""
    return [s for s in swings if s.is_cut(turn_cut_speed, turn_cut_angle) and s.peak_frame > 0]


def detect_cuts(track, *, turn_cut_speed: float = _LevelDefaults.turn_cut_speed,
                turn_cut_angle: float = _LevelDefaults.turn_cut_angle) -> list[Swing]:
    """Turn cuts of a :class:`~previs.sim.track.CameraTrack` (its yaw and fps); the
    thresholds default to the level contract's (:class:`~previs.level.model.Settings`)."""
    return turn_cuts(find_swings(track.yaw, track.fps), turn_cut_speed, turn_cut_angle)
