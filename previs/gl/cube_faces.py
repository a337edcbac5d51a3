"""Where a wide lens's frame looks, as parts of a cube around the eye (pure numpy, no GL).

A wide lens (:class:`previs.lens.Lens` with ``wide``) sees more than a pinhole can draw, so
:mod:`previs.gl.lens_warp` draws the scene onto the faces of a cube centred on the eye and
then looks each frame pixel's direction up on them. Only what the frame uses is drawn: for
each face, the rectangle of its image plane that the frame's directions land on
(:func:`face_layout`), as an off-centre pinhole frustum, at a resolution matched to the
lens's own at the frame centre. The 16:9 frame of ``actioncam`` at its preset 121.3° uses
the front face and the inner ~2/3 of the side faces; ``equidistant`` at 150° reaches
86° off axis in the corners and so the up and down faces too. The back face is drawn only
by a lens that sees behind (none of previs's up to 150°).

Faces, in camera space (-Z forward, +X right, +Y up), each a pinhole looking along its
axis: 0 front (-Z), 1 right (+X), 2 left (-X), 3 up (+Y), 4 down (-Y), 5 back (+Z). A face's
**tangent coordinates** ``(a, b)`` of a direction ``d`` are ``(d'x, d'y) / -d'z`` with
``d' = FACE_ROT[i].T @ d``: a to the face's right, b to its up, the face's own square being
[-1, 1]². A direction belongs to the face whose axis it is nearest (its largest component),
the same rule the map shader (``assets/shaders/lens_map.frag``) applies, so neighbouring faces meet exactly at |a| = 1 or
|b| = 1. Each drawn rectangle reaches :data:`PAD_TEXELS` beyond that seam, so the warp's
bilinear samples there read drawn pixels, never the atlas's gaps.

Fog stays seamless: both faces' view depths are equal on their shared seam (the direction's
two largest components are equal there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .view_camera import rotation

FACE_ROT = np.stack([rotation(0, 0, 0), rotation(-90, 0, 0), rotation(90, 0, 0),
                     rotation(0, 90, 0), rotation(0, -90, 0), rotation(180, 0, 0)])
"""(6, 3, 3) camera-from-face rotations: front, right, left, up, down, back."""

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
    """(...) int face index of camera-space directions (..., 3): the largest component
    (ties: x before y before z, as the warp shader)."""
    d = np.asarray(dirs, np.float64)
    major = np.argmax(np.abs(d), axis=-1)
    sign = np.take_along_axis(d, major[..., None], -1)[..., 0] > 0
    table = np.array([[2, 1], [4, 3], [0, 5]])  # (major axis, positive) -> face
    return table[major, sign.astype(int)]


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
    # preset's dtheta/dr <= 1.07), and a radian is at most 2 tangent units on a face
    # (1/cos² 45°).
    slack = 1.5 * 2.0 * 1.1 * (2.0 * GRID_PX / w) / focal
    pad = PAD_TEXELS / density
    rects: list[FaceRect] = []
    x = 0
    for f in range(6):
        on = faces == f
        if not on.any():
            continue
        loc = dirs[on] @ FACE_ROT[f]  # the directions in the face's own axes (its axis -Z)
        ab = loc[:, :2] / -loc[:, 2:3]
        lo = np.maximum(ab.min(0) - slack, -1.0) - pad
        hi = np.minimum(ab.max(0) + slack, 1.0) + pad
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
