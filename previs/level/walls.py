"""Wall blocks and floor tint from tile layers, and exact path-through-wall detection.

Grid convention (as :class:`previs.level.model.Walls`): cell ``(row, col)`` covers
``x in [col*cell, (col+1)*cell)`` and ``z in [row*cell, (row+1)*cell)`` metres; Tiled calls
``col`` the tile x and ``row`` the tile y.
"""

from __future__ import annotations

import math

import numpy as np

from .diagnostics import Problems, describe
from .floor_checks import path_climb_notices
from .floors import FloorGrid, floor_tile
from .model import Walls
from .props import Props, parse_color
from .route import route as walked_route
from .tiledata import GID_FLAGS
from .tmx import RawMap, RawObject, RawTileLayer, RawTileset

DEFAULT_WALL_HEIGHT = 3.0  # metres, the contract's default
DEFAULT_WALL_COLOR = (150, 150, 158)  # a neutral concrete grey
DEFAULT_FLOOR_COLOR = (96, 96, 100)  # floor cells no art tile tints


def is_walls_layer(layer: RawTileLayer, problems: Problems) -> bool:
    """A tile layer named ``walls`` (any case) or with layer property ``walls = true``."""
    if layer.name.strip().lower() == "walls":
        return True
    return Props(problems, f"tile layer '{layer.name}'", layer.properties).flag("walls", False)


def _tile_index(raw: RawMap) -> dict[int, tuple[RawTileset, int]]:
    """gid -> (tileset, local id) for every tile that has a ``<tile>`` entry (properties)."""
    out = {}
    for ts in raw.tilesets:
        for tid in ts.tiles:
            out[ts.firstgid + tid] = (ts, tid)
    return out


LUT_MAX_GID = 1 << 20
"""Largest tile gid with properties for which gids are looked up through a table (4 MB of
int32); beyond it (no real map gets there) a binary search over the known gids is used."""


def _known_index(gids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """For every cell, the index into sorted ``known`` of its gid, or -1: one gather
    through a lookup table (or ``np.searchsorted`` for huge gids), never a sort."""
    if known.size == 0:
        return np.full(gids.shape, -1, np.int64)
    if known[-1] < LUT_MAX_GID:
        lut = np.full(int(known[-1]) + 2, -1, np.int32)  # the last entry catches larger gids
        lut[known] = np.arange(known.size, dtype=np.int32)
        return lut[np.minimum(gids, lut.size - 1)].astype(np.int64)
    pos = np.minimum(np.searchsorted(known, gids), known.size - 1)
    return np.where(known[pos] == gids, pos, -1)


def build_walls(raw: RawMap, cell: float, problems: Problems) -> tuple[Walls, np.ndarray | None, list[str]]:
    """The :class:`Walls` grid (with its :class:`~.floors.Floors`, None on a flat level),
    the optional floor tint ``(rows, cols, 3)`` uint8 and the names of the walls layers. Multiple walls layers merge: a cell is solid if any is, its
    height is the highest and its colour the upper-most layer's.

    Only tiles with custom properties change anything, so every cell is mapped to an index
    into that (sorted) tile list with one gather (:func:`_known_index`) and everything else
    is whole-array numpy: no sort of a layer and no Python loop over cells. A gid belongs
    to the tileset with the largest firstgid not above it (Tiled's rule); a gid below
    every firstgid belongs to none and is a problem."""
    rows, cols = raw.height, raw.width
    solid = np.zeros((rows, cols), bool)
    height = np.zeros((rows, cols), np.float64)
    color = np.zeros((rows, cols, 3), np.uint8)
    floor = np.zeros((rows, cols, 3), np.uint8)
    floor[:] = parse_color(raw.background or "") or DEFAULT_FLOOR_COLOR
    tinted = False
    names: list[str] = []
    index = _tile_index(raw)
    known = np.array(sorted(index), dtype=np.int64)
    lowest = min((ts.firstgid for ts in raw.tilesets), default=None)
    wall_props: dict[int, tuple[float, tuple[int, int, int]]] = {}  # checked once per tile
    tint_props: dict[int, tuple[int, int, int] | None] = {}
    floor_props: dict[int, tuple[float, float, int, int] | None] = {}
    grid = FloorGrid(rows, cols, cell)

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
        used = gids != 0
        orphan_mask = used if lowest is None else used & (gids < lowest)
        if orphan_mask.any():
            orphan = np.unique(gids[orphan_mask])
            r, c = (int(v) for v in np.argwhere(orphan_mask)[0])
            shown = ", ".join(str(int(g)) for g in orphan[:5]) + (" ..." if orphan.size > 5 else "")
            problems.error(
                f"tile layer '{layer.name}'",
                f"cell column {c}, row {r} uses tile gid {int(gids[r, c])}, which no tileset of the map holds "
                f"({orphan.size} such gid{'s' * (orphan.size > 1)}: {shown})",
                "the file is damaged or a tileset was removed: re-add the tileset or erase those cells",
            )
        k = _known_index(gids, known)
        # tiles with properties that this layer uses (each checked once, in gid order)
        present = np.nonzero(np.bincount(k.ravel() + 1, minlength=known.size + 1)[1:])[0].tolist()
        if walls:
            # one slot per known tile plus a last one (index -1) for tiles without properties
            kh = np.full(known.size + 1, DEFAULT_WALL_HEIGHT)
            kc = np.tile(np.array(DEFAULT_WALL_COLOR, np.uint8), (known.size + 1, 1))
            for i in present:
                gid = int(known[i])
                if gid not in wall_props:
                    ts, tid = index[gid]
                    p = Props(problems, f"{ts.label} tile {tid}", ts.tiles[tid].properties)
                    h = p.number("height", DEFAULT_WALL_HEIGHT, "m", lo=0.0, lo_open=True, hi=1000.0)
                    wall_props[gid] = (DEFAULT_WALL_HEIGHT if h is None else h, p.color("color", DEFAULT_WALL_COLOR))
                kh[i], kc[i] = wall_props[gid]
            solid |= used
            np.maximum(height, np.where(used, kh[k], 0.0), out=height)
            color = np.where(used[..., None], kc[k], color)
        elif present:
            floor_here = {}
            for i in present:
                gid = int(known[i])
                if gid not in floor_props:
                    ts, tid = index[gid]
                    floor_props[gid] = floor_tile(Props(problems, f"{ts.label} tile {tid}", ts.tiles[tid].properties))
                if floor_props[gid] is not None:
                    floor_here[i] = floor_props[gid]
            grid.paint(k, floor_here, known.size)
            kt = np.zeros(known.size + 1, bool)
            kc = np.zeros((known.size + 1, 3), np.uint8)
            for i in present:
                gid = int(known[i])
                if gid not in tint_props:
                    ts, tid = index[gid]
                    value = ts.tiles[tid].properties.get("color")
                    rgb = parse_color(value) if value not in (None, "") else None
                    if value not in (None, "") and rgb is None:
                        problems.notice(
                            f"{ts.label} tile {tid}",
                            f"color = {value!r} is not a colour, so it does not tint the floor",
                            "pick one with Tiled's colour picker",
                        )
                    tint_props[gid] = rgb
                if tint_props[gid] is not None:
                    kt[i], kc[i] = True, tint_props[gid]
            tint = kt[k]
            if tint.any():
                floor = np.where(tint[..., None], kc[k], floor)
                tinted = True

    for a in (solid, height, color, floor):
        a.flags.writeable = False
    walls = Walls(solid=solid, height=height, color=color, cell=cell, floors=grid.floors())
    return walls, (floor if tinted else None), names


def cells_crossed(p0: tuple[float, float], p1: tuple[float, float], cell: float, rows: int, cols: int) -> list[tuple[int, int]]:
    """``(row, col)`` of every grid cell whose *interior* segment ``p0 -> p1`` (metres)
    passes through, in order along the segment (see :func:`crossed_cells`)."""
    r, c = crossed_cells(p0, p1, cell, rows, cols)
    return list(zip(r.tolist(), c.tolist()))


_NONE = (np.zeros(0, np.int64), np.zeros(0, np.int64))


def crossed_cells(p0: tuple[float, float], p1: tuple[float, float], cell: float, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column arrays of every grid cell whose *interior* segment ``p0 -> p1``
    (metres) passes through, in order along the segment.

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
                return _NONE
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    if t0 > t1:
        return _NONE
    if du == 0 and dv == 0:
        if u0 != math.floor(u0) and v0 != math.floor(v0) and 0 < u0 < cols and 0 < v0 < rows:
            return np.array([math.floor(v0)], np.int64), np.array([math.floor(u0)], np.int64)
        return _NONE
    if (du == 0 and u0 == math.floor(u0)) or (dv == 0 and v0 == math.floor(v0)):
        return _NONE  # along a grid line: in no cell's interior
    ts = [np.array([t0, t1])]
    for start, d in ((u0, du), (v0, dv)):
        if d != 0:
            a, b = sorted((start + d * t0, start + d * t1))
            lines = np.arange(math.ceil(a), math.floor(b) + 1, dtype=np.float64)
            ts.append((lines - start) / d)
    # Sorted, repeats dropped: np.unique's own steps, without its np.ma.is_masked() test,
    # whose import of numpy.ma costs every replay ~20 ms.
    t = np.sort(np.clip(np.concatenate(ts), t0, t1))
    t = t[np.concatenate(([True], t[1:] != t[:-1]))]
    if len(t) < 2:
        return _NONE
    mid = (t[:-1] + t[1:]) / 2
    c = np.floor(u0 + du * mid).astype(np.int64)
    r = np.floor(v0 + dv * mid).astype(np.int64)
    keep = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
    r, c = r[keep], c[keep]
    if r.size > 1:  # drop repeats (rounding can split one cell's interval in two)
        new = np.ones(r.size, bool)
        new[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        r, c = r[new], c[new]
    return r, c


def path_wall_notices(level_paths, walls: Walls, by_id: dict[int, RawObject], problems: Problems) -> None:
    """A notice per scripted path that passes through wall blocks, naming the cells (and,
    on floors with height, per path that climbs a step too high: :mod:`.floor_checks`)."""
    path_climb_notices(level_paths, walls, by_id, problems)
    cell, rows, cols = walls.cell, walls.rows, walls.cols
    if not level_paths or not walls.solid.any():
        return
    # Solid cells in any box of the grid in O(1) (Walls.solid_in_boxes): a segment whose cell
    # bounding box holds no wall block cannot cross one, so only the few segments near
    # walls are traversed exactly (a 20 000-vertex route in open ground costs nothing).
    for path in level_paths:
        route = walked_route(path)
        if len(route) < 2:
            continue
        uv = np.asarray(route, np.float64) / cell
        lo, hi = np.minimum(uv[:-1], uv[1:]), np.maximum(uv[:-1], uv[1:])
        c0 = np.clip(np.floor(lo[:, 0]), 0, cols - 1).astype(np.int64)
        c1 = np.clip(np.floor(hi[:, 0]), 0, cols - 1).astype(np.int64)
        r0 = np.clip(np.floor(lo[:, 1]), 0, rows - 1).astype(np.int64)
        r1 = np.clip(np.floor(hi[:, 1]), 0, rows - 1).astype(np.int64)
        inside = (hi[:, 0] >= 0) & (lo[:, 0] <= cols) & (hi[:, 1] >= 0) & (lo[:, 1] <= rows)
        blocks = walls.solid_in_boxes(r0, c0, r1 + 1, c1 + 1)
        near = np.flatnonzero(inside & (blocks > 0))
        parts = []
        for k in near.tolist():
            r, c = crossed_cells(route[k], route[k + 1], cell, rows, cols)
            parts.append((r * cols + c)[walls.solid[r, c]])
        flat = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        _, first = np.unique(flat, return_index=True)  # distinct cells, in crossing order
        if first.size == 0:
            continue
        hits = [divmod(int(v), cols) for v in flat[np.sort(first)[:5]]]
        shown = ", ".join(
            f"column {c}, row {r} (x {c * cell:g}-{(c + 1) * cell:g} m, z {r * cell:g}-{(r + 1) * cell:g} m)" for r, c in hits
        )
        more = f" and {first.size - 5} more" if first.size > 5 else ""
        o = by_id[path.id]
        problems.notice(
            describe(o.id, o.name, o.kind),
            f"passes through the wall block{'s' * (first.size > 1)} at {shown}{more}; it will be followed as scripted",
            "move its points off the walls if the performer should not walk through them",
        )
