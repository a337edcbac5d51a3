"""Continuity cards: where everyone is on a cut's frame, for matching the pieces on set.

Positions are world metres on the floor (``x`` east, ``z`` south) rounded to 0.001 m; yaw,
pitch and facing are degrees rounded to 0.1 (the shot plan's rounding, see
:mod:`previs.plan.shotplan`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rounding import rounded


@dataclass(frozen=True)
class HenryPose:
    x: float
    z: float
    yaw: float
    pitch: float

    def to_dict(self) -> dict:
        return {"x": self.x, "z": self.z, "yaw": self.yaw, "pitch": self.pitch}


@dataclass(frozen=True)
class PerformerPose:
    name: str
    x: float
    z: float
    facing: float
    state: str  # "standing" | "down"

    def to_dict(self) -> dict:
        return {"name": self.name, "x": self.x, "z": self.z, "facing": self.facing, "state": self.state}


@dataclass(frozen=True)
class Continuity:
    """Where everyone is on a cut's frame, for matching the pieces on set."""

    henry: HenryPose
    performers: tuple[PerformerPose, ...] = ()

    def to_dict(self) -> dict:
        return {"henry": self.henry.to_dict(), "performers": [p.to_dict() for p in self.performers]}



def continuity_at(track, motion, frame: int) -> Continuity:
    """Henry's pose on the track at ``frame`` and, with a ``motion``, every performer's
    position, facing and state (positions 0.001 m, angles 0.1 degree)."""
    henry = HenryPose(
        x=rounded(track.pos[frame, 0], 3),
        z=rounded(track.pos[frame, 2], 3),
        yaw=rounded(track.yaw[frame], 1),
        pitch=rounded(track.pitch[frame], 1),
    )
    if motion is None:
        return Continuity(henry)
    # Rounded as arrays (np.round; + 0.0 clears -0.0), then one Python object per performer.
    xz = (np.round(np.asarray(motion.perf_xz[frame], dtype=np.float64), 3) + 0.0).tolist()
    facing = (np.round(np.asarray(motion.perf_facing[frame], dtype=np.float64), 1) + 0.0).tolist()
    down = np.asarray(motion.perf_down[frame], dtype=bool).tolist()
    perf = tuple(
        PerformerPose(p.name, x, z, f, "down" if d else "standing")
        for p, (x, z), f, d in zip(motion.level.performers, xz, facing, down)
    )
    return Continuity(henry, perf)
