"""Wall blocks and floor tint from tile layers, and exact path-through-wall detection.

Grid convention (as :class:`previs.level.model.Walls`): cell ``(row, col)`` covers
``x in [col*cell, (col+1)*cell)`` and ``z in [row*cell, (row+1)*cell)`` metres; Tiled calls
``col`` the tile x and ``row`` the tile y.
"""

from __future__ import annotations

import math

import numpy as np

from .diagnostics import Problems
from .model import Walls
from .props import Props, parse_color
from .tiledata import GID_FLAGS
from .tmx import RawMap, RawTileLayer, RawTileset

DEFAULT_WALL_HEIGHT = 3.0  # metres, the contract's default
DEFAULT_WALL_COLOR = (150, 150, 158)  # a neutral concrete grey
DEFAULT_FLOOR_COLOR = (96, 96, 100)  # floor cells no art tile tints


def is_walls_layer(layer: RawTileLayer, problems: Problems) -> bool:
    """A tile layer named ``walls`` (any case) or with layer property ``walls = true``."""
    if layer.name.strip().lower() == "walls":
        return True
    return Props(problems, f"tile layer '{layer.name}'", layer.properties).flag("walls", False)


def _owner(tilesets: list[RawTileset], gid: int) -> RawTileset | None:
    """The tileset a gid belongs to: the one with the largest firstgid <= gid (Tiled's rule)."""
    best = None
    for ts in tilesets:
        if ts.firstgid <= gid and (best is None or ts.firstgid > best.firstgid):
            best = ts
    return best


def _tile_props(raw: RawMap, gid: int, problems: Problems, layer: str, cell: tuple[int, int]):
    ts = _owner(raw.tilesets, gid)
    if ts is None:
        problems.error(
            f"tile layer '{layer}'",
            f"cell column {cell[1]}, row {cell[0]} uses tile gid {gid}, which no tileset of the map holds",
            "the file is damaged or a tileset was removed: re-add the tileset or erase those cells",
        )
        return None
    tid = gid - ts.firstgid
    return ts, ts.tiles.get(tid), tid


def build_walls(raw: RawMap, cell: float, problems: Problems) -> tuple[Walls, np.ndarray | None, list[str]]:
    """The :class:`Walls` grid, the optional floor tint ``(rows, cols, 3)`` uint8 and the
    names of the walls layers. Multiple walls layers merge: a cell is solid if any is, its
    height is the highest and its colour the upper-most layer's."""
    rows, cols = raw.height, raw.width
    solid = np.zeros((rows, cols), bool)
    height = np.zeros((rows, cols), np.float64)
    color = np.zeros((rows, cols, 3), np.uint8)
    floor = np.zeros((rows, cols, 3), np.uint8)
    floor[:] = parse_color(raw.background or "") or DEFAULT_FLOOR_COLOR
    tinted = False
    names: list[str] = []
    checked: dict[int, tuple] = {}  # gid -> (height, colour) for walls, once per tile

    for layer in raw.tile_layers:
        gids = (layer.gids & np.uint32(~GID_FLAGS & 0xFFFFFFFF)).astype(np.int64)
        walls = is_walls_layer(layer, problems)
        if walls:
            names.append(layer.name)
            if layer.offset != (0.0, 0.0):
                problems.error(
                    f"tile layer '{layer.name}'",
                    f"is offset by {layer.offset[0]:g}, {layer.offset[1]:g} px, but wall blocks sit on the map grid",
                    "in the Layers panel set its Offset (and its groups') to 0, 0",
                )
        for gid in np.unique(gids):
            gid = int(gid)
            if gid == 0:
                continue
            where = np.argwhere(gids == gid)
            first = (int(where[0][0]), int(where[0][1]))
            found = _tile_props(raw, gid, problems, layer.name, first)
            if found is None:
                continue
            ts, tile, tid = found
            mask = gids == gid
            if walls:
                if gid not in checked:
                    p = Props(problems, f"{ts.label} tile {tid}", tile.properties if tile else {})
                    h = p.number("height", DEFAULT_WALL_HEIGHT, "m", lo=0.0, lo_open=True, hi=1000.0)
                    c = p.color("color", DEFAULT_WALL_COLOR)
                    checked[gid] = (DEFAULT_WALL_HEIGHT if h is None else h, c)
                h, c = checked[gid]
                solid |= mask
                height[mask] = np.maximum(height[mask], h)
                color[mask] = c
            elif tile is not None and "color" in tile.properties:
                rgb = parse_color(tile.properties["color"])
                if rgb is None:
                    problems.notice(
                        f"{ts.label} tile {tid}",
                        f"color = {tile.properties['color']!r} is not a colour, so it does not tint the floor",
                        "pick one with Tiled's colour picker",
                    )
                    continue
                floor[mask] = rgb
                tinted = True

    for a in (solid, height, color, floor):
        a.flags.writeable = False
    return Walls(solid=solid, height=height, color=color, cell=cell), (floor if tinted else None), names


def cells_crossed(p0: tuple[float, float], p1: tuple[float, float], cell: float, rows: int, cols: int) -> list[tuple[int, int]]:
    """``(row, col)`` of every grid cell whose *interior* segment ``p0 -> p1`` (metres)
    passes through, in order along the segment.

    Exact grid traversal in closed form (Amanatides & Woo): the segment is clipped to the
    grid, the parameters ``t`` at which it crosses each vertical and horizontal grid line
    are merged, and each open interval between consecutive crossings lies in exactly one
    cell, found from its midpoint. A segment running along a grid line, or touching a
    cell only at a corner, is in no cell's interior: walking along a wall's face is not
    walking through it. A zero-length segment is its point (inside a cell or not)."""
    u0, v0 = p0[0] / cell, p0[1] / cell
    u1, v1 = p1[0] / cell, p1[1] / cell
    du, dv = u1 - u0, v1 - v0
    # Liang-Barsky clip to the grid box [0, cols] x [0, rows]: at most cols + rows
    # crossings remain, however long the segment is.
    t0, t1 = 0.0, 1.0
    for p, q in ((-du, u0), (du, cols - u0), (-dv, v0), (dv, rows - v0)):
        if p == 0:
            if q < 0:
                return []
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    if t0 > t1:
        return []
    if du == 0 and dv == 0:
        if u0 != math.floor(u0) and v0 != math.floor(v0) and 0 < u0 < cols and 0 < v0 < rows:
            return [(int(math.floor(v0)), int(math.floor(u0)))]
        return []
    if (du == 0 and u0 == math.floor(u0)) or (dv == 0 and v0 == math.floor(v0)):
        return []  # along a grid line: in no cell's interior
    ts = [np.array([t0, t1])]
    for start, d in ((u0, du), (v0, dv)):
        if d != 0:
            a, b = sorted((start + d * t0, start + d * t1))
            lines = np.arange(math.ceil(a), math.floor(b) + 1, dtype=np.float64)
            ts.append((lines - start) / d)
    t = np.unique(np.clip(np.concatenate(ts), t0, t1))
    if len(t) < 2:
        return []
    mid = (t[:-1] + t[1:]) / 2
    keep = t[1:] > t[:-1]
    mu, mv = u0 + du * mid[keep], v0 + dv * mid[keep]
    c = np.floor(mu).astype(np.int64)
    r = np.floor(mv).astype(np.int64)
    inside = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
    out: list[tuple[int, int]] = []
    for rr, cc in zip(r[inside].tolist(), c[inside].tolist()):
        if not out or out[-1] != (rr, cc):
            out.append((rr, cc))
    return out
