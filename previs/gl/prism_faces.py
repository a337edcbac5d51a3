"""Where a wide lens's frame looks, as faces of a prism around the eye (pure numpy, no GL).

A wide lens (:class:`previs.lens.Lens` with ``wide``) sees more than a pinhole can draw, so
:mod:`previs.gl.lens_warp` draws the scene onto the faces of a **hexagonal prism** centred
on the eye and then looks each frame pixel's direction up on them. Only what the frame uses
is drawn: for each face, the rectangle of its image plane that the frame's directions land
on (:func:`face_layout`), as an off-centre pinhole frustum, at a resolution matched to the
lens's own at the frame centre.

Why six sides and not a cube's four: a pinhole face holds ``1 / cos²`` of its centre's
pixel density toward its edges, twice at a cube face's 45° edge and 1.33 times at a
hexagonal face's 30°, and a 16:9 frame's used region is a barrel whose corners a square
face pays for unused. Measured for ``actioncam`` at 1280x720, ``QUALITY`` 0.7: the three
hexagonal faces hold 644 165 (121.3°) and 688 537 (150°) pixels, the cube's three held
983 782 and 1 006 132 (65% and 68%; the rectangles' bounds now also come from the frame's
border a pixel apart, not a grid 8 px apart grown by 1.5 steps), still three passes over
the scene (front and the two front-side faces, which reach 90° off axis); eight sides would
save ~7% more and need five passes at 150°.

Faces, in camera space (-Z forward, +X right, +Y up), each a pinhole looking along its
axis: the six **side faces** 0-5 look at yaw ``k * 60°`` to the right of forward (0 front,
1 front-right, 2 back-right, 3 back, 4 back-left, 5 front-left), 6 **up** (+Y), 7 **down**
(-Y). A face's **tangent coordinates** ``(a, b)`` of a direction ``d`` are
``(d'x, d'y) / -d'z`` with ``d' = FACE_ROT[i].T @ d``: a to the face's right, b to its
up. A direction belongs to the side face nearest its yaw (``floor(yaw / 60° + 1/2)``, yaw
``atan2(x, -z)``), unless its height is more than :data:`UP_RATIO` times its depth along
that face's axis (``|b| > UP_RATIO``: more than 56° up or down): then to the up or down
face (:func:`face_of`, the rule the map shader ``assets/shaders/lens_map.frag`` applies
too). So side faces reach ``|a| <= tan 30°`` and ``|b| <= UP_RATIO``; a 16:9 frame up to
150° needs no up or down face. Each drawn rectangle reaches :data:`PAD_TEXELS` beyond its
last direction, so the warp's bilinear samples there read drawn pixels, never the atlas's
gaps.

Fog, by view depth along each face's axis, stays seamless between side faces (at their
shared seam a direction's depth along either axis is ``cos 30°`` of its horizontal length);
between a side face and the up or down face it steps (a tall frame only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .view_camera import rotation

SIDES = 6
"""Side faces of the prism, every ``360° / SIDES`` of yaw (``assets/shaders/lens_map.frag``
writes the same six and 60° and holds 8 faces: change both together)."""
SIDE_STEP = 360.0 / SIDES
"""Degrees of yaw between neighbouring side faces' axes."""
SIDE_REACH = math.tan(math.radians(SIDE_STEP / 2.0))
"""Tangent units: how far a side face reaches either side of its axis (its seam, 30°)."""
UP, DOWN = SIDES, SIDES + 1
"""Face indices of the up (+Y) and down (-Y) faces."""
FACES = SIDES + 2

FACE_ROT = np.stack([rotation(-SIDE_STEP * k, 0, 0) for k in range(SIDES)]
                    + [rotation(0, 90, 0), rotation(0, -90, 0)])
"""(FACES, 3, 3) camera-from-face rotations: the side faces by yaw (0 front, 1 front-right,
..., 5 front-left), then up and down."""

UP_RATIO = 1.5
"""A direction is drawn from the up (down) face when its height is more than this times its
depth along its side face's axis (more than 56° up or down of that axis)."""

TOP_REACH = 1.0 / (UP_RATIO * math.cos(math.radians(SIDE_STEP / 2.0)))
"""Tangent units: how far the up and down faces reach from their axis (a direction whose
side-face depth is at least ``cos 30°`` of its horizontal length)."""

PAD_TEXELS = 3
"""Texels each drawn face rectangle reaches beyond the last direction on it: room for the
warp's bilinear samples."""

GRID_PX = 8
"""Pixels between the frame points whose directions tell which faces a frame uses and
whether a face's region reaches its seams."""

EDGE_PX = 1
"""Pixels between the points along the frame's border that bound each face's rectangle:
a face's tangent coordinates have no extremum inside the frame (the frame-to-face mapping is
smooth and one to one), so they are reached on the border or at a seam."""


@dataclass(frozen=True)
class FaceRect:
    """One face to draw: ``face`` (index into :data:`FACE_ROT`), its tangent-coordinate
    bounds ``a0 < a1``, ``b0 < b1``, and its place in the atlas: ``x, y`` (pixels from the
    atlas's first row and column) and ``w, h`` (pixels)."""

    face: int
    a0: float
    a1: float
    b0: float
    b1: float
    x: int
    y: int
    w: int
    h: int


def face_of(dirs: np.ndarray) -> np.ndarray:
    """(...) int face index of camera-space directions (..., 3): the side face nearest the
    yaw, or up or down when the height is more than :data:`UP_RATIO` times the depth along
    that side face's axis, as the map shader."""
    d = np.asarray(dirs, np.float64)
    x, y, z = d[..., 0], d[..., 1], d[..., 2]
    yaw = np.degrees(np.arctan2(x, -z))  # 0 forward, +90 right
    side = np.mod(np.floor(yaw / SIDE_STEP + 0.5), SIDES).astype(np.int64)
    axis = np.radians(side * SIDE_STEP)
    depth = x * np.sin(axis) - z * np.cos(axis)  # along the side face's axis
    return np.where(np.abs(y) > UP_RATIO * depth, np.where(y > 0, UP, DOWN), side)


def _tangent(dirs: np.ndarray, face: int) -> np.ndarray:
    loc = dirs @ FACE_ROT[face]  # the directions in the face's own axes (its axis -Z)
    return loc[:, :2] / -loc[:, 2:3]


def face_layout(lens, hfov: float, size: tuple[int, int], quality: float = 1.0) -> tuple[FaceRect, ...]:
    """The face rectangles a ``lens`` frame of ``hfov`` degrees at ``size`` (width, height
    pixels) needs, laid side by side in one atlas row (1 px apart). ``quality`` scales the
    pixels per tangent unit: 1 draws the faces at the frame's own density at its centre
    (the focal length in pixels, ``lens.focal(hfov) * width / 2``: the models all have
    dr/dtheta = 1 on axis).

    Which faces: those the directions of a grid of frame points every :data:`GRID_PX`
    land on. How far each reaches: to its seam where the face's points come within a grid
    step of it, else to the extreme of the frame's border points (every :data:`EDGE_PX`)
    on it, plus a border step and :data:`PAD_TEXELS`."""
    w, h = size

    def frame_points(step: int, border: bool) -> np.ndarray:
        xs = np.unique(np.minimum(np.arange(0, w + step, step), w)) / w * 2.0 - 1.0
        ys = np.unique(np.minimum(np.arange(0, h + step, step), h)) / h * 2.0 - 1.0
        if not border:
            return np.stack(np.meshgrid(xs, ys * (h / w), indexing="xy"), -1).reshape(-1, 2)
        top, side = h / w, np.ones_like(ys)
        return np.concatenate([np.column_stack([xs, np.full_like(xs, -top)]), np.column_stack([xs, np.full_like(xs, top)]),
                               np.column_stack([-side, ys * top]), np.column_stack([side, ys * top])])

    grid = lens.unproject(frame_points(GRID_PX, False), hfov)
    edge = lens.unproject(frame_points(EDGE_PX, True), hfov)
    grid_face, edge_face = face_of(grid), face_of(edge)
    focal = float(lens.focal(hfov))
    density = quality * focal * w / 2.0  # pixels per tangent unit

    def slack(step_px: int, reach: np.ndarray) -> float:
        # A step of step_px (frame units 2 * step / w) turns at most 1.1 rad per unit / focal
        # (the preset's dtheta/dr <= 1.07), and a radian is at most 1 + |reach|² tangent
        # units on the face (1 / cos² at its farthest corner); 1.5 steps for margin.
        return 1.5 * (1.0 + float(reach @ reach)) * 1.1 * (2.0 * step_px / w) / focal

    pad = PAD_TEXELS / density
    rects: list[FaceRect] = []
    x = 0
    for f in range(FACES):
        on = grid_face == f
        if not on.any():
            continue
        reach = np.array([SIDE_REACH, UP_RATIO]) if f < SIDES else np.full(2, TOP_REACH)
        ab = _tangent(grid[on], f)
        pts = np.vstack([ab, _tangent(edge[edge_face == f], f)])
        near_seam, step = slack(GRID_PX, reach), slack(EDGE_PX, reach)
        lo = np.where(ab.min(0) - near_seam <= -reach, -reach, np.maximum(pts.min(0) - step, -reach)) - pad
        hi = np.where(ab.max(0) + near_seam >= reach, reach, np.minimum(pts.max(0) + step, reach)) + pad
        fw = max(1, int(math.ceil((hi[0] - lo[0]) * density)))
        fh = max(1, int(math.ceil((hi[1] - lo[1]) * density)))
        # The rectangle grows to whole pixels (about its centre) so a texel is square.
        ca, cb = (lo + hi) / 2.0
        ha, hb = fw / density / 2.0, fh / density / 2.0
        rects.append(FaceRect(f, ca - ha, ca + ha, cb - hb, cb + hb, x, 0, fw, fh))
        x += fw + 1
    return tuple(rects)


def face_projection(r: FaceRect, near: float, far: float) -> np.ndarray:
    """4x4 OpenGL projection of a face rectangle: the off-centre frustum whose image plane
    at distance 1 spans [a0, a1] x [b0, b1] (``glFrustum`` with the bounds times ``near``)."""
    P = np.zeros((4, 4))
    P[0, 0] = 2.0 / (r.a1 - r.a0)
    P[0, 2] = (r.a1 + r.a0) / (r.a1 - r.a0)
    P[1, 1] = 2.0 / (r.b1 - r.b0)
    P[1, 2] = (r.b1 + r.b0) / (r.b1 - r.b0)
    P[2, 2] = (far + near) / (near - far)
    P[2, 3] = 2.0 * far * near / (near - far)
    P[3, 2] = -1.0
    return P


def face_view(cam_rotation: np.ndarray, eye, face: int) -> np.ndarray:
    """4x4 face-from-world view matrix of a face of a camera (world-from-camera
    ``cam_rotation``, ``eye`` metres)."""
    R = cam_rotation @ FACE_ROT[face]
    V = np.eye(4)
    V[:3, :3] = R.T
    V[:3, 3] = -R.T @ np.asarray(eye, np.float64)
    return V
