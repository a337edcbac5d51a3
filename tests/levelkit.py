"""Build small levels in code for tests, straight from the model (no Tiled file needed).

Coordinates are metres, ``(x, z)``; yaw 0 looks north (-Z), +90 west.
"""

from __future__ import annotations

import numpy as np

from previs.level.actions import default_duration
from previs.level.model import Actor, Beat, Level, Path, Settings, Walls, Zone


def walls(rows: int = 20, cols: int = 20, solid_cells=(), height: float = 3.0, cell: float = 1.0) -> Walls:
    """An open ``rows x cols`` floor with wall blocks at ``solid_cells`` ((row, col) pairs)."""
    solid = np.zeros((rows, cols), bool)
    for r, c in solid_cells:
        solid[r, c] = True
    h = np.where(solid, height, 0.0)
    color = np.zeros((rows, cols, 3), np.uint8)
    color[solid] = (128, 128, 128)
    for a in (solid, h, color):
        a.flags.writeable = False
    return Walls(solid=solid, height=h, color=color, cell=cell)


def path(pid: int, *points, closed: bool = False, holds=()) -> Path:
    return Path(id=pid, name=f"path {pid}", points=tuple((float(x), float(z)) for x, z in points),
                closed=closed, holds=tuple(holds))


def henry(position=(10.0, 10.0), path=None, speed=1.4, start=0.0, heading=0.0, hid: int = 1) -> Actor:
    return Actor(id=hid, name="Henry", kind="henry", position=position, path=path, speed=speed,
                 start=start, heading=heading)


def performer(pid: int, name: str, position, path=None, speed=1.4, start=0.0, color=(220, 30, 30),
              height=1.8, radius=0.3) -> Actor:
    return Actor(id=pid, name=name, kind="performer", position=position, path=path, speed=speed,
                 start=start, color=color, height=height, radius=radius)


def beat(bid: int, t: float, actor: int, action: str, target: int | None = None,
         duration: float | None = None) -> Beat:
    if duration is None:
        duration = default_duration(action)
    return Beat(id=bid, t=t, actor=actor, action=action, target=target, duration=duration)


def level(henry_actor: Actor, performers=(), beats=(), zones=(), walls_=None, fps: int = 24,
          duration: float = 10.0, **settings) -> Level:
    w = walls_ if walls_ is not None else walls()
    st = Settings(title="test", fps=fps, duration=duration, **settings)
    return Level(source="test.tmx", content_hash="0" * 64, settings=st, walls=w, henry=henry_actor,
                 performers=tuple(performers), beats=tuple(sorted(beats, key=lambda b: (b.t, b.id))),
                 zones=tuple(zones), width=w.cols * w.cell, depth=w.rows * w.cell)
