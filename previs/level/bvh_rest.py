"""A BVH skeleton's rest pose in previs's terms: its units and which way it faces.

Shared by the pose layer's retarget (``previs.pose.retarget``) and the sim layer's head
camera (``previs.sim.mocap_head``) so both turn a file into the same frame:

- **Units** (:func:`metres_per_unit`): from the rest pose's height, head joint above the
  lower ankle joint (1.52 m on previs's 1.8 m template). From 0.5 to 3 it is metres; from 50
  to 300, centimetres (Mixamo, Rokoko, most FBX-to-BVH exports); anything else (a converter's own units)
  is sized as previs's 1.8 m template. Inches (60 for a 1.8 m body) would read as
  centimetres: export in centimetres or metres.
- **Facing** (:func:`facing_rotation`): BVH is +Y up; the performer's right is the
  horizontal direction from the left hip joint to the right one in the rest pose; the
  rotation about +Y that turns that to +X makes the rest pose face -Z, as previs's bodies do.
"""

from __future__ import annotations

import math

import numpy as np

from .bvh_file import Bvh, axis_rotation

TEMPLATE_EXTENT = 1.52
"""Metres from the ankle joints to the head joint on previs's 1.8 m template
(``previs.pose.skeleton``: head joint 1.59 m, ankle joints 0.07 m)."""


def rest_positions(bvh: Bvh) -> np.ndarray:
    """(B, 3) every joint's position with all channels zero (offsets only), file units."""
    out = np.zeros((len(bvh.names), 3))
    for j, p in enumerate(bvh.parents):
        out[j] = bvh.offsets[j] + (out[p] if p >= 0 else 0.0)
    return out


def metres_per_unit(bvh: Bvh, found: dict[str, int]) -> float:
    """Metres per file unit by the rule in the module docstring (``found``: our joint ->
    BVH joint, :func:`~.bvh_names.match_joints`)."""
    rest = rest_positions(bvh)
    extent = rest[found["head"], 1] - min(rest[found["l_foot"], 1], rest[found["r_foot"], 1])
    if 0.5 <= extent <= 3.0:
        return 1.0
    if 50.0 <= extent <= 300.0:
        return 0.01
    return TEMPLATE_EXTENT / extent if extent > 0 else 1.0


def facing_rotation(bvh: Bvh, found: dict[str, int]) -> np.ndarray:
    """(3, 3) the rotation about +Y taking the file's axes to previs's body frame (rest
    pose facing -Z, its right +X)."""
    rest = rest_positions(bvh)
    right = rest[found["r_thigh"]] - rest[found["l_thigh"]]
    if math.hypot(right[0], right[2]) < 1e-9:  # hips on one vertical line: trust the file's axes
        return np.eye(3)
    return axis_rotation(1, -math.degrees(math.atan2(-right[2], right[0])))
