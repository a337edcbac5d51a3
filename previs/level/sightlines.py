"""Sight lines through the wall grid: is a point hidden from an eye by wall blocks?

The one occlusion rule, used by the plan's visibility (:mod:`previs.plan.visibility`:
who is in view) and by the level check (:mod:`previs.level.slips`: a look at someone
walls hide). Ground positions are ``(x, z)`` metres, heights ``y`` metres up (above y = 0:
on floors with height, callers add the floor under the point).

- **Test points**: a standing performer is tested at its chest (:data:`CHEST` = 0.75 x its
  height, where Henry's looks aim) and its head (:data:`HEAD` = 0.95 x height); one that is
  down lies on the floor and is tested at :data:`DOWN_POINT_HEIGHT` (0.2 m)
  (:func:`target_heights`).
- **Walls**: the sight line from the eye to the point is traced cell by cell through the
  wall grid (2D DDA, Amanatides & Woo, on the ground plane) and is blocked by a wall cell
  where the line passes *below the top of the block*: over a cell the line spans heights
  between its heights where it enters and leaves the cell, so it is blocked when the lower
  of those two is under the block's height. That is exact for box-shaped blocks: a low
  wall (a counter, a car bonnet) under both eye and target never blocks, and a line
  falling steeply to a body on the floor is blocked by a low wall just in front of it.
  Grazing a block's top edge exactly does not block; off-grid is open floor.
- **Floors** (issue 14, :class:`~.floors.Floors`): a block stands on its cell's floor, so
  its top is ``floor + height`` (``Walls.top``), and the floor of every cell blocks like a
  block of its own as tall as the floor's lowest point in the cell (a ramp blocks at its
  low edge): a landing's edge hides a performer standing below it, a pit's rim one in
  the pit. On a flat level (``walls.floors`` None) only wall cells are traced.

The DDA advances all still-unresolved sight lines together, one cell step per loop
iteration (the loop is over steps, never over lines).
"""

from __future__ import annotations

import numpy as np

CHEST = 0.75
HEAD = 0.95
DOWN_POINT_HEIGHT = 0.2


def target_heights(height: np.ndarray, down: np.ndarray) -> np.ndarray:
    """``(..., 2)`` heights (m) of a performer's two test points: chest and head of a body
    ``height`` m tall, or both :data:`DOWN_POINT_HEIGHT` where ``down`` (shapes broadcast)."""
    h = np.asarray(height, dtype=np.float64)
    down = np.asarray(down)
    standing = np.stack([CHEST * h, HEAD * h], axis=-1)
    if not down.any():  # nobody down: one row for every frame, read-only (1000 performers x
        # 4320 frames made a 69 MB copy whose page faults cost ~0.5 s of system time)
        return np.broadcast_to(standing, np.broadcast_shapes(standing.shape[:-1], down.shape) + (2,))
    return np.where(down[..., None], DOWN_POINT_HEIGHT, standing)


def _clip_to_grid(x0, z0, dx, dz, width, depth):
    """Liang-Barsky: parameter interval [t0, t1] of segment p0 + t*d (t in [0, 1]) inside
    the box [0, width] x [0, depth]; t0 > t1 where it misses."""
    t0 = np.zeros_like(x0)
    t1 = np.ones_like(x0)
    for p, d, hi in ((x0, dx, width), (z0, dz, depth)):
        with np.errstate(divide="ignore", invalid="ignore"):
            ta = (0.0 - p) / d
            tb = (hi - p) / d
        lo = np.where(d > 0, ta, tb)
        up = np.where(d > 0, tb, ta)
        par = d == 0
        inside = (p >= 0) & (p <= hi)
        lo = np.where(par, np.where(inside, -np.inf, np.inf), lo)
        up = np.where(par, np.where(inside, np.inf, -np.inf), up)
        t0 = np.maximum(t0, lo)
        t1 = np.minimum(t1, up)
    return t0, t1


def occluded(walls, eye: np.ndarray, target: np.ndarray, target_y: np.ndarray) -> np.ndarray:
    """``(N, K)`` bool: the sight line from ``eye`` (N, 3) to ground point ``target`` (N, 2)
    ``(x, z)`` at heights ``target_y`` (N, K) passes through a wall block.

    Sight lines whose bounding box of cells holds no wall (a summed-area table answers
    that in O(1)) are clear without tracing. The rest advance together one cell per loop
    iteration; finished or fully blocked lines are dropped from the working arrays
    whenever a quarter of them is done."""
    N = eye.shape[0]
    K = target_y.shape[1]
    blocked = np.zeros((N, K), dtype=bool)
    floors = walls.floors
    if N == 0 or walls.rows == 0 or walls.cols == 0 or (floors is None and not walls.solid.any()):
        return blocked
    c = float(walls.cell)
    if floors is None:
        H = np.where(walls.solid, walls.height, 0.0).astype(np.float64)
    else:  # every cell can block: its floor (a landing's edge, a pit's rim) or its block on it
        H = walls.top.astype(np.float64)
    R, C = H.shape
    # A border of open cells around the grid: a step that float rounding carries one
    # cell past the edge lands in open floor instead of wrapping to the next row.
    Hf = np.pad(H, 1).ravel()
    Tf = np.pad(walls.solid if floors is None else np.ones((R, C), bool), 1).ravel()  # cells to test
    CP = C + 2
    # Work in cell units.
    x0 = eye[:, 0] / c
    z0 = eye[:, 2] / c
    x1 = target[:, 0] / c
    z1 = target[:, 1] / c
    # Prune: no solid cell in the (clamped) bounding box of cells -> clear.
    c0 = np.clip(np.floor(np.minimum(x0, x1)), 0, C - 1).astype(np.int64)
    c1 = np.clip(np.floor(np.maximum(x0, x1)), 0, C - 1).astype(np.int64) + 1
    r0 = np.clip(np.floor(np.minimum(z0, z1)), 0, R - 1).astype(np.int64)
    r1 = np.clip(np.floor(np.maximum(z0, z1)), 0, R - 1).astype(np.int64) + 1
    walls_in_box = walls.solid_in_boxes(r0, c0, r1, c1)
    dx = x1 - x0
    dz = z1 - z0
    t0, t1 = _clip_to_grid(x0, z0, dx, dz, float(C), float(R))
    idx = np.flatnonzero((t0 < t1) & ((walls_in_box > 0) | (floors is not None)))
    if idx.size == 0:
        return blocked
    x0, z0, dx, dz, t0, t1 = (a[idx] for a in (x0, z0, dx, dz, t0, t1))
    ye = eye[idx, 1]
    dy = target_y[idx] - ye[:, None]  # (A, K)
    # Start cell: the point just inside the grid at t0 (clamped into range).
    tm = np.minimum(t0 + 1e-9, t1)
    col = np.clip(np.floor(x0 + tm * dx), 0, C - 1).astype(np.int64)
    row = np.clip(np.floor(z0 + tm * dz), 0, R - 1).astype(np.int64)
    sx = np.where(dx > 0, 1, -1)
    sz = np.where(dz > 0, CP, -CP)  # a row step moves the flat (padded) cell index by C + 2
    with np.errstate(divide="ignore", invalid="ignore"):
        tdx = np.where(dx != 0, 1.0 / np.abs(dx), np.inf)
        tdz = np.where(dz != 0, 1.0 / np.abs(dz), np.inf)
        tmx = np.where(dx != 0, ((col + (dx > 0)) - x0) / dx, np.inf)
        tmz = np.where(dz != 0, ((row + (dz > 0)) - z0) / dz, np.inf)
    # The ray leaves the grid (or ends) at t1, so the cell stays on the grid while t < t1
    # (the clip and the cell boundaries are the same float expressions); no per-step
    # bounds test is needed, and the border absorbs any last-step rounding.
    cell = (row + 1) * CP + (col + 1)
    t = t0
    t1 = t1.copy()
    ids = np.arange(idx.size)
    res = np.zeros((idx.size, K), dtype=bool)
    while True:
        live = t < t1  # finished and fully blocked lines have t >= t1
        n_live = int(np.count_nonzero(live))
        if n_live == 0:
            break
        if n_live < 0.75 * live.size:  # drop finished lines now and then, not every step
            ids, cell, tmx, tmz, t, t1, tdx, tdz, sx, sz = (
                a[live] for a in (ids, cell, tmx, tmz, t, t1, tdx, tdz, sx, sz)
            )
            live = None
        step_x = tmx <= tmz
        tn = np.minimum(np.minimum(tmx, tmz), t1)
        h = np.take(Hf, cell, mode="clip")  # lines already done may have walked off: clip
        solid = np.take(Tf, cell, mode="clip")
        if live is not None:
            solid &= live
        s = np.flatnonzero(solid)
        if s.size:
            a = ids[s]
            d = dy[a]
            ya = ye[a, None] + t[s, None] * d
            yb = ye[a, None] + tn[s, None] * d
            res[a] |= np.minimum(ya, yb) < h[s, None]
            done = res[a].all(axis=1)
            t1[s[done]] = -np.inf
        # Step to the next cell: along x where x's boundary comes first, else along z.
        cell = cell + np.where(step_x, sx, sz)
        tmx = np.where(step_x, tmx + tdx, tmx)
        tmz = np.where(step_x, tmz, tmz + tdz)
        t = tn
    blocked[idx] = res
    return blocked
