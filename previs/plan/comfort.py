"""Viewer comfort: how fast and how long the POV camera's head turns.

Fast whips hide cuts, but a long spell of fast turning is hard to watch (and to wear on a
helmet rig). The plan reports the **peak yaw speed** (deg/s, the largest absolute central-
difference speed of the unwrapped yaw, as :mod:`previs.plan.cuts` measures it), the
**seconds over comfort** (frames whose absolute speed is above ``comfort_speed``, default
60 deg/s, divided by fps) and the **shots** (1-based indices) holding any such frame. The
threshold itself is written with the plan's settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..timebase import TimeBase
from .rounding import rounded

DEFAULT_COMFORT_SPEED = 60.0


@dataclass(frozen=True)
class Comfort:
    comfort_speed: float
    peak_yaw_speed: float
    seconds_over_comfort: float
    shots: tuple[int, ...]

    def to_dict(self) -> dict:
        return {
            "peak_yaw_speed": self.peak_yaw_speed,
            "seconds_over_comfort": self.seconds_over_comfort,
            "shots": list(self.shots),
        }


def comfort(speed: np.ndarray, fps, bounds, comfort_speed: float = DEFAULT_COMFORT_SPEED) -> Comfort:
    """Comfort figures of a yaw-speed curve split into shots ``[(start, end), ...]``
    (frames, end exclusive) at ``fps`` (anything :class:`~previs.timebase.TimeBase` takes)."""
    absv = np.abs(np.asarray(speed, dtype=np.float64))
    over = absv > comfort_speed
    csum = np.concatenate(([0], np.cumsum(over)))
    shots = tuple(i + 1 for i, (s, e) in enumerate(bounds) if csum[e] - csum[s] > 0)
    peak = float(absv.max()) if absv.size else 0.0
    return Comfort(
        comfort_speed=rounded(comfort_speed, 1),
        peak_yaw_speed=rounded(peak, 1),
        seconds_over_comfort=rounded(TimeBase(fps).time_of(int(over.sum())), 3),
        shots=shots,
    )
