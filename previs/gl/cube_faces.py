"""Where a wide lens's frame looks, as parts of a cube around the eye (pure numpy, no GL).

A wide lens (:class:`previs.lens.Lens` with ``wide``) sees more than a pinhole can draw, so
:mod:`previs.gl.lens_warp` draws the scene onto the faces of a cube centred on the eye and
then looks each frame pixel's direction up on them. Only what the frame uses is drawn: for
each face, the rectangle of its image plane that the frame's directions land on
(:func:`face_layout`), as an off-centre pinhole frustum, at a resolution matched to the
lens's own at the frame centre. The 16:9 frame of ``actioncam`` at its preset 121.3° uses
the front face and the inner ~2/3 of the side faces; at 150° the side faces reach 86° off
axis in the corners. The up and down faces are drawn only for a frame that looks more than
56° up or down (a tall frame: no 16:9 frame up to 150°), the back face only for a lens that
sees behind (none of previs's).

Faces, in camera space (-Z forward, +X right, +Y up), each a pinhole looking along its
axis: 0 front (-Z), 1 right (+X), 2 left (-X), 3 up (+Y), 4 down (-Y), 5 back (+Z). A face's
**tangent coordinates** ``(a, b)`` of a direction ``d`` are ``(d'x, d'y) / -d'z`` with
``d' = FACE_ROT[i].T @ d``: a to the face's right, b to its up, the face's own square being
[-1, 1]². A direction belongs to the up or down face when its height component is more
than :data:`UP_RATIO` times both horizontal ones; else to the front, right, left or back
face, the larger horizontal component deciding (:func:`face_of`, the rule the map shader
``assets/shaders/lens_map.frag`` applies too). So the four side faces meet at |a| = 1
and reach up and down to |b| = :data:`UP_RATIO` (56°); a 16:9 frame up to 150° needs only
three faces (every face drawn is a pass over the scene: two passes fewer at 150°). Each
drawn rectangle reaches :data:`PAD_TEXELS` beyond its last direction, so the warp's
bilinear samples there read drawn pixels, never the atlas's gaps.

Fog, by view depth along each face's axis, stays seamless between side faces (both depths
are equal where the two horizontal components are); between a side face and the up or down
face it steps (a tall frame only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .view_camera import rotation

FACE_ROT = np.stack([rotation(0, 0, 0), rotation(-90, 0, 0), rotation(90, 0, 0),
                     rotation(0, 90, 0), rotation(0, -90, 0), rotation(180, 0, 0)])
"""(6, 3, 3) camera-from-face rotations: front, right, left, up, down, back."""

UP_RATIO = 1.5
"""A direction is drawn from the up (down) face when its height is more than this times
both its horizontal components (more than 56° up or down of every side face's axis)."""

PAD_TEXELS = 3
"""Texels each drawn face rectangle reaches beyond the last mesh vertex on it: room for
the warp's bilinear samples."""

GRID_PX = 8
"""Pixels between the frame points whose directions bound each face's rectangle; the
rectangles are grown by 1.5 grid steps so no pixel between them falls outside."""


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
    """(...) int face index of camera-space directions (..., 3): up or down when the height
    is more than :data:`UP_RATIO` times both horizontal components, else the larger
    horizontal component's face (ties: x), as the map shader."""
    d = np.asarray(dirs, np.float64)
    x, y, z = d[..., 0], d[..., 1], d[..., 2]
    ax, az = np.abs(x), np.abs(z)
    side = np.where(ax >= az, np.where(x > 0, 1, 2), np.where(z > 0, 5, 0))
    return np.where(np.abs(y) > UP_RATIO * np.maximum(ax, az), np.where(y > 0, 3, 4), side)


def face_layout(lens, hfov: float, size: tuple[int, int], quality: float = 1.0) -> tuple[FaceRect, ...]:
    """The face rectangles a ``lens`` frame of ``hfov`` degrees at ``size`` (width, height
    pixels) needs, laid side by side in one atlas row (1 px apart). ``quality`` scales the
    pixels per tangent unit: 1 draws the faces at the frame's own density at its centre
    (the focal length in pixels, ``lens.focal(hfov) * width / 2``: the models all have
    dr/dtheta = 1 on axis)."""
    w, h = size
    xs = np.unique(np.minimum(np.arange(0, w + GRID_PX, GRID_PX), w)) / w * 2.0 - 1.0
    ys = np.unique(np.minimum(np.arange(0, h + GRID_PX, GRID_PX), h)) / h * 2.0 - 1.0
    uv = np.stack(np.meshgrid(xs, ys * (h / w), indexing="xy"), -1).reshape(-1, 2)
    dirs = lens.unproject(uv, hfov)
    faces = face_of(dirs)
    focal = float(lens.focal(hfov))
    density = quality * focal * w / 2.0  # pixels per tangent unit
    # A grid step (in frame units, u across) turns at most 1.1 rad per unit / focal (the
    # preset's dtheta/dr <= 1.07), and a radian is at most 1 + UP_RATIO² tangent units on a
    # face (1/cos² of 56°).
    slack = 1.5 * (1.0 + UP_RATIO ** 2) * 1.1 * (2.0 * GRID_PX / w) / focal
    pad = PAD_TEXELS / density
    rects: list[FaceRect] = []
    x = 0
    for f in range(6):
        on = faces == f
        if not on.any():
            continue
        loc = dirs[on] @ FACE_ROT[f]  # the directions in the face's own axes (its axis -Z)
        ab = loc[:, :2] / -loc[:, 2:3]
        # How far the face reaches: side faces |a| <= 1, |b| <= UP_RATIO; up and down 1/UP_RATIO.
        reach = np.array([1.0, UP_RATIO]) if f in (0, 1, 2, 5) else np.full(2, 1.0 / UP_RATIO)
        lo = np.maximum(ab.min(0) - slack, -reach) - pad
        hi = np.minimum(ab.max(0) + slack, reach) + pad
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
