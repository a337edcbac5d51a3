"""Floors with height: landings, stairs, ramps, a raised stage, a pit (issue 14).

A floor tile is any tile on a tile layer that is not a walls layer whose tile carries
``elevation`` (float, metres: the floor's height at the cell's low edge) or ``rise``
(float, metres: how much higher the floor is at the cell's far edge, toward ``rise_to``,
one of :data:`DIRECTIONS`). Inside the cell the floor goes linearly from ``elevation``
to ``elevation + rise`` across the cell along ``rise_to`` (a ramp; a negative ``rise``
falls). ``steps`` (int, 0 = a smooth ramp) is how many steps a stair tile draws: feet
and cameras walk the ramp through them, the steps are visual. Where tile layers overlap
the upper-most floor tile counts; cells without one are at 0.

Grid convention as :class:`previs.level.model.Walls`: cell ``(row, col)`` covers
``x in [col*cell, (col+1)*cell)`` and ``z in [row*cell, (row+1)*cell)`` metres; north
is -z, east +x. Heights are y metres, up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

DIRECTIONS = ("north", "east", "south", "west")
"""Every allowed ``rise_to``; the index is :attr:`Floors.rise_to`'s code."""
MAX_ELEVATION = 100.0
"""Metres: the most a floor may sit above or below 0 (a ten-storey stairwell is 30 m)."""
MAX_STEPS = 64
"""The most steps one stair tile draws."""


@dataclass(frozen=True, eq=False)
class Floors:
    """Floor heights per cell. ``elevation`` and ``rise`` are float64 ``(rows, cols)``
    metres; ``rise_to`` is int8 ``(rows, cols)``, an index into :data:`DIRECTIONS`;
    ``steps`` int16 ``(rows, cols)`` (drawing only); ``cell`` metres per cell edge."""

    elevation: np.ndarray
    rise: np.ndarray
    rise_to: np.ndarray
    steps: np.ndarray
    cell: float

    def __post_init__(self):
        for a in (self.elevation, self.rise, self.rise_to, self.steps):
            a.flags.writeable = False

    @cached_property
    def low(self) -> np.ndarray:
        """(rows, cols) m: the lowest floor point of each cell (a ramp's low edge): the
        base a wall block stands on and the top the floor blocks sight at."""
        return np.minimum(self.elevation, self.elevation + self.rise)

    @cached_property
    def high(self) -> np.ndarray:
        """(rows, cols) m: the highest floor point of each cell."""
        return np.maximum(self.elevation, self.elevation + self.rise)

    def cells(self, x, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(row, col, inside)`` int64/int64/bool arrays of the cells holding points
        ``(x, z)`` (any equal shapes); ``row``/``col`` are clipped into the grid."""
        rows, cols = self.elevation.shape
        c = np.floor(np.asarray(x, np.float64) / self.cell)
        r = np.floor(np.asarray(z, np.float64) / self.cell)
        inside = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
        return (np.clip(r, 0, rows - 1).astype(np.int64), np.clip(c, 0, cols - 1).astype(np.int64), inside)

    def height_at(self, x, z) -> np.ndarray:
        """The floor's height (m) under ground points ``(x, z)`` m, any (equal) shapes:
        the cell's ``elevation`` plus its ``rise`` times how far across the cell the point
        is toward ``rise_to`` (0 at the near edge, 1 at the far one); 0 off the grid. One
        cell lookup and one lerp per point."""
        x = np.asarray(x, np.float64)
        z = np.asarray(z, np.float64)
        r, c, inside = self.cells(x, z)
        fu = np.clip(x / self.cell - c, 0.0, 1.0)  # 0 at the cell's west edge, 1 at its east
        fv = np.clip(z / self.cell - r, 0.0, 1.0)  # 0 at its north edge, 1 at its south
        along = np.choose(self.rise_to[r, c], (1.0 - fv, fu, fv, 1.0 - fu))
        return np.where(inside, self.elevation[r, c] + self.rise[r, c] * along, 0.0)


def floor_tile(p) -> tuple[float, float, int, int] | None:
    """``(elevation, rise, rise_to code, steps)`` of a tile's checked properties ``p``
    (a :class:`~previs.level.props.Props`), or None when the tile has neither
    ``elevation`` nor ``rise`` (it is no floor tile). A value with a problem counts as 0."""
    if not (p.has("elevation") or p.has("rise")):
        return None
    e = p.number("elevation", 0.0, "m", lo=-MAX_ELEVATION, hi=MAX_ELEVATION)
    rise = p.number("rise", 0.0, "m", lo=-MAX_ELEVATION, hi=MAX_ELEVATION)
    to = p.string("rise_to", "north").lower()
    if to not in DIRECTIONS:
        p.error(f"rise_to = {to!r} is not a direction", f"use one of {', '.join(DIRECTIONS)}")
        to = "north"
    steps = p.number("steps", 0.0, lo=0.0, hi=float(MAX_STEPS), integer=True)
    return (e or 0.0, rise or 0.0, DIRECTIONS.index(to), int(steps or 0))


class FloorGrid:
    """Collects floor tiles layer by layer (upper-most wins) into a :class:`Floors`."""

    def __init__(self, rows: int, cols: int, cell: float):
        self.e = np.zeros((rows, cols), np.float64)
        self.rise = np.zeros((rows, cols), np.float64)
        self.to = np.zeros((rows, cols), np.int8)
        self.steps = np.zeros((rows, cols), np.int16)
        self.cell = cell
        self.any = False

    def paint(self, k: np.ndarray, table: dict[int, tuple[float, float, int, int]], slots: int) -> None:
        """Cells whose known-tile index ``k`` (-1: none) is a key of ``table`` (index ->
        :func:`floor_tile`) take that tile's floor; ``slots`` is the number of known tiles."""
        if not table:
            return
        has = np.zeros(slots + 1, bool)
        vals = np.zeros((slots + 1, 4), np.float64)
        for i, v in table.items():
            has[i], vals[i] = True, v
        on = has[k]
        if not on.any():
            return
        v = vals[k]
        self.e = np.where(on, v[..., 0], self.e)
        self.rise = np.where(on, v[..., 1], self.rise)
        self.to = np.where(on, v[..., 2], self.to).astype(np.int8)
        self.steps = np.where(on, v[..., 3], self.steps).astype(np.int16)
        self.any = True

    def floors(self) -> Floors | None:
        """The :class:`Floors`, or None when no cell has a floor tile (a flat level)."""
        if not self.any:
            return None
        return Floors(elevation=self.e, rise=self.rise, rise_to=self.to, steps=self.steps, cell=self.cell)
