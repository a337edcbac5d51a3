"""Posing limbs on world matrices after forward kinematics: planted legs and strikes landing.

``world`` is (N, J, 4, 4) from :func:`~previs.pose.skeleton.forward_kinematics` (the 3x3
part carries the body's ``scale``); functions here overwrite one limb's three joints in place
for the rows they are given and leave every other joint as it was.
"""

from __future__ import annotations

import numpy as np

from .ik import blend, frame_along, two_bone, unit
from .skeleton import ANKLE_HEIGHT, FOREARM, HAND_GRIP, INDEX, SHIN, THIGH, TOE_IN_FOOT, UPPER_ARM, point_in

HEEL_POINT = np.array((0.0, -ANKLE_HEIGHT, 0.06))
"""Template metres, in a foot's frame: the back of the heel on the floor."""
TOE_POINT = TOE_IN_FOOT

LIMBS = {
    "l_foot": (INDEX["l_thigh"], INDEX["l_shin"], INDEX["l_foot"], THIGH, SHIN, 1.0),
    "r_foot": (INDEX["r_thigh"], INDEX["r_shin"], INDEX["r_foot"], THIGH, SHIN, 1.0),
    "l_hand": (INDEX["l_upperarm"], INDEX["l_forearm"], INDEX["l_hand"], UPPER_ARM, FOREARM - HAND_GRIP[1], -1.0),
    "r_hand": (INDEX["r_upperarm"], INDEX["r_forearm"], INDEX["r_hand"], UPPER_ARM, FOREARM - HAND_GRIP[1], -1.0),
}
"""Per end joint: (root joint, middle joint, end joint, upper length, lower length, bend).
A hand's lower length runs to the fist (forearm plus the grip), so a strike's IK lands the
fist itself on the target; a foot's runs to the ankle."""


def place_limb(world: np.ndarray, rows: np.ndarray, end: str, target: np.ndarray, scale: np.ndarray,
               end_rot: np.ndarray | None = None) -> None:
    """Pose limb ``end`` (a key of :data:`LIMBS`) of bodies ``rows`` (k,) so its end (the
    ankle, or the fist for a hand) reaches ``target`` (k, 3) world metres if it can.

    The knee or elbow bends in the plane of the limb's own hinge (its root's X axis as FK
    left it). ``end_rot`` (k, 3, 3), unscaled, sets the end joint's world rotation (a planted
    foot); else a hand turns with its forearm."""
    if len(rows) == 0:
        return
    j0, j1, j2, l1, l2, bend = LIMBS[end]
    s = scale[:, None]
    idx = (rows[:, None], np.array((j0, j1, j2))[None, :])
    w = world[idx]  # (k, 3, 4, 4): root, middle, end
    root = w[:, 0, :3, 3]
    hinge = unit(w[:, 0, :3, 0])
    mid, tip = two_bone(root, target, l1 * scale, l2 * scale, hinge, bend)
    r_up = frame_along(unit(mid - root), hinge)
    r_lo = frame_along(unit(tip - mid), hinge)
    w[:, 0, :3, :3] = r_up * s[..., None]
    w[:, 1, :3, :3] = r_lo * s[..., None]
    w[:, 1, :3, 3] = mid
    if bend < 0:  # a hand: the wrist is a forearm's length from the elbow; the fist beyond it
        w[:, 2, :3, 3] = mid - r_lo[:, :, 1] * (FOREARM * scale)[:, None]
        w[:, 2, :3, :3] = (r_lo if end_rot is None else end_rot) * s[..., None]
    else:
        w[:, 2, :3, 3] = tip
        if end_rot is not None:
            w[:, 2, :3, :3] = end_rot * s[..., None]
    world[idx] = w


def plant_legs(world: np.ndarray, ankles: np.ndarray, foot_rot: np.ndarray, weight: np.ndarray,
               scale: np.ndarray) -> None:
    """Legs onto the gait's planted/swinging ankles: ``ankles`` (N, 2, 3) world targets,
    ``foot_rot`` (N, 2, 3, 3), ``weight`` (N,) 0 (the pose as FK left it: a clip drives the
    legs) .. 1 (the gait's feet)."""
    rows = np.flatnonzero(weight > 0)
    if len(rows) == 0:
        return
    w = weight[rows]
    for side, end in enumerate(("l_foot", "r_foot")):
        j2 = LIMBS[end][2]
        fk_ankle = world[rows, j2, :3, 3]
        fk_rot = world[rows, j2, :3, :3] / scale[rows, None, None]
        target = fk_ankle + (ankles[rows, side] - fk_ankle) * w[:, None]
        place_limb(world, rows, end, target, scale[rows], blend(fk_rot, foot_rot[rows, side], w))


def fist(world: np.ndarray, end: str) -> np.ndarray:
    """World point (N, 3) of the end of limb ``end``: the fist (grip) or the ankle."""
    j2 = LIMBS[end][2]
    if LIMBS[end][5] < 0:
        return point_in(world, j2, HAND_GRIP)
    return world[:, j2, :3, 3]


def keep_above_floor(world: np.ndarray, rows: np.ndarray, scale: np.ndarray) -> None:
    """Lift bodies ``rows`` whose heel or ball of a foot is below the floor (y < 0) until it
    is on it: a clip's in-between (or a crouch on a short body) never sinks into the floor."""
    if len(rows) == 0:
        return
    low = np.full(len(rows), np.inf)
    for foot in (INDEX["l_foot"], INDEX["r_foot"]):
        m = world[rows, foot]
        for pt in (HEEL_POINT, TOE_POINT):
            low = np.minimum(low, m[:, 1, :3] @ pt + m[:, 1, 3])
    lift = np.maximum(-low, 0.0)
    world[rows, :, 1, 3] += lift[:, None]
