"""The plain values a Tiled map is read into (:class:`RawMap`), before the level contract.

Everything here is still in Tiled **pixels** with Tiled's y down; :mod:`.build` turns it
into metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class RawTile:
    """One tile's class/type and custom properties (values typed as Tiled declared)."""

    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class RawTileset:
    firstgid: int
    label: str  # "tileset 'walls' (walls.tsx)" for messages
    tiles: dict[int, RawTile]  # local tile id -> tile


@dataclass(frozen=True)
class RawTileLayer:
    name: str
    properties: dict[str, Any]
    gids: np.ndarray  # uint32 (rows, cols), raw Tiled gids with flip bits
    offset: tuple[float, float]  # pixels, including enclosing groups


@dataclass(frozen=True)
class RawObject:
    """One map object in pixels. ``x, y`` is Tiled's origin plus layer offsets (top-left for
    rectangles/ellipses, bottom-left for tile objects); ``points`` are absolute (origin +
    Tiled's relative point + layer offsets) but not yet rotated; ``rotation`` is degrees
    clockwise on screen about the origin."""

    id: int
    name: str
    kind: str  # type/class as written (or the tile's), stripped
    shape: str  # point | ellipse | rectangle | polyline | polygon | tile | text
    x: float
    y: float
    width: float
    height: float
    rotation: float
    points: tuple[tuple[float, float], ...]
    properties: dict[str, Any]
    layer: str


@dataclass(frozen=True)
class RawMap:
    source: str
    path: Path
    project: Path
    content_hash: str
    width: int  # tiles
    height: int
    tilewidth: int  # pixels
    tileheight: int
    properties: dict[str, Any]
    background: str | None
    tile_layers: list[RawTileLayer]
    tilesets: list[RawTileset]
    objects: list[RawObject]
    notices: list[str] = field(default_factory=list)

