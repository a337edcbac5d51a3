"""Which performers the POV camera sees, frame by frame, and which are in view per shot.

A performer is **visible** on a frame when at least one of its test points is both inside
the camera's frustum and not hidden behind a wall:

- **Test points** (:func:`previs.level.sightlines.target_heights`): a performer's chest
  (where Henry's looks aim) and head; one that is down, a point just above the floor.
  Down performers still count: a body on the floor in frame is part of the shot and
  matters for continuity.
- **Frustum**: the point, taken into camera space (see :mod:`previs.plan.orientation`), is in
  front of the camera by more than :data:`NEAR` (0.05 m) and within the horizontal field
  of view (the track's hfov) and the vertical one (from hfov at 16:9). That is the
  ``rectilinear`` lens; with a wide lens (the level's ``lens``, :mod:`previs.lens`) the
  point is more than :data:`NEAR` from the lens and lands inside the 16:9 frame of that
  lens at the track's hfov (:meth:`previs.lens.Lens.in_frame`: the same test the drawn
  picture's warp inverts), so a performer 65° off axis is in a 150° actioncam frame.
- **Walls**: the sight line from the eye to the point passes below the top of no wall
  block, as :func:`previs.level.sightlines.occluded` traces it (the level check's rule too).

Everything is vectorised over frames x performers: the frustum test is array algebra and
the DDA advances all still-unresolved sight lines together, one cell step per loop
iteration (the loop is over steps, never over frames or performers). Only sight lines
with a point inside the frustum are traced; the chest and head lines of one performer
share their ground-plane path, so one traversal tests both.
"""

from __future__ import annotations

import numpy as np

from ..lens import Lens, lens_named
from ..level.sightlines import CHEST, DOWN_POINT_HEIGHT, HEAD, occluded, target_heights
from .orientation import WIDESCREEN, rotation_matrices

__all__ = ["CHEST", "DOWN_POINT_HEIGHT", "HEAD", "in_frustum", "in_view_per_shot", "occluded", "point_heights",
           "visible_frames"]

NEAR = 0.05
"""metres: points closer in front of the lens than this are not in view."""

IN_VIEW_FRACTION = 0.25
CHUNK_POINTS = 100_000
"""(frame, performer) pairs handled at once: bounds memory, keeps arrays cache-sized."""
"""A performer is in view for a shot when visible on at least this fraction of its frames."""


PINHOLE = lens_named("rectilinear")


def in_frustum(track, points: np.ndarray, aspect: float = WIDESCREEN, lens: Lens = PINHOLE) -> np.ndarray:
    """``(F, ...)`` bool: world ``points`` ``(F, ..., 3)`` inside frame f's frustum (the
    frame of ``lens`` at the track's hfov)."""
    F = len(track)
    R = rotation_matrices(track.yaw, track.pitch, track.roll)  # (F, 3, 3)
    shape = points.shape[:-1]
    pts = points.reshape(F, -1, 3)
    rx = pts[..., 0] - track.pos[:, 0, None]
    ry = pts[..., 1] - track.pos[:, 1, None]
    rz = pts[..., 2] - track.pos[:, 2, None]
    # Camera space = R.T @ rel: component i is column i of R dotted with rel.
    def comp(i):
        return R[:, 0, i, None] * rx + R[:, 1, i, None] * ry + R[:, 2, i, None] * rz

    if lens.wide:
        return _in_wide_frame(lens, comp(0), comp(1), comp(2), track.hfov[:, None], aspect).reshape(shape)
    depth = -comp(2)
    th = np.tan(np.radians(track.hfov) / 2.0)[:, None]
    lim = depth * th
    ok = (depth > NEAR) & (np.abs(comp(0)) <= lim) & (np.abs(comp(1)) <= lim / aspect)
    return ok.reshape(shape)


def _in_wide_frame(lens: Lens, cx, cy, cz, hfov, aspect: float) -> np.ndarray:
    """Camera-space points ``(cx, cy, cz)`` (metres, same shape) more than :data:`NEAR`
    from the lens and inside the frame of wide ``lens`` at ``hfov`` (degrees, broadcasting
    against them)."""
    near = cx * cx + cy * cy + cz * cz > NEAR * NEAR
    return near & lens.in_frame(np.stack([cx, cy, cz], axis=-1), hfov, aspect)


def _in_frustum_xz(R: np.ndarray, pos: np.ndarray, hfov: np.ndarray, xz: np.ndarray, ys: np.ndarray,
                   aspect: float, lens: Lens = PINHOLE) -> np.ndarray:
    """:func:`in_frustum` for points given as ground positions ``xz`` (F, P, 2) with
    heights ``ys`` (F, P, K), for cameras ``R`` (F, 3, 3) at ``pos`` (F, 3) with ``hfov``
    (F,) through ``lens``: the ground part of the camera-space transform is shared by the
    K points of a performer."""
    dx = xz[..., 0] - pos[:, 0, None]
    dz = xz[..., 1] - pos[:, 2, None]
    dy = ys - pos[:, 1, None, None]

    def comp(i):  # camera-space component i = column i of R . (p - eye)
        ground = R[:, 0, i, None] * dx
        ground += R[:, 2, i, None] * dz
        c = R[:, 1, i, None, None] * dy
        c += ground[..., None]  # the same sum as ground + height part, in place
        return c

    if lens.wide:
        return _in_wide_frame(lens, comp(0), comp(1), comp(2), hfov[:, None, None], aspect)
    # The pinhole test in place, one comparison at a time: (F, P, K) float temporaries are
    # what it costs (a 1000-performer battle: 8.6 million points, ~0.15 s of 0.4).
    depth = comp(2)
    np.negative(depth, out=depth)
    ok = depth > NEAR
    lim = depth
    lim *= np.tan(np.radians(hfov) / 2.0)[:, None, None]
    c = comp(0)
    ok &= np.abs(c, out=c) <= lim
    c = comp(1)
    lim /= aspect
    ok &= np.abs(c, out=c) <= lim
    return ok


def _any_point(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=-1)`` for a performer's K test points: with K = 2 one elementwise or
    (numpy's reduction over a last axis of two took 0.1 s of a 1000-performer battle)."""
    if a.shape[-1] == 2:
        return a[..., 0] | a[..., 1]
    return a.any(axis=-1)


def point_heights(level, motion) -> np.ndarray:
    """``(F, P, 2)`` heights (m, y up) of each performer's two test points on every frame
    (over the floor the performer stands on: ``motion.perf_floor``; for a motion-like view
    without it, of a few frames, the raw floor under them: ``Floors.height_at``)."""
    return _heights(level, motion, slice(None))


def _heights(level, motion, frames: slice, h: np.ndarray | None = None) -> np.ndarray:
    """:func:`point_heights` of the frames ``frames`` only; ``h``: the performers' heights
    (m), if already read."""
    if h is None:
        h = np.array([p.height for p in level.performers], dtype=np.float64)
    ys = target_heights(h[None, :], np.asarray(motion.perf_down)[frames])
    floors = level.walls.floors
    if floors is not None:  # above the floor each performer stands on
        floor = getattr(motion, "perf_floor", None)
        if floor is None:  # a motion-like view of some frames only: the raw floor under them
            xz = np.asarray(motion.perf_xz, np.float64)[frames]
            floor = floors.height_at(xz[..., 0], xz[..., 1])
        else:
            floor = np.asarray(floor)[frames]
        ys = ys + floor[..., None]
    return ys


def visible_frames(level, motion, aspect: float = WIDESCREEN) -> np.ndarray:
    """``(F, P)`` bool: performer p is visible on frame f through the level's lens (see
    the module doc)."""
    track = motion.track
    F = len(track)
    P = len(level.performers)
    if P == 0:
        return np.zeros((F, 0), dtype=bool)
    xz = np.asarray(motion.perf_xz, dtype=np.float64)  # (F, P, 2)
    R = rotation_matrices(track.yaw, track.pitch, track.roll)
    lens = lens_named(level.settings.lens)
    h = np.array([p.height for p in level.performers], dtype=np.float64)
    vis = np.zeros(F * P, dtype=bool)  # (F, P), flat: one index per (frame, performer)
    step = max(1, CHUNK_POINTS // P)  # frames per chunk: bounded memory on long fights
    for a in range(0, F, step):
        b = min(F, a + step)
        # Heights a chunk at a time too: all of a 3-minute battle's are 69 MB, whose fresh
        # pages cost more to fault in than the heights cost to work out.
        ys = _heights(level, motion, slice(a, b), h)
        inside = _in_frustum_xz(R[a:b], track.pos[a:b], track.hfov[a:b], xz[a:b], ys, aspect, lens)
        # The (frame, performer) pairs with a point in the frame, as flat indices: one take
        # per array instead of a two-index gather (a million pairs in a 1000-performer battle).
        hit = np.flatnonzero(_any_point(inside))
        if hit.size == 0:
            continue
        K = ys.shape[-1]
        eye = np.take(track.pos[a:b], hit // P, axis=0)
        blocked = occluded(level.walls, eye, np.take(xz[a:b].reshape(-1, 2), hit, axis=0),
                           np.take(ys.reshape(-1, K), hit, axis=0))
        vis[a * P + hit] = _any_point(np.take(inside.reshape(-1, K), hit, axis=0) & ~blocked)
    return vis.reshape(F, P)


def in_view_per_shot(visible: np.ndarray, bounds, fraction: float = IN_VIEW_FRACTION) -> list[list[int]]:
    """For each shot ``(start, end)`` (end exclusive), the performer indices visible on at
    least ``fraction`` of its frames, in performer order. Each shot's frames are counted
    on their own (shots do not overlap): a running sum over the whole fight was a 35 MB
    array for a 1000-performer battle, 50 ms."""
    out = []
    for start, end in bounds:
        n = end - start
        counts = np.count_nonzero(visible[start:end], axis=0) if n > 0 else None
        out.append(np.flatnonzero(counts >= fraction * n).tolist() if n > 0 else [])
    return out
