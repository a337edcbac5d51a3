"""Walking Henry by hand: one small command per tick, the only input the simulation takes.

DOOM's ticcmd design: the window turns keys and mouse into one :class:`TickCmd` per tick
(one tick = one frame at the level's fps); a take records exactly those commands, and
:func:`walk_track` folds them into the same camera track every time, bit for bit.

Command units (integers, so a take replays exactly):

- ``forward``/``strafe``: -127..127, a fraction of Henry's walking speed; +forward walks
  where he looks, +strafe steps to his right.
- ``turn``: yaw change this tick in centidegrees, + = left (contract yaw). 1 deg = 100.
- ``look``: pitch change this tick in centidegrees, + = up. Pitch is kept in [-89, 89].
- ``buttons``: bit flags, :data:`RUN` (x2.5 speed) so far; other bits are reserved.

Henry collides with wall cells as a circle of his ``radius``, sliding along walls (x then z
resolved separately, DOOM's slide in its simplest form), and stays on the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..level.model import Level, Walls

RUN = 1
RUN_FACTOR = 2.5  # 1.4 m/s walk -> 3.5 m/s jog, a fight's pace
PITCH_LIMIT = 89.0
CMD_LIMITS = {"forward": 127, "strafe": 127, "turn": 18000, "look": 18000, "buttons": 255}
"""Largest magnitude of each field; 18000 cdeg = 180 deg in one tick."""


@dataclass(frozen=True)
class TickCmd:
    """What the walker did in one tick (see module docstring for units)."""

    forward: int = 0
    strafe: int = 0
    turn: int = 0
    look: int = 0
    buttons: int = 0

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (self.forward, self.strafe, self.turn, self.look, self.buttons)


@dataclass(frozen=True)
class WalkState:
    """Henry walked by hand: feet ``(x, z)`` metres, ``yaw`` (unwrapped) and ``pitch`` deg."""

    x: float
    z: float
    yaw: float
    pitch: float = 0.0


def start_state(level: Level) -> WalkState:
    """Where a walked take begins: Henry's start position (path vertex 0) and ``heading``."""
    h = level.henry
    x, z = h.path.points[0] if h.path is not None else h.position
    return WalkState(float(x), float(z), float(h.heading), 0.0)


def _blocked(walls: Walls, x: float, z: float, r: float) -> bool:
    """True if a circle of radius ``r`` at (x, z) overlaps a wall cell."""
    c = walls.cell
    r0, r1 = int(math.floor((z - r) / c)), int(math.floor((z + r) / c))
    c0, c1 = int(math.floor((x - r) / c)), int(math.floor((x + r) / c))
    rows, cols = walls.solid.shape
    for row in range(max(r0, 0), min(r1, rows - 1) + 1):
        for col in range(max(c0, 0), min(c1, cols - 1) + 1):
            if walls.solid[row, col]:
                # Closest point of the cell's square to the circle centre.
                px = min(max(x, col * c), (col + 1) * c)
                pz = min(max(z, row * c), (row + 1) * c)
                if (px - x) ** 2 + (pz - z) ** 2 < r * r:
                    return True
    return False


def step(level: Level, s: WalkState, cmd: TickCmd) -> WalkState:
    """The walker's state one tick after ``s`` under ``cmd``. Pure and deterministic."""
    h = level.henry
    dt = 1.0 / level.settings.fps
    yaw = s.yaw + cmd.turn / 100.0
    pitch = min(max(s.pitch + cmd.look / 100.0, -PITCH_LIMIT), PITCH_LIMIT)
    f, r = cmd.forward / 127.0, cmd.strafe / 127.0
    mag = math.hypot(f, r)
    if mag > 1.0:  # diagonal is no faster than straight
        f, r = f / mag, r / mag
    speed = (h.speed if h.speed > 0 else 1.4) * (RUN_FACTOR if cmd.buttons & RUN else 1.0)
    a = math.radians(yaw)
    fx, fz = -math.sin(a), -math.cos(a)  # forward, yaw 0 = north (-Z)
    rx, rz = math.cos(a), -math.sin(a)  # right of forward
    dx = (f * fx + r * rx) * speed * dt
    dz = (f * fz + r * rz) * speed * dt
    x, z = s.x, s.z
    rad = h.radius
    w = level.walls
    xmax, zmax = w.cols * w.cell, w.rows * w.cell
    nx = min(max(x + dx, rad), max(xmax - rad, rad))
    if not _blocked(w, nx, z, rad):
        x = nx
    nz = min(max(z + dz, rad), max(zmax - rad, rad))
    if not _blocked(w, x, nz, rad):
        z = nz
    return WalkState(x, z, yaw, pitch)


def walk_states(level: Level, cmds: list[TickCmd], start: WalkState | None = None) -> np.ndarray:
    """Fold ``cmds`` from ``start``: (N, 4) array of x, z, yaw, pitch; row k is the state
    after command k (so frame k of a take shows the effect of its own tick's command)."""
    s = start if start is not None else start_state(level)
    out = np.empty((len(cmds), 4))
    for k, c in enumerate(cmds):  # inherently sequential: collisions depend on the last step
        s = step(level, s, c)
        out[k] = (s.x, s.z, s.yaw, s.pitch)
    return out

