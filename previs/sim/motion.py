"""Everything that moved in a replay, per frame: the camera track plus every actor.

A :class:`Motion` is the simulation's complete output for one replay (scripted or from a
take). It is immutable; :meth:`Motion.snapshot` hands the renderer a frozen
:class:`FrameState` for one frame (Quake's refdef: the renderer draws it, never moves it).

Arrays are per frame ``f`` in ``[0, frames)`` and per performer ``p`` in the order of
``level.performers``. Positions are ground-plane ``(x, z)`` metres; angles are degrees in
the contract's convention (yaw 0 = north = -Z, +90 = west).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..level.model import Level
from ..timebase import TimeBase, time_base_of
from .floor_follow import floor_under
from .track import CameraTrack, _ro


@dataclass(frozen=True, eq=False)
class Motion:
    """A whole replay.

    - ``track``: Henry's POV camera (lens position on his mouth mount, yaw/pitch/roll, hfov)
      per frame.
    - ``henry_xz`` (F, 2): Henry's feet on the floor.
    - ``perf_xz`` (F, P, 2): performers' positions.
    - ``perf_facing`` (F, P): performers' facing yaw (drawing only; wrapped to (-180, 180]).
    - ``perf_down`` (F, P) bool: the performer is down (lying; no longer counts for clearance).
    - ``source``: "script" or the take file's path.
    """

    level: Level
    track: CameraTrack
    henry_xz: np.ndarray
    perf_xz: np.ndarray
    perf_facing: np.ndarray
    perf_down: np.ndarray
    source: str = "script"

    def __post_init__(self):
        for name in ("henry_xz", "perf_xz", "perf_facing", "perf_down"):
            object.__setattr__(self, name, _ro(np.asarray(getattr(self, name))))

    @property
    def fps(self) -> float:
        """Frames per second as a float (the exact rate is :attr:`time_base`'s ``fps``)."""
        return float(self.level.settings.fps)

    @cached_property
    def time_base(self) -> TimeBase:
        """The level's :class:`~previs.timebase.TimeBase` (fps, ``start_tc``): frame <-> time
        <-> timecode for this replay."""
        return time_base_of(self.level.settings)

    @property
    def frames(self) -> int:
        return len(self.track)

    @cached_property
    def henry_floor(self) -> np.ndarray:
        """(F,) m: the floor height Henry's feet stand at (0 on a flat level; smoothed as
        :func:`~previs.sim.floor_follow.floor_under`, the height his camera rides)."""
        return _ro(floor_under(self.level.walls.floors, self.henry_xz, self.fps))

    @cached_property
    def perf_floor(self) -> np.ndarray:
        """(F, P) m: the floor height each performer's feet stand at (as :attr:`henry_floor`)."""
        return _ro(floor_under(self.level.walls.floors, self.perf_xz, self.fps))

    def snapshot(self, frame: int) -> "FrameState":
        """The frozen state of frame ``frame`` (clamped into ``[0, frames)``)."""
        f = min(max(int(frame), 0), self.frames - 1)
        tr = self.track
        return FrameState(
            frame=f,
            time=self.time_base.time_of(f),
            eye=(float(tr.pos[f, 0]), float(tr.pos[f, 1]), float(tr.pos[f, 2])),
            yaw=float(tr.yaw[f]),
            pitch=float(tr.pitch[f]),
            roll=float(tr.roll[f]),
            hfov=float(tr.hfov[f]),
            henry_xz=(float(self.henry_xz[f, 0]), float(self.henry_xz[f, 1])),
            perf_xz=self.perf_xz[f],
            perf_facing=self.perf_facing[f],
            perf_down=self.perf_down[f],
        )


@dataclass(frozen=True, eq=False)
class FrameState:
    """One frame, frozen, for the renderer and HUD.

    ``eye`` is the camera (lens) position (x, y, z) metres; ``yaw``/``pitch``/``roll``/``hfov`` in
    degrees. ``perf_xz`` (P, 2), ``perf_facing`` (P,) and ``perf_down`` (P,) are read-only
    views, in ``level.performers`` order.
    """

    frame: int
    time: float
    eye: tuple[float, float, float]
    yaw: float
    pitch: float
    roll: float
    hfov: float
    henry_xz: tuple[float, float]
    perf_xz: np.ndarray
    perf_facing: np.ndarray
    perf_down: np.ndarray
