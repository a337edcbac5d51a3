"""The POV camera's orientation as matrices, in the level contract's convention.

A camera at rest looks down -Z (north) with +Y up and +X to its right, as in USD, Maya
and Nuke. Its rotation applies roll (about Z), then pitch (about X), then yaw (about Y):
for column vectors ``R = Ry(yaw) @ Rx(pitch) @ Rz(roll)`` (the one rule:
:mod:`previs.rotations`). The columns of ``R`` are the
camera's right, up and backward axes in world space; ``R.T @ (p - eye)`` takes a world
point into camera space, where it is in front of the camera when its z is negative.
"""

from __future__ import annotations

import numpy as np

from ..rotations import rotation_matrices

__all__ = ["WIDESCREEN", "rotation_matrices", "vfov_from_hfov", "world_matrices"]

WIDESCREEN = 16.0 / 9.0
"""Aspect ratio of every previs frame (animatic, stills, exports)."""


def world_matrices(track) -> np.ndarray:
    """``(N, 4, 4)`` camera-to-world matrices (column-vector convention) of a track."""
    n = len(track)
    M = np.zeros((n, 4, 4))
    M[:, :3, :3] = rotation_matrices(track.yaw, track.pitch, track.roll)
    M[:, :3, 3] = track.pos
    M[:, 3, 3] = 1.0
    return M


def vfov_from_hfov(hfov, aspect: float = WIDESCREEN):
    """Vertical field of view (degrees) for a horizontal one at ``aspect`` (width/height)."""
    h = np.radians(np.asarray(hfov, dtype=np.float64))
    return np.degrees(2.0 * np.arctan(np.tan(h / 2.0) / aspect))

