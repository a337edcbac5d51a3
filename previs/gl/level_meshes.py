"""Wall and floor meshes the renderer uploads once per level, built with numpy from the
level model (no GL here).

All positions are world metres (x east, y up, z south). Faces wind counter-clockwise seen
from outside (OpenGL's default front face), so back faces can be culled.

- :func:`wall_mesh` / :func:`wall_mesh_chunked`: every solid cell extruded to its height,
  merged into one mesh; on floors with height, landings and stairs too (:func:`_blocks`,
  :func:`_stair_quads`: the walls' mesh is already 3D, the floor's is the plane y = 0). Side faces between two wall cells are dropped (only the part of
  the taller block that rises above its neighbour is kept), and coplanar neighbouring
  faces of the same colour are merged into long quads: a 64 x 64 solid block is a handful
  of quads, not 4096 tops and 16384 sides. A software rasteriser pays per triangle
  (set-up and binning into tiles) as well as per pixel.
- :func:`floor_mesh`: the floor as merged rectangles of one tile colour each, with a
  darker margin beyond the map's edge; a pit's cells (floor below 0) are holes in it, and
  :func:`_pit_quads` draws the pit's floor and sides with the walls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..level.model import Level, Walls

WALL_VERTEX = 9  # floats: position 3, normal 3, colour 3


# -- walls ---------------------------------------------------------------------------------

SHADE_SPLIT = 1.2
"""Metres: wall sides are split at this height, where the shaders' darkening toward the
floor (linear below it, none above) has its corner."""

CHUNK_CELLS = 16
"""Walls are grouped in 16 x 16-cell chunks: each chunk is culled against the view and the
visible ones are drawn nearest first, so the depth test rejects hidden wall pixels before
shading them (a 64 x 64 map is 16 chunks: a draw call each at most)."""


@dataclass(frozen=True)
class WallMesh:
    """The merged walls. ``vertices`` (V, 9) float32 (position, normal, colour) and
    ``indices`` (I,) uint32, ordered chunk by chunk; ``chunks`` (C, 8) float64 rows of
    ``first index, index count, xmin, zmin, xmax, zmax, ymax, ymin`` (metres; ``ymin`` is
    0 but in a chunk with a pit)."""

    vertices: np.ndarray
    indices: np.ndarray
    chunks: np.ndarray


def _codes(*cols) -> np.ndarray:
    """One integer per row of the given equal-length arrays: equal rows, equal codes."""
    if len(cols[0]) == 0:
        return np.zeros(0, np.int64)
    _, inv = np.unique(np.column_stack(cols), axis=0, return_inverse=True)
    return inv.reshape(-1).astype(np.int64)


def _runs(lines: np.ndarray, pos: np.ndarray, code: np.ndarray, chunk: int):
    """Merge unit faces into runs: faces are at integer ``pos`` along a line ``lines``;
    consecutive positions on the same line with the same ``code`` join, but never across
    a chunk boundary (a multiple of ``chunk``). Returns (line, start, stop, code) arrays,
    ``stop`` exclusive."""
    if len(pos) == 0:
        e = np.zeros(0, np.int64)
        return e, e, e, e
    order = np.lexsort((pos, lines))
    ln, ps, cd = lines[order], pos[order], code[order]
    brk = (np.diff(ln) != 0) | (np.diff(ps) != 1) | (np.diff(cd) != 0) | (ps[1:] % chunk == 0)
    first = np.r_[0, np.nonzero(brk)[0] + 1]
    last = np.r_[first[1:] - 1, len(ps) - 1]
    return ln[first], ps[first], ps[last] + 1, cd[first]


RAISED_FLOOR_COLOR = (132, 128, 120)
"""The colour of floors with height (landings, stairs, ramps): a stone a shade lighter
than the default floor, so their edges read against it."""


def _blocks(walls: Walls):
    """``(solid, height, colour 0..1)`` (rows, cols) of the boxes the wall mesh extrudes
    from y = 0: wall blocks to their top (``Walls.top``: floor plus block), and on floors
    with height every cell whose floor is above 0 as a block of floor up to its lowest
    point (a ramp's or stair's low edge; :func:`_stair_quads` draws the rest)."""
    solid = np.asarray(walls.solid, bool)
    color = np.asarray(walls.color, np.float64) / 255.0
    if walls.floors is None:
        return solid, np.where(solid, np.asarray(walls.height, np.float64), 0.0), color
    box = solid | (walls.floors.low > 0)
    color = np.where(solid[..., None], color, np.asarray(RAISED_FLOOR_COLOR, np.float64) / 255.0)
    return box, np.where(box, np.maximum(walls.top, 0.0), 0.0), color


# (along, across) unit ground vectors (x, z) per rise_to: north, east, south, west.
_ALONG = np.array([[0.0, -1.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
_ACROSS = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])


def _stair_quads(walls: Walls, chunk: int):
    """The sloped part of every ramp or stair cell, above its low edge (the box below is
    :func:`_blocks`'): a stair tile with ``steps`` n draws n steps, step i a box over
    fractions ``[i/n, (i+1)/n)`` of the cell along its rise with its top at ``elevation +
    rise (i+1)/n`` (the last step is flush with the floor it climbs to; the feet walk
    the ramp, at most one riser below a tread); ``steps`` 0 draws the ramp's slope. Each
    item has a top, a riser at its low side, two sides and (the last) a back, all down to
    the cell's low edge. One quad list for all cells and steps (no loop over cells)."""
    f = walls.floors
    if f is None or not np.any(f.rise != 0):
        return []
    r, k = np.nonzero(f.rise != 0)
    rise = f.rise[r, k]
    up = np.where(rise > 0, f.rise_to[r, k], (f.rise_to[r, k] + 2) % 4)  # a falling rise climbs the other way
    low, height = f.low[r, k], np.abs(rise)
    n = np.maximum(f.steps[r, k].astype(np.int64), 1)
    smooth = f.steps[r, k] == 0
    item = np.repeat(np.arange(len(r)), n)
    i = np.arange(item.size) - np.repeat(np.cumsum(n) - n, n)
    u0, u1 = i / n[item], (i + 1) / n[item]
    top1 = low[item] + height[item] * u1
    top0 = np.where(smooth[item], low[item], top1)  # a ramp's top slopes from its low edge
    prev = low[item] + height[item] * u0  # a step's riser starts at the step below
    last = i == n[item] - 1
    c = float(walls.cell)
    along, across = _ALONG[up[item]], _ACROSS[up[item]]
    # The cell's corner where the rise starts on its left: fractions (u, v) of the cell.
    centre = np.column_stack([(k[item] + 0.5) * c, (r[item] + 0.5) * c])
    origin = centre - 0.5 * c * (along + across)

    def at(u, v, y):  # (Q, 3) world points
        g = origin + c * (np.asarray(u)[:, None] * along + np.asarray(v)[:, None] * across)
        return np.column_stack([g[:, 0], y, g[:, 1]])

    zero, one, base = np.zeros_like(u0), np.ones_like(u0), low[item]
    a3 = lambda g: np.column_stack([g[:, 0], np.zeros(len(g)), g[:, 1]])  # noqa: E731 (ground -> 3D)
    slope = np.column_stack([-along[:, 0] * (top1 - top0), np.full(len(u0), c * (u1 - u0)), -along[:, 1] * (top1 - top0)])
    faces = [  # (corners (Q, 4, 3), normals (Q, 3), which items)
        (np.stack([at(u0, zero, top0), at(u1, zero, top1), at(u1, one, top1), at(u0, one, top0)], 1), slope, np.ones(len(u0), bool)),
        (np.stack([at(u0, zero, prev), at(u0, one, prev), at(u0, one, top0), at(u0, zero, top0)], 1), -a3(along), top0 > prev),
        (np.stack([at(u0, zero, base), at(u1, zero, base), at(u1, zero, top1), at(u0, zero, top0)], 1), -a3(across), top1 > base),
        (np.stack([at(u0, one, base), at(u1, one, base), at(u1, one, top1), at(u0, one, top0)], 1), a3(across), top1 > base),
        (np.stack([at(u1, zero, base), at(u1, one, base), at(u1, one, top1), at(u1, zero, top1)], 1), a3(along), last),
    ]
    color = np.asarray(RAISED_FLOOR_COLOR, np.float64) / 255.0
    out = []
    for corners, normal, keep in faces:
        sel = np.flatnonzero(keep)
        out.append((corners[sel], normal[sel] / np.linalg.norm(normal[sel], axis=1, keepdims=True),
                    np.tile(color, (sel.size, 1)), r[item][sel] // chunk, k[item][sel] // chunk))
    return out


PIT_COLOR = (96, 93, 88)
"""The colour of a pit's floor and sides: a shade darker than the default floor, so the
drop reads from above."""


def pit_cells(walls: Walls) -> np.ndarray:
    """(rows, cols) bool: cells whose floor goes below y = 0 somewhere (a pit, or a ramp
    down into one). The floor plane leaves them out (:func:`floor_mesh`) and
    :func:`_pit_quads` draws their floor and the sides down to it."""
    if walls.floors is None:
        return np.zeros(np.asarray(walls.solid).shape, bool)
    return (walls.floors.low < 0) & ~np.asarray(walls.solid, bool)


def _pit_quads(walls: Walls, chunk: int):
    """A pit's floor and sides: every flat pit cell's floor at its ``elevation`` (a ramp's
    slope is :func:`_stair_quads`'), and on each side whose neighbour's floor is higher, a
    wall facing into the pit from this cell's lowest point up to that floor (0 off the map,
    at most 0: a raised neighbour's box is :func:`_blocks`')."""
    pit = pit_cells(walls)
    if not pit.any():
        return []
    f = walls.floors
    c = float(walls.cell)
    color = np.asarray(PIT_COLOR, np.float64) / 255.0
    rows, cols = pit.shape
    out = []
    r, k = np.nonzero(pit & (f.rise == 0))
    if len(r):
        y = f.low[r, k]
        x0, x1, z0, z1 = k * c, (k + 1) * c, r * c, (r + 1) * c
        corners = np.stack([np.stack([x0, y, z0], -1), np.stack([x1, y, z0], -1),
                            np.stack([x1, y, z1], -1), np.stack([x0, y, z1], -1)], axis=1)
        out.append((corners, np.tile([0.0, 1.0, 0.0], (len(r), 1)), np.tile(color, (len(r), 1)),
                    r // chunk, k // chunk))
    level = np.zeros((rows + 2, cols + 2))  # the floor each neighbour shows the pit, <= 0
    level[1:-1, 1:-1] = np.where(np.asarray(walls.solid, bool), 0.0, np.minimum(f.low, 0.0))
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        nl = level[1 + dr: rows + 1 + dr, 1 + dc: cols + 1 + dc]
        r, k = np.nonzero(pit & (nl > f.low + 1e-6))
        if len(r) == 0:
            continue
        lo, hi = f.low[r, k], nl[r, k]
        if dr:  # the north (z0) or south (z1) side: a wall along x
            z = (r + (dr > 0)) * c
            a, b = np.stack([k * c, z], -1), np.stack([(k + 1) * c, z], -1)
        else:  # the west (x0) or east (x1) side: a wall along z
            x = (k + (dc > 0)) * c
            a, b = np.stack([x, r * c], -1), np.stack([x, (r + 1) * c], -1)
        corners = np.stack([np.stack([a[:, 0], lo, a[:, 1]], -1), np.stack([b[:, 0], lo, b[:, 1]], -1),
                            np.stack([b[:, 0], hi, b[:, 1]], -1), np.stack([a[:, 0], hi, a[:, 1]], -1)], axis=1)
        inward = np.tile([-float(dc), 0.0, -float(dr)], (len(r), 1))
        out.append((corners, inward, np.tile(color, (len(r), 1)), r // chunk, k // chunk))
    return out


def _wall_quads(walls: Walls, chunk: int):
    """Every wall face, coplanar neighbours with the same colour and heights merged into
    long quads (within a chunk): (corners (Q, 4, 3), normals (Q, 3), colours (Q, 3),
    chunk row, chunk col). A 64 m wall is 4 quads a side instead of 64."""
    solid, height, color = _blocks(walls)
    c = float(walls.cell)
    rows, cols = solid.shape
    out = []

    # Tops: runs along x in each row, then identical runs in consecutive rows joined.
    r, k = np.nonzero(solid & (height > 0))
    code = _codes(height[r, k], *color[r, k].T)
    ln, c0, c1, cd = _runs(r, k, code, chunk)
    if len(ln):
        key = np.column_stack([c0, c1, cd, ln // chunk])
        order = np.lexsort((ln, key[:, 3], key[:, 2], key[:, 1], key[:, 0]))
        ln, c0, c1, cd = ln[order], c0[order], c1[order], cd[order]
        same = np.all(key[order][1:] == key[order][:-1], axis=1) & (np.diff(ln) == 1)
        first = np.r_[0, np.nonzero(~same)[0] + 1]
        last = np.r_[first[1:] - 1, len(ln) - 1]
        r0, r1, c0, c1 = ln[first], ln[last] + 1, c0[first], c1[first]
        cell_r, cell_k = r0, c0
        h = height[cell_r, cell_k]
        x0, x1, z0, z1 = c0 * c, c1 * c, r0 * c, r1 * c
        corners = np.stack([np.stack([x0, h, z0], -1), np.stack([x1, h, z0], -1),
                            np.stack([x1, h, z1], -1), np.stack([x0, h, z1], -1)], axis=1)
        out.append((corners, np.tile([0.0, 1.0, 0.0], (len(r0), 1)), color[cell_r, cell_k],
                    cell_r // chunk, cell_k // chunk))

    padded = np.zeros((rows + 2, cols + 2))
    padded[1:-1, 1:-1] = height
    # (d_row, d_col, normal): the neighbour across each side, and that side's outward normal.
    for dr, dc, n in ((-1, 0, (0, 0, -1)), (1, 0, (0, 0, 1)), (0, -1, (-1, 0, 0)), (0, 1, (1, 0, 0))):
        nh = padded[1 + dr: rows + 1 + dr, 1 + dc: cols + 1 + dc]
        r, k = np.nonzero(solid & (height > nh + 1e-6))
        if len(r) == 0:
            continue
        code = _codes(nh[r, k], height[r, k], *color[r, k].T)
        if dr:  # north (z0) or south (z1) side: runs along x within a row
            ln, p0, p1, _ = _runs(r, k, code, chunk)
            cell_r, cell_k = ln, p0
            z = (ln + (dr > 0)) * c
            a = np.stack([p0 * c, z], -1)
            b = np.stack([p1 * c, z], -1)
        else:  # west (x0) or east (x1) side: runs along z within a column
            ln, p0, p1, _ = _runs(k, r, code, chunk)
            cell_r, cell_k = p0, ln
            x = (ln + (dc > 0)) * c
            a = np.stack([x, p0 * c], -1)
            b = np.stack([x, p1 * c], -1)
        lo, hi = nh[cell_r, cell_k], height[cell_r, cell_k]
        # Split at SHADE_SPLIT so the per-vertex darkening toward the floor is exact.
        cut = (lo < SHADE_SPLIT) & (hi > SHADE_SPLIT)
        sel = np.r_[np.arange(len(lo)), np.nonzero(cut)[0]]
        lo2 = np.r_[lo, np.full(cut.sum(), SHADE_SPLIT)]
        hi2 = np.r_[np.where(cut, SHADE_SPLIT, hi), hi[cut]]
        a, b = a[sel], b[sel]
        corners = np.stack([
            np.stack([a[:, 0], lo2, a[:, 1]], -1), np.stack([b[:, 0], lo2, b[:, 1]], -1),
            np.stack([b[:, 0], hi2, b[:, 1]], -1), np.stack([a[:, 0], hi2, a[:, 1]], -1)], axis=1)
        out.append((corners, np.tile(np.asarray(n, float), (len(sel), 1)), color[cell_r, cell_k][sel],
                    (cell_r // chunk)[sel], (cell_k // chunk)[sel]))
    return out


def wall_mesh_chunked(walls: Walls, chunk: int = CHUNK_CELLS) -> WallMesh:
    """The walls as one indexed mesh, grouped by ``chunk`` x ``chunk``-cell chunks."""
    parts = _wall_quads(walls, chunk) + _stair_quads(walls, chunk) + _pit_quads(walls, chunk)
    corners = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 4, 3))
    normal = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, 3))
    color = np.concatenate([p[2] for p in parts]) if parts else np.zeros((0, 3))
    crow = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, np.int64)
    ccol = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, np.int64)
    q = len(corners)
    if q == 0:
        return WallMesh(np.zeros((0, WALL_VERTEX), np.float32), np.zeros(0, np.uint32), np.zeros((0, 8)))
    # Counter-clockwise seen from where the normal points (flip the others).
    e1 = corners[:, 1] - corners[:, 0]
    e2 = corners[:, 2] - corners[:, 0]
    flip = np.einsum("ij,ij->i", np.cross(e1, e2), normal) < 0
    corners[flip] = corners[flip][:, ::-1]
    nchunk_cols = int(walls.solid.shape[1] // chunk + 1)
    cid = crow * nchunk_cols + ccol
    order = np.argsort(cid, kind="stable")
    corners, normal, color, cid = corners[order], normal[order], color[order], cid[order]
    v = np.empty((q, 4, WALL_VERTEX), np.float32)
    v[:, :, 0:3] = corners
    v[:, :, 3:6] = normal[:, None, :]
    v[:, :, 6:9] = color[:, None, :]
    base = (np.arange(q, dtype=np.uint32) * 4)[:, None]
    idx = (base + np.array([0, 1, 2, 0, 2, 3], np.uint32)[None, :]).reshape(-1)
    ids, first = np.unique(cid, return_index=True)
    last = np.append(first[1:], q)
    chunks = np.empty((len(ids), 8))
    for i, (f, l) in enumerate(zip(first, last)):
        pts = corners[f:l].reshape(-1, 3)
        chunks[i] = (6 * f, 6 * (l - f), pts[:, 0].min(), pts[:, 2].min(), pts[:, 0].max(), pts[:, 2].max(),
                     pts[:, 1].max(), min(0.0, pts[:, 1].min()))
    return WallMesh(v.reshape(-1, WALL_VERTEX), idx, chunks)


def wall_mesh(walls: Walls) -> tuple[np.ndarray, np.ndarray]:
    """One merged mesh for every wall cell: vertices (V, 9) float32, indices (I,) uint32."""
    m = wall_mesh_chunked(walls)
    return m.vertices, m.indices


def floor_extent(level: Level) -> tuple[float, float, float, float]:
    """Floor quad ``(x0, z0, x1, z1)`` metres: the map plus a margin (a tenth, at least
    10 m) so that a camera near the map's edge does not look over the end of the world."""
    w = max(level.width, level.walls.cols * level.walls.cell, 1.0)
    d = max(level.depth, level.walls.rows * level.walls.cell, 1.0)
    m = max(10.0, 0.1 * max(w, d))
    return (-m, -m, w + m, d + m)


def merge_rects(codes: np.ndarray, mask: np.ndarray, chunk: int | None = None):
    """Greedy rectangles of equal ``codes`` (rows, cols) where ``mask``: runs along each
    row, then identical runs in consecutive rows joined. Returns (r0, r1, c0, c1) arrays,
    ends exclusive; with ``chunk``, no rectangle crosses a multiple of ``chunk``."""
    big = 1 << 30
    r, k = np.nonzero(mask)
    ln, c0, c1, cd = _runs(r, k, codes[r, k], chunk or big)
    if len(ln) == 0:
        e = np.zeros(0, np.int64)
        return e, e, e, e
    band = ln // chunk if chunk else np.zeros_like(ln)
    key = np.column_stack([c0, c1, cd, band])
    order = np.lexsort((ln, key[:, 3], key[:, 2], key[:, 1], key[:, 0]))
    ln, c0, c1, key = ln[order], c0[order], c1[order], key[order]
    same = np.all(key[1:] == key[:-1], axis=1) & (np.diff(ln) == 1)
    first = np.r_[0, np.nonzero(~same)[0] + 1]
    last = np.r_[first[1:] - 1, len(ln) - 1]
    return ln[first], ln[last] + 1, c0[first], c1[first]


FLOOR_VERTEX = 5  # floats: x, z, r, g, b
OUTSIDE_SHADE = 0.45  # the floor beyond the map's edge, darker so the edge reads


def floor_mesh(level: Level) -> tuple[np.ndarray, np.ndarray]:
    """The floor: the map's tiles as rectangles of one colour each (same-colour tiles
    merged; a few dozen quads for a typical art layer) plus four darker quads out to
    :func:`floor_extent`. Vertices (V, 5) float32 ``x, z, r, g, b``, indices (I,)
    uint32, counter-clockwise seen from above. Colours per vertex rather than a texture
    lookup per pixel: the floor is half of every frame."""
    tiles = floor_tiles(level)
    rows, cols = tiles.shape[:2]
    cell = float(level.walls.cell)
    codes = _codes(*tiles.reshape(-1, 3).T.astype(np.int64)).reshape(rows, cols)
    # A pit's cells are holes in the plane: its floor and sides are in the walls' mesh.
    pit = pit_cells(level.walls)
    ground = ~pit if pit.shape == (rows, cols) else np.ones((rows, cols), bool)
    r0, r1, c0, c1 = merge_rects(codes, ground)
    col = tiles[r0, c0].astype(np.float64) / 255.0
    rects = [np.column_stack([c0 * cell, r0 * cell, c1 * cell, r1 * cell]), ]
    colors = [col]
    # The margin: four quads around the map, in the commonest floor colour, darkened.
    vals, counts = np.unique(codes, return_counts=True)
    common = tiles.reshape(-1, 3)[np.argmax(codes.reshape(-1) == vals[np.argmax(counts)])] / 255.0
    x0, z0, x1, z1 = floor_extent(level)
    w, d = cols * cell, rows * cell
    margin = np.array([[x0, z0, x1, 0.0], [x0, d, x1, z1], [x0, 0.0, 0.0, d], [w, 0.0, x1, d]])
    margin = margin[(margin[:, 2] > margin[:, 0]) & (margin[:, 3] > margin[:, 1])]
    rects.append(margin)
    colors.append(np.tile(common * OUTSIDE_SHADE, (len(margin), 1)))
    rect = np.concatenate(rects)
    color = np.concatenate(colors)
    q = len(rect)
    v = np.empty((q, 4, FLOOR_VERTEX), np.float32)
    # (x0,z0) (x1,z0) (x1,z1) (x0,z1)
    v[:, 0, 0:2] = rect[:, [0, 1]]
    v[:, 1, 0:2] = rect[:, [2, 1]]
    v[:, 2, 0:2] = rect[:, [2, 3]]
    v[:, 3, 0:2] = rect[:, [0, 3]]
    v[:, :, 2:5] = color[:, None, :]
    # Seen from above (+Y) with x east and z south, (x0,z1) -> (x1,z1) -> (x1,z0) is
    # counter-clockwise.
    base = (np.arange(q, dtype=np.uint32) * 4)[:, None]
    idx = (base + np.array([3, 2, 1, 3, 1, 0], np.uint32)[None, :]).reshape(-1)
    return v.reshape(-1, FLOOR_VERTEX), idx


def floor_tiles(level: Level) -> np.ndarray:
    """Per-tile floor colour (rows, cols, 3) uint8: the art layers' colours where the
    loader found some, else a mid grey that sets off both walls and performers."""
    if level.floor_color is not None:
        return np.ascontiguousarray(np.asarray(level.floor_color, np.uint8))
    rows, cols = level.walls.solid.shape
    return np.full((max(rows, 1), max(cols, 1), 3), (118, 116, 110), np.uint8)


# -- bodies --------------------------------------------------------------------------------
