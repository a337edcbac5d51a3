"""The camera's rotation, the one rule: ``R = Ry(yaw) @ Rx(pitch) @ Rz(roll)``.

Degrees in, world-from-camera rotations out (column vectors). A camera at rest looks down
-Z (north) with +Y up and +X to its right, as in USD, Maya and Nuke; it rolls about its
Z, then pitches about X (positive looks up), then yaws about Y (positive turns left). The
columns of ``R`` are the camera's right, up and backward axes in world space, and
``R.T @ (p - eye)`` takes a world point into camera space (in front when its z < 0).

Every part of previs that turns a yaw, pitch and roll into directions uses this module:
the plan's in-view and exports (:mod:`previs.plan.orientation`), the head-mounted lens
(:mod:`previs.sim.head_motion`) and the renderer's cameras (:mod:`previs.gl.view_camera`).
Pure numpy.
"""

from __future__ import annotations

import numpy as np


def rotation_matrices(yaw, pitch, roll) -> np.ndarray:
    """``(N, 3, 3)`` float64 world-from-camera rotations ``Ry @ Rx @ Rz`` of degree
    arrays ``(N,)`` (or anything of that shape's leading dimensions: ``(...)`` in,
    ``(..., 3, 3)`` out)."""
    y = np.radians(np.asarray(yaw, dtype=np.float64))
    p = np.radians(np.asarray(pitch, dtype=np.float64))
    r = np.radians(np.asarray(roll, dtype=np.float64))
    y, p, r = np.broadcast_arrays(y, p, r)
    cy, sy, cp, sp, cr, sr = np.cos(y), np.sin(y), np.cos(p), np.sin(p), np.cos(r), np.sin(r)
    R = np.empty(y.shape + (3, 3))
    # Ry @ Rx @ Rz, expanded.
    R[..., 0, 0] = cy * cr + sy * sp * sr
    R[..., 0, 1] = -cy * sr + sy * sp * cr
    R[..., 0, 2] = sy * cp
    R[..., 1, 0] = cp * sr
    R[..., 1, 1] = cp * cr
    R[..., 1, 2] = -sp
    R[..., 2, 0] = -sy * cr + cy * sp * sr
    R[..., 2, 1] = sy * sr + cy * sp * cr
    R[..., 2, 2] = cy * cp
    return R


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """One world-from-camera ``(3, 3)`` float64 rotation (degrees)."""
    return rotation_matrices(float(yaw), float(pitch), float(roll))
