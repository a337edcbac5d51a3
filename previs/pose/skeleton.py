"""The performer skeleton: 17 joints, their rest pose, and forward kinematics (numpy, no GL).

Every body (performers and Henry) shares this skeleton, scaled uniformly by
``height / TEMPLATE_HEIGHT``. A pose is one rotation per joint relative to its parent
(``local`` (A, J, 3, 3)); :func:`forward_kinematics` turns the poses of ``A`` actors into
world matrices ``(A, J, 4, 4)`` in one vectorised pass (17 batched 3x3 products), which the
renderer uploads as bone transforms and tests read as numbers.

Axes: the level contract's world (metres, x east, y up, z south). A joint's frame at rest is
the actor's body frame: +X the actor's right, +Y up, -Z forward (the way it faces), so a
body with facing yaw ``psi`` (degrees, 0 = north = -Z, +90 = west) has body-to-world
rotation ``rot_y(psi)``. At rest the arms hang straight down and the legs stand straight,
so every limb segment runs along its joint's -Y and the spine along +Y.

Segment lengths are fractions of height from Drillis & Contini (1966) as tabulated in
D. A. Winter, *Biomechanics and Motor Control of Human Movement* (4th ed., 2009, fig. 4.1):
upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, thigh 0.245 H, shin 0.246 H, ankle
height 0.039 H, shoulder width 0.259 H (so 0.47 m between shoulder joints at 1.8 m, less
the deltoids), hip width 0.191 H.
"""

from __future__ import annotations

import numpy as np

TEMPLATE_HEIGHT = 1.8
"""Metres: the height the rest offsets below are written for."""

JOINTS: tuple[str, ...] = (
    "pelvis", "spine", "chest", "neck", "head",
    "l_upperarm", "l_forearm", "l_hand",
    "r_upperarm", "r_forearm", "r_hand",
    "l_thigh", "l_shin", "l_foot",
    "r_thigh", "r_shin", "r_foot",
)
"""Joint names, parents before children. A joint is the proximal end of its segment:
``l_upperarm`` is the left shoulder, ``l_forearm`` the elbow, ``l_hand`` the wrist,
``l_thigh`` the hip, ``l_shin`` the knee, ``l_foot`` the ankle."""

J = len(JOINTS)
INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINTS)}

PARENT: tuple[int, ...] = (-1, 0, 1, 2, 3, 2, 5, 6, 2, 8, 9, 0, 11, 12, 0, 14, 15)
"""Index of each joint's parent (-1: the root, the pelvis)."""

_H = TEMPLATE_HEIGHT
UPPER_ARM, FOREARM, HAND = 0.186 * _H, 0.146 * _H, 0.108 * _H
THIGH, SHIN, ANKLE_HEIGHT = 0.245 * _H, 0.246 * _H, 0.039 * _H
HIP_HEIGHT = THIGH + SHIN + ANKLE_HEIGHT  # 0.953 m: hip joints above the floor, legs straight
PELVIS_HEIGHT = HIP_HEIGHT + 0.04  # 0.993 m: the root joint, 4 cm above the hip joints
SHOULDER_HALF = 0.259 * _H / 2 - 0.03  # 0.203 m: shoulder joint inside the deltoid
HIP_HALF = 0.191 * _H / 2 - 0.08  # 0.092 m: hip joint centres
FOOT_LENGTH = 0.152 * _H  # 0.27 m

REST_OFFSET = np.array([
    (0.0, PELVIS_HEIGHT, 0.0),       # pelvis: from the ground point under the body
    (0.0, 0.10, 0.0),                # spine (lumbar)
    (0.0, 0.19, 0.0),                # chest (thorax), 1.28 m
    (0.0, 0.19, 0.0),                # neck base, 1.47 m (shoulder height 0.818 H)
    (0.0, 0.12, 0.0),                # head (skull base), 1.59 m; eyes at 1.68 m
    (-SHOULDER_HALF, 0.18, 0.0),     # left shoulder, 1.45 m
    (0.0, -UPPER_ARM, 0.0),          # left elbow
    (0.0, -FOREARM, 0.0),            # left wrist
    (SHOULDER_HALF, 0.18, 0.0),      # right shoulder
    (0.0, -UPPER_ARM, 0.0),          # right elbow
    (0.0, -FOREARM, 0.0),            # right wrist
    (-HIP_HALF, -0.04, 0.0),         # left hip
    (0.0, -THIGH, 0.0),              # left knee
    (0.0, -SHIN, 0.0),               # left ankle, ANKLE_HEIGHT above the floor
    (HIP_HALF, -0.04, 0.0),          # right hip
    (0.0, -THIGH, 0.0),              # right knee
    (0.0, -SHIN, 0.0),               # right ankle
], np.float64)
"""(J, 3) metres: each joint's position in its parent's frame at rest (1.8 m body)."""

EYE_IN_HEAD = np.array((0.0, 0.09, -0.08))
"""Metres, in the head joint's frame: between the eyes (1.68 m at rest for 1.8 m)."""
HAND_GRIP = np.array((0.0, -0.085, -0.01))
"""Metres, in a hand joint's frame: the centre of the closed fist, where a prop is held
and where a punch lands."""
TOE_IN_FOOT = np.array((0.0, -ANKLE_HEIGHT, -0.19))
"""Metres, in a foot joint's frame: the ball of the foot on the floor (rest pose)."""


def rot_x(deg) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about +X by ``deg`` degrees (right-handed: +deg
    turns +Y toward +Z and -Y toward -Z, so a positive angle at the shoulder swings a hanging
    arm forward, and at the spine bends the body back)."""
    a = np.radians(np.asarray(deg, np.float64))
    c, s = np.cos(a), np.sin(a)
    m = np.zeros(a.shape + (3, 3))
    m[..., 0, 0] = 1.0
    m[..., 1, 1], m[..., 1, 2] = c, -s
    m[..., 2, 1], m[..., 2, 2] = s, c
    return m


def rot_y(deg) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about +Y by ``deg`` degrees: the contract's yaw
    (+90 turns -Z, north, to -X, west)."""
    a = np.radians(np.asarray(deg, np.float64))
    c, s = np.cos(a), np.sin(a)
    m = np.zeros(a.shape + (3, 3))
    m[..., 0, 0], m[..., 0, 2] = c, s
    m[..., 1, 1] = 1.0
    m[..., 2, 0], m[..., 2, 2] = -s, c
    return m


def rot_z(deg) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about +Z by ``deg`` degrees (+deg turns +X toward +Y:
    a hanging left arm (-X side) swings out sideways with a negative angle)."""
    a = np.radians(np.asarray(deg, np.float64))
    c, s = np.cos(a), np.sin(a)
    m = np.zeros(a.shape + (3, 3))
    m[..., 0, 0], m[..., 0, 1] = c, -s
    m[..., 1, 0], m[..., 1, 1] = s, c
    m[..., 2, 2] = 1.0
    return m


def rest_local(actors: int) -> np.ndarray:
    """Local rotations (A, J, 3, 3) of the rest pose: identity everywhere."""
    return np.broadcast_to(np.eye(3), (actors, J, 3, 3)).copy()


def forward_kinematics(local: np.ndarray, root_pos: np.ndarray, root_rot: np.ndarray,
                       scale: np.ndarray) -> np.ndarray:
    """World matrices (A, J, 4, 4) float64 of ``A`` posed skeletons.

    - ``local`` (A, J, 3, 3): each joint's rotation relative to its parent's frame (the
      root's relative to ``root_rot``).
    - ``root_pos`` (A, 3): world position of the pelvis joint, metres.
    - ``root_rot`` (A, 3, 3): body-to-world rotation (usually ``rot_y(facing)``; a fall
      tips it over).
    - ``scale`` (A,): ``height / TEMPLATE_HEIGHT``; rest offsets and segment meshes are
      scaled by it, so the 3x3 part of each result is ``scale * rotation``.

    A result ``M`` maps a point of the joint's frame (template metres) to world:
    ``M @ (x, y, z, 1)``; ``M[..., :3, 3]`` is the joint's world position."""
    local = np.asarray(local, np.float64)
    a = local.shape[0]
    s = np.asarray(scale, np.float64).reshape(a)
    off = REST_OFFSET[None, :, :] * s[:, None, None]  # (A, J, 3) scaled offsets
    loc = np.ascontiguousarray(local.transpose(1, 0, 2, 3))  # (J, A, 3, 3): one contiguous block per joint
    rot = np.empty((J, a, 3, 3))
    pos = np.empty((J, a, 3))
    rot[0] = np.asarray(root_rot, np.float64) @ loc[0]
    pos[0] = root_pos
    for j in range(1, J):
        p = PARENT[j]
        pos[j] = pos[p] + np.einsum("aij,aj->ai", rot[p], off[:, j])
        rot[j] = rot[p] @ loc[j]
    out = np.zeros((a, J, 4, 4))
    out[:, :, :3, :3] = (rot * s[None, :, None, None]).transpose(1, 0, 2, 3)
    out[:, :, :3, 3] = pos.transpose(1, 0, 2)
    out[:, :, 3, 3] = 1.0
    return out


def point_in(world: np.ndarray, joint: int, local_point) -> np.ndarray:
    """World positions (A, 3) of ``local_point`` (template metres, in ``joint``'s frame),
    e.g. ``point_in(w, INDEX["r_hand"], HAND_GRIP)`` for the right fist."""
    m = world[:, joint]
    return np.einsum("aij,j->ai", m[:, :3, :3], np.asarray(local_point, np.float64)) + m[:, :3, 3]


def rest_world(actors: int = 1, height: float = TEMPLATE_HEIGHT) -> np.ndarray:
    """World matrices (A, J, 4, 4) of ``actors`` rest-pose bodies standing at the origin
    facing north, ``height`` metres tall."""
    s = np.full(actors, height / TEMPLATE_HEIGHT)
    root = np.zeros((actors, 3))
    root[:, 1] = PELVIS_HEIGHT * s
    return forward_kinematics(rest_local(actors), root, np.broadcast_to(np.eye(3), (actors, 3, 3)), s)


HEAD_POINT = np.array((0.0, 0.10, -0.02))
"""Metres, in the head joint's frame: the centre of the face, where a blow to the head lands."""
CHEST_POINT = np.array((0.0, 0.08, -0.11))
"""Metres, in the chest joint's frame: the sternum's front, where a blow to the chest lands."""
