"""Camera matrices for the renderer, in the level contract's axes (pure numpy, no GL).

World: right-handed, Y up, metres; x = east, z = south. A camera at rest looks down -Z
(north) with +X to its right. Its orientation applies roll (about Z), then pitch (about
X, + looks up), then yaw (about Y, + turns left / toward west): ``R = Ry @ Rx @ Rz`` for
column vectors, the same as :mod:`previs.plan.orientation` and the USD/``.chan`` exports.

Matrices are row-major numpy float32 for column vectors (``clip = P @ V @ world``); the
GL helpers upload them transposed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..rotations import rotation

NEAR = 0.05
"""Metres: near clip. Henry's eye can come within his 0.3 m radius of a wall; 5 cm keeps
the wall in view while leaving depth precision for 24-bit depth at 100 m+."""


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: ``eye`` (x, y, z) metres; ``yaw``/``pitch``/``roll``/``hfov`` deg."""

    eye: tuple[float, float, float]
    yaw: float
    pitch: float = 0.0
    roll: float = 0.0
    hfov: float = 90.0

    @classmethod
    def from_frame(cls, fs) -> "Camera":
        """The POV camera of a :class:`previs.sim.motion.FrameState`."""
        return cls(tuple(fs.eye), fs.yaw, fs.pitch, fs.roll, fs.hfov)

    def rotation(self) -> np.ndarray:
        return rotation(self.yaw, self.pitch, self.roll)

    def forward(self) -> np.ndarray:
        """Unit view direction in world space (the camera's -Z axis)."""
        return -self.rotation()[:, 2]


def view_matrix(cam: Camera) -> np.ndarray:
    """4x4 camera-from-world: ``R.T @ (p - eye)``."""
    R = cam.rotation()
    V = np.eye(4)
    V[:3, :3] = R.T
    V[:3, 3] = -R.T @ np.asarray(cam.eye, dtype=np.float64)
    return V


def vfov(hfov: float, aspect: float) -> float:
    """Vertical field of view (deg) that gives horizontal ``hfov`` at ``aspect`` = w / h."""
    return math.degrees(2.0 * math.atan(math.tan(math.radians(hfov) / 2.0) / aspect))


def projection(hfov: float, aspect: float, near: float = NEAR, far: float = 200.0) -> np.ndarray:
    """OpenGL perspective projection from the *horizontal* fov (the level's ``hfov``)."""
    fx = 1.0 / math.tan(math.radians(hfov) / 2.0)  # x scale from hfov directly
    fy = fx * aspect
    P = np.zeros((4, 4))
    P[0, 0] = fx
    P[1, 1] = fy
    P[2, 2] = (far + near) / (near - far)
    P[2, 3] = 2.0 * far * near / (near - far)
    P[3, 2] = -1.0
    return P


def view_projection(cam: Camera, aspect: float, near: float = NEAR, far: float = 200.0) -> np.ndarray:
    """``P @ V`` as float32, ready for :func:`previs.gl.glapi.set_mat4`."""
    return (projection(cam.hfov, aspect, near, far) @ view_matrix(cam)).astype(np.float32)


def project(cam: Camera, aspect: float, points) -> np.ndarray:
    """Normalised device coordinates (N, 3) of world points (N, 3); for tests and picking.
    x right and y up in [-1, 1] when on screen; points behind the camera get w < 0."""
    pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
    h = np.column_stack([pts, np.ones(len(pts))])
    clip = (projection(cam.hfov, aspect) @ view_matrix(cam) @ h.T).T
    return clip[:, :3] / clip[:, 3:4]
