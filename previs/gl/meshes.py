"""Meshes the renderer uploads, built with numpy from the level model (no GL here).

All positions are world metres (x east, y up, z south). Faces wind counter-clockwise seen
from outside (OpenGL's default front face), so back faces can be culled.

- :func:`wall_mesh`: every solid cell extruded to its height, merged into one mesh. Side
  faces between two wall cells are dropped (only the part of the taller block that
  rises above its neighbour is kept), and coplanar neighbouring faces of the same colour
  are merged into long quads: a 64 x 64 solid block is a handful of quads, not 4096
  tops and 16384 sides. A software rasteriser pays per triangle (set-up and binning
  into tiles) as well as per pixel.
- :func:`body_template`: one standing person for a 1.8 m, 0.3 m radius performer, drawn
  instanced; see ``assets/shaders/body.vert`` for how it is scaled, turned and laid down.
- :func:`overlay_mesh`: zones as translucent floor polygons and paths as ribbons with
  direction arrows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..level.model import Level, Walls

WALL_VERTEX = 9  # floats: position 3, normal 3, colour 3
BODY_VERTEX = 7  # floats: position 3, normal 3, part 1
OVERLAY_VERTEX = 8  # floats: position 3, rgba 4, stripe 1
INSTANCE_FLOATS = 10  # per body: x, z, facing, down, r, g, b, 0, radius, height

TEMPLATE_HEIGHT = 1.8  # metres: the template person (body.vert scales by height / 1.8)
HENRY_COLOR = (70, 150, 235)  # blue: Henry's own body, seen from the free camera

PART_TORSO, PART_HEAD, PART_NOSE, PART_CHEST, PART_VISOR = 0.0, 1.0, 2.0, 3.0, 4.0

ZONE_STYLE = {
    # kind: (r, g, b, alpha, hatched). Hazards are warm and strong; the rest cool and faint.
    "no-go": (0.92, 0.10, 0.10, 0.45, True),
    "pyro": (1.00, 0.45, 0.05, 0.50, False),
    "rig": (0.25, 0.55, 1.00, 0.30, False),
    "crash-mat": (0.20, 0.80, 0.45, 0.30, False),
    "set": (0.65, 0.55, 0.85, 0.25, False),
}
ZONE_Y = 0.006  # metres above the floor: clear of it in a 24-bit depth buffer at ~30 m
PATH_Y = 0.012
PATH_HALF_WIDTH = 0.04  # metres: 8 cm ribbons read at 20 m without hiding the grid


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
    ``indices`` (I,) uint32, ordered chunk by chunk; ``chunks`` (C, 7) float64 rows of
    ``first index, index count, xmin, zmin, xmax, zmax, ymax`` (metres)."""

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


def _wall_quads(walls: Walls, chunk: int):
    """Every wall face, coplanar neighbours with the same colour and heights merged into
    long quads (within a chunk): (corners (Q, 4, 3), normals (Q, 3), colours (Q, 3),
    chunk row, chunk col). A 64 m wall is 4 quads a side instead of 64."""
    solid = np.asarray(walls.solid, bool)
    height = np.where(solid, np.asarray(walls.height, np.float64), 0.0)
    color = np.asarray(walls.color, np.float64) / 255.0
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
    parts = _wall_quads(walls, chunk)
    corners = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 4, 3))
    normal = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, 3))
    color = np.concatenate([p[2] for p in parts]) if parts else np.zeros((0, 3))
    crow = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, np.int64)
    ccol = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, np.int64)
    q = len(corners)
    if q == 0:
        return WallMesh(np.zeros((0, WALL_VERTEX), np.float32), np.zeros(0, np.uint32), np.zeros((0, 7)))
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
    chunks = np.empty((len(ids), 7))
    for i, (f, l) in enumerate(zip(first, last)):
        pts = corners[f:l].reshape(-1, 3)
        chunks[i] = (6 * f, 6 * (l - f), pts[:, 0].min(), pts[:, 2].min(), pts[:, 0].max(), pts[:, 2].max(),
                     pts[:, 1].max())
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
    r0, r1, c0, c1 = merge_rects(codes, np.ones((rows, cols), bool))
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

def _lathe(profile, segments: int, part: float, cy: float = 0.0, phase: float = 0.0) -> np.ndarray:
    """Triangles (T*3, 7) of a surface of revolution about +Y.

    ``profile`` is [(radius, y), ...] from bottom to top; radius 0 closes a cap. Normals
    are smooth around the axis and follow the profile's slope."""
    prof = np.asarray(profile, np.float64)
    ang = phase + np.arange(segments + 1) * 2 * math.pi / segments
    ca, sa = np.cos(ang), np.sin(ang)
    tris = []
    for i in range(len(prof) - 1):
        (r0, y0), (r1, y1) = prof[i], prof[i + 1]
        # Slope normal in the (radial, y) plane: perpendicular to (dr, dy), pointing out.
        dr, dy = r1 - r0, y1 - y0
        nl = math.hypot(dr, dy) or 1.0
        nr, ny = dy / nl, -dr / nl
        for s in range(segments):
            p = []
            for rr, yy, a in ((r0, y0, s), (r0, y0, s + 1), (r1, y1, s + 1), (r1, y1, s)):
                # x = r sin, z = r cos: counter-clockwise seen from outside for rising y.
                p.append(((rr * sa[a], yy + cy, rr * ca[a]), (nr * sa[a], ny, nr * ca[a])))
            for tri in ((p[0], p[1], p[2]), (p[0], p[2], p[3])):
                pos = [t[0] for t in tri]
                if np.linalg.norm(np.cross(np.subtract(pos[1], pos[0]), np.subtract(pos[2], pos[0]))) < 1e-12:
                    continue  # degenerate at a cap
                for t in tri:
                    tris.append((*t[0], *t[1], part))
    return np.asarray(tris, np.float32)


def _box(x0, x1, y0, y1, z0, z1, part: float, skip=()) -> np.ndarray:
    """Triangles (up to 36, 7) of an axis-aligned box with flat normals (bounds in any
    order). ``skip`` names faces to leave out: front (-Z), back (+Z), left, right, top,
    bottom."""
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    z0, z1 = sorted((z0, z1))
    P = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                  [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], np.float64)
    faces = (  # name, corner indices counter-clockwise seen from outside, normal
        ("back", (4, 5, 6, 7), (0, 0, 1)), ("front", (1, 0, 3, 2), (0, 0, -1)),
        ("right", (5, 1, 2, 6), (1, 0, 0)), ("left", (0, 4, 7, 3), (-1, 0, 0)),
        ("top", (7, 6, 2, 3), (0, 1, 0)), ("bottom", (0, 1, 5, 4), (0, -1, 0)))
    out = []
    for name, (a, b, c, d), n in faces:
        if name in skip:
            continue
        for i in (a, b, c, a, c, d):
            out.append((*P[i], *n, part))
    return np.asarray(out, np.float32)


def body_template() -> np.ndarray:
    """The instanced person: triangles (T*3, 7) as position, normal, part.

    Legs, torso, arms (part 0) and chest plate (part 3): x, z in units of the radius, y in
    units of the height. Head (1), nose (2) and visor (4): metres for a 1.8 m person.
    The body keeps inside its clearance circle (shoulders at 0.95 radius) so what you
    see touching is what the safety check calls touching. Octagons with a flat side
    facing front (-Z) read as round; faces that are always hidden (box bottoms, the
    backs of the nose and visor inside the head) are left out. ~180 triangles: a
    software rasteriser shades every vertex of every body in view on one thread, so the
    count is the cost of a crowd."""
    legs = [_box(sx * 0.55, sx * 0.07, 0.0, 0.48, -0.32, 0.32, PART_TORSO, skip=("bottom", "top"))
            for sx in (-1, 1)]
    torso = _lathe([(0.60, 0.45), (0.74, 0.64), (0.76, 0.76), (0.50, 0.82), (0.20, 0.85), (0.0, 0.87)], 8, PART_TORSO,
                   phase=math.pi / 8)
    arms = [_box(sx * 0.74, sx * 0.95, 0.42, 0.77, -0.16, 0.16, PART_TORSO, skip=("bottom",)) for sx in (-1, 1)]
    head_r, head_y = 0.12, 1.68
    rings = 4
    prof = [(head_r * math.sin(math.pi * i / rings), head_y - head_r * math.cos(math.pi * i / rings))
            for i in range(rings + 1)]
    head = _lathe(prof, 8, PART_HEAD, phase=math.pi / 8)
    # A small nose and a thin band over the eyes: enough to read the facing across a room
    # without turning a close-up into a mask.
    nose = _box(-0.022, 0.022, 1.625, 1.66, -0.16, -0.10, PART_NOSE, skip=("back",))
    visor = _box(-0.075, 0.075, 1.678, 1.706, -0.128, -0.07, PART_VISOR, skip=("back", "bottom"))
    chest = _box(-0.40, 0.40, 0.58, 0.72, -0.72, -0.64, PART_CHEST, skip=("back",))
    parts = [*legs, torso, *arms, head, nose, visor, chest]
    return np.concatenate(parts).astype(np.float32)


def body_template_far() -> np.ndarray:
    """The same person with less detail (~80 triangles), for bodies more than
    :data:`BODY_LOD_DISTANCE` away: square torso, box head and legs, same colours, nose
    and chest plate. At 10 m a body is ~110 px tall at 720p: the silhouette reads the
    same; the vertex work halves."""
    legs = _box(-0.55, 0.55, 0.0, 0.48, -0.32, 0.32, PART_TORSO, skip=("bottom", "top"))
    torso = _lathe([(0.62, 0.45), (0.80, 0.76), (0.30, 0.84), (0.0, 0.87)], 4, PART_TORSO, phase=math.pi / 4)
    arms = [_box(sx * 0.70, sx * 0.95, 0.42, 0.77, -0.16, 0.16, PART_TORSO, skip=("bottom",)) for sx in (-1, 1)]
    head = _box(-0.11, 0.11, 1.56, 1.80, -0.11, 0.11, PART_HEAD, skip=("bottom",))
    nose = _box(-0.03, 0.03, 1.62, 1.665, -0.17, -0.10, PART_NOSE, skip=("back",))  # bigger: seen far away
    visor = _box(-0.08, 0.08, 1.675, 1.71, -0.125, -0.10, PART_VISOR, skip=("back", "bottom"))
    chest = _box(-0.40, 0.40, 0.58, 0.72, -0.72, -0.60, PART_CHEST, skip=("back",))
    return np.concatenate([legs, torso, *arms, head, nose, visor, chest]).astype(np.float32)


BODY_LOD_DISTANCE = 10.0
"""Metres from the camera beyond which bodies are drawn with :func:`body_template_far`."""


def indexed(tris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Triangles (T*3, K) with shared vertices merged: (V, K) float32, (I,) uint32.
    Indexed drawing lets the rasteriser's vertex cache shade each corner once (a body:
    ~250 vertices instead of ~500)."""
    uniq, inv = np.unique(tris, axis=0, return_inverse=True)
    return np.ascontiguousarray(uniq, np.float32), inv.reshape(-1).astype(np.uint32)


def body_template_indexed() -> tuple[np.ndarray, np.ndarray]:
    """:func:`body_template`, indexed (see :func:`indexed`)."""
    return indexed(body_template())


# -- overlays ------------------------------------------------------------------------------

def _signed_area(pts: np.ndarray) -> float:
    x, z = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(z, -1)) - np.dot(np.roll(x, -1), z))


def triangulate(polygon) -> list[tuple[int, int, int]]:
    """Ear-clipping triangulation of a simple polygon [(x, z), ...] (either winding).

    Zones are hand-drawn polygons of a few to a few dozen points, so O(n^3) is fine. A
    self-intersecting polygon falls back to a fan (drawn, if oddly, rather than lost)."""
    pts = np.asarray(polygon, np.float64)
    n = len(pts)
    if n < 3:
        return []
    order = list(range(n))
    if _signed_area(pts) < 0:
        order.reverse()
    tris = []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    guard = 0
    while len(order) > 3 and guard < 10 * n * n:
        guard += 1
        m = len(order)
        for i in range(m):
            ia, ib, ic = order[i - 1], order[i], order[(i + 1) % m]
            a, b, c = pts[ia], pts[ib], pts[ic]
            if cross(a, b, c) <= 1e-12:
                continue  # reflex or flat: not an ear
            inside = False
            for j in order:
                if j in (ia, ib, ic):
                    continue
                p = pts[j]
                if cross(a, b, p) >= 0 and cross(b, c, p) >= 0 and cross(c, a, p) >= 0:
                    inside = True
                    break
            if not inside:
                tris.append((ia, ib, ic))
                order.pop(i)
                break
        else:
            break
    if len(order) == 3:
        tris.append(tuple(order))
    elif len(order) > 3:  # not simple: fan what is left
        tris.extend((order[0], order[k], order[k + 1]) for k in range(1, len(order) - 1))
    return tris


def _ribbon(points, closed: bool, y: float, half: float, rgba, arrows: bool) -> list[tuple]:
    """Triangles of a flat ribbon along a polyline, with a square on each joint and an
    arrowhead at each segment's middle pointing the way the actor walks."""
    out = []
    pts = [tuple(map(float, p)) for p in points]
    segs = list(zip(pts, pts[1:] + ([pts[0]] if closed else [])))
    if not closed:
        segs = list(zip(pts[:-1], pts[1:]))
    col = tuple(rgba)

    def v(x, z):
        return (x, y, z, *col, 0.0)

    for (ax, az), (bx, bz) in segs:
        dx, dz = bx - ax, bz - az
        ln = math.hypot(dx, dz)
        if ln < 1e-9:
            continue
        ux, uz = dx / ln, dz / ln
        nx, nz = -uz * half, ux * half
        a0, a1, b0, b1 = v(ax + nx, az + nz), v(ax - nx, az - nz), v(bx + nx, bz + nz), v(bx - nx, bz - nz)
        out += [a0, a1, b1, a0, b1, b0]
        if arrows and ln > 0.6:
            mx, mz = ax + dx * 0.5, az + dz * 0.5
            s = half * 4.0
            tip = v(mx + ux * s, mz + uz * s)
            l, r = v(mx - ux * s + nx * 3.0, mz - uz * s + nz * 3.0), v(mx - ux * s - nx * 3.0, mz - uz * s - nz * 3.0)
            out += [l, r, tip]
    for x, z in pts:
        out += [v(x - half, z - half), v(x + half, z - half), v(x + half, z + half),
                v(x - half, z - half), v(x + half, z + half), v(x - half, z + half)]
    return out


def path_owner_colors(level: Level) -> dict[int, tuple[int, int, int]]:
    """Path id -> colour of the first actor that walks it (Henry blue)."""
    out: dict[int, tuple[int, int, int]] = {}
    for a in (level.henry, *level.performers):
        if a.path is not None and a.path.id not in out:
            out[a.path.id] = HENRY_COLOR if a.kind == "henry" else tuple(a.color)
    return out


def overlay_mesh(level: Level, zones: bool = True, paths: bool = True) -> tuple[np.ndarray, int]:
    """Translucent overlay triangles (T*3, 8) and how many of the first vertices are zones
    (the rest are path ribbons)."""
    tris: list[tuple] = []
    if zones:
        for z in level.zones:
            r, g, b, a, hatch = ZONE_STYLE.get(z.kind, (0.8, 0.8, 0.8, 0.3, False))
            pts = list(z.polygon)
            for i, j, k in triangulate(pts):
                for p in (pts[i], pts[j], pts[k]):
                    tris.append((p[0], ZONE_Y, p[1], r, g, b, a, 1.0 if hatch else 0.0))
            tris += _ribbon(pts, True, ZONE_Y + 0.001, 0.03, (r, g, b, min(1.0, a + 0.4)), False)
    nzone = len(tris)
    if paths:
        owners = path_owner_colors(level)
        all_paths = {p.id: p for p in level.paths}
        for a in (level.henry, *level.performers):
            if a.path is not None:
                all_paths.setdefault(a.path.id, a.path)
        for pid, p in all_paths.items():
            c = owners.get(pid, (230, 230, 230))
            rgba = (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, 0.85)
            tris += _ribbon(p.points, p.closed, PATH_Y, PATH_HALF_WIDTH, rgba, True)
    arr = np.asarray(tris, np.float32).reshape(-1, OVERLAY_VERTEX)
    return arr, nzone
