"""Retargeting a BVH take onto previs's 17-joint skeleton (numpy, vectorised over frames).

Joints are matched by name (:func:`previs.level.bvh_names.match_joints`: CMU, Mixamo, Rokoko
and previs's own names), the file's units and facing resolved by
:mod:`previs.level.bvh_rest`, and each of our joints gets the rotation that points its
segment where the file's joints are, frame by frame:

- **pelvis and chest** (three children each): the rotation that best carries our rest
  offsets to their children onto the file's (Kabsch's least squares, one 3x3 SVD per frame);
- **limb and neck joints** (one child): the file joint's own rotation, corrected once for
  the difference of rest poses (a T-pose arm along +-X against our hanging -Y arm), then
  swung by the smallest rotation that points our segment exactly at the file's next joint
  (so a collar bone or an extra spine joint of the file moves our joints with it);
- **head, hands, feet** (leaves): the file joint's rotation with the same rest correction,
  taken from its first child (toe, head top, fingers) or End Site.

Because rotations follow the file's joint positions and not its rest pose, a T-pose, an
A-pose or an arms-down file all land on our arms-down rest. Where the file's segments are
as long as ours (scaled by ``height``), our joints sit on the file's within rounding; where
they differ, our segments keep their lengths and point the same way.

Frames: row ``i`` is at ``i * frame_time`` s. Output axes: previs's (metres, +Y up), the
file's origin kept, turned about +Y so the file's rest pose faces -Z (:func:`facing_rotation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..level.bvh_file import Bvh
from ..level.bvh_names import match_joints, normal_name
from ..level.bvh_rest import facing_rotation, metres_per_unit, rest_positions
from .skeleton import INDEX, JOINTS, PARENT, REST_OFFSET, TOE_IN_FOOT

CHUNK_FRAMES = 4096
"""Frames retargeted at a time (the file's world matrices for a chunk of a 60-joint file are
4096 x 60 x 128 bytes = 31 MB)."""

SPINE_CHAIN = ("pelvis", "spine", "chest", "neck", "head")
LEAF_DIRECTION = {"head": (0.0, 1.0, 0.0), "l_hand": (0.0, -1.0, 0.0), "r_hand": (0.0, -1.0, 0.0),
                  "l_foot": tuple(TOE_IN_FOOT), "r_foot": tuple(TOE_IN_FOOT)}
"""Our rest direction of each leaf segment (its joint frame): the head up, the hands down
the hanging arm, the feet toward the ball of the foot."""
PRIMARY_CHILD = {"spine": "chest", "neck": "head", "l_upperarm": "l_forearm", "l_forearm": "l_hand",
                 "r_upperarm": "r_forearm", "r_forearm": "r_hand", "l_thigh": "l_shin", "l_shin": "l_foot",
                 "r_thigh": "r_shin", "r_shin": "r_foot"}
BRANCHING = ("pelvis", "chest")


@dataclass(frozen=True, eq=False)
class Retargeted:
    """A BVH take on our skeleton: ``local`` (N, J, 3, 3) rotations for
    :func:`~.skeleton.forward_kinematics` (the pelvis's is its rotation in the output axes,
    so pass ``root_rot`` = identity, or the actor's facing to place it), ``root`` (N, 3) the
    pelvis in metres, ``frame_time`` seconds per row, ``metres_per_unit`` of the file."""

    local: np.ndarray
    root: np.ndarray
    frame_time: float
    metres_per_unit: float

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-12, n, 1.0)


def swing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(..., 3, 3) the smallest rotations taking unit vectors ``a`` onto unit vectors ``b``
    (Rodrigues; opposite vectors turn 180 degrees about an axis perpendicular to ``a``)."""
    a, b = np.broadcast_arrays(_unit(np.asarray(a, float)), _unit(np.asarray(b, float)))
    v = np.cross(a, b)
    c = np.einsum("...i,...i->...", a, b)
    opposite = c < -1 + 1e-9
    if opposite.any():  # any axis perpendicular to a: a x X, or a x Y when a is along X
        alt = np.cross(a, np.where(np.abs(a[..., :1]) < 0.9, (1.0, 0, 0), (0, 1.0, 0)))
        v = np.where(opposite[..., None], _unit(alt), v)
    k = np.zeros(v.shape + (3,))
    k[..., 0, 1], k[..., 0, 2], k[..., 1, 2] = -v[..., 2], v[..., 1], -v[..., 0]
    k[..., 1, 0], k[..., 2, 0], k[..., 2, 1] = v[..., 2], -v[..., 1], v[..., 0]
    factor = np.where(opposite, 1.0, 1.0 / np.where(opposite, 1.0, 1.0 + c))
    eye = np.broadcast_to(np.eye(3), k.shape)
    return eye + np.where(opposite[..., None, None], 2 * k @ k, k + (k @ k) * factor[..., None, None])


def kabsch(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """(N, 3, 3) rotations R minimising sum |R ours_k - theirs_k|^2 (``ours`` (K, 3),
    ``theirs`` (N, K, 3))."""
    h = np.einsum("ki,nkj->nij", ours, theirs)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.swapaxes(vt, 1, 2) @ np.swapaxes(u, 1, 2)))
    fix = np.broadcast_to(np.eye(3), h.shape).copy()
    fix[:, 2, 2] = d
    return np.swapaxes(vt, 1, 2) @ fix @ np.swapaxes(u, 1, 2)


class _Plan:
    """What each of our joints follows in the file, worked out once from the rest pose."""

    def __init__(self, bvh: Bvh):
        self.found = match_joints(bvh.names, bvh.parents)
        self.turn = facing_rotation(bvh, self.found)
        self.scale = metres_per_unit(bvh, self.found)
        rest = rest_positions(bvh) @ self.turn.T * self.scale
        self.kids = {j: [k for k, p in enumerate(bvh.parents) if p == j] for j in range(len(bvh.names))}
        self.ends: dict[int, list[np.ndarray]] = {}
        for j, xyz in bvh.ends:
            self.ends.setdefault(j, []).append(np.asarray(xyz, np.float64))
        # Each of our joints: (source file joint for rotation, fixed correction C).
        self.source: dict[str, int] = {}
        for name in JOINTS:
            k = self.found.get(name)
            self.source[name] = k if k is not None else self.source[JOINTS[PARENT[INDEX[name]]]]
        rest_targets = self.targets(rest[None])[0]
        self.correction: dict[str, np.ndarray] = {}
        for name in JOINTS:
            if name in PRIMARY_CHILD:
                child = INDEX[PRIMARY_CHILD[name]]
                theirs = rest_targets[child] - rest_targets[INDEX[name]]
                self.correction[name] = swing(REST_OFFSET[child], theirs)
            elif name in LEAF_DIRECTION:
                theirs = self.leaf_direction(bvh, self.found[name], rest, name == "head")
                parent = JOINTS[PARENT[INDEX[name]]]
                self.correction[name] = (swing(LEAF_DIRECTION[name], theirs) if theirs is not None
                                         else self.correction[parent])

    def leaf_direction(self, bvh: Bvh, k: int, rest: np.ndarray, head: bool) -> np.ndarray | None:
        """The rest direction (our axes) from file joint ``k`` toward its children and End
        Sites, averaged (a hand's five fingers fan out around the hand's own axis). For the
        head only its top counts (an End Site, or a child named ``...top...``/``...end...``:
        Mixamo's ``HeadTop_End``), not its eyes or jaw, which point forward; without one the
        head keeps the neck's correction (None)."""
        kids = self.kids[k]
        if head:
            kids = [c for c in kids if "top" in normal_name(bvh.names[c]) or "end" in normal_name(bvh.names[c])]
        ahead = [rest[c] - rest[k] for c in kids] + [self.turn @ e * self.scale for e in self.ends.get(k, [])]
        mean = np.mean(ahead, axis=0) if ahead else np.zeros(3)
        return mean if np.linalg.norm(mean) > 1e-12 else None

    def targets(self, pos: np.ndarray) -> np.ndarray:
        """(N, J, 3) where each of our joints should be, from the file's joint positions
        ``pos`` (N, B, 3) in our axes: a matched joint's position, a missing spine, chest or
        neck on the line between its matched neighbours at our rest proportions."""
        out = np.zeros(pos.shape[:1] + (len(JOINTS), 3))
        for name, k in self.found.items():
            out[:, INDEX[name]] = pos[:, k]
        height = np.cumsum([0.0] + [REST_OFFSET[INDEX[n]][1] for n in SPINE_CHAIN[1:]])
        have = [i for i, n in enumerate(SPINE_CHAIN) if n in self.found]
        for i, n in enumerate(SPINE_CHAIN):
            if n not in self.found:
                a = max(x for x in have if x < i)
                b = min(x for x in have if x > i)
                f = (height[i] - height[a]) / (height[b] - height[a])
                out[:, INDEX[n]] = (1 - f) * out[:, INDEX[SPINE_CHAIN[a]]] + f * out[:, INDEX[SPINE_CHAIN[b]]]
        return out


def retarget(bvh: Bvh, height: float = 1.8, frames=None) -> Retargeted:
    """``bvh`` (read by :func:`~previs.level.bvh_file.read_bvh`, so its joints match) on our
    skeleton for a body ``height`` metres tall (the scale our segment lengths follow when
    a branching joint is fitted). ``frames``: row indices (default all)."""
    plan = _Plan(bvh)
    rows = np.arange(bvh.frames) if frames is None else np.asarray(frames)
    local = np.empty((len(rows), len(JOINTS), 3, 3))
    root = np.empty((len(rows), 3))
    for c0 in range(0, len(rows), CHUNK_FRAMES):
        sel = rows[c0:c0 + CHUNK_FRAMES]
        local[c0:c0 + len(sel)], root[c0:c0 + len(sel)] = _chunk(bvh, plan, sel, height)
    return Retargeted(local, root, bvh.frame_time, plan.scale)


def _chunk(bvh: Bvh, plan: _Plan, rows: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    world = bvh.world(rows)
    pos = world[..., :3, 3] @ plan.turn.T * plan.scale
    rot = plan.turn @ world[..., :3, :3] @ plan.turn.T  # identity at the file's rest
    tgt = plan.targets(pos)
    size = height / 1.8
    glob = np.empty((len(rows), len(JOINTS), 3, 3))
    for j, name in enumerate(JOINTS):
        if name in BRANCHING:
            kids = [c for c, p in enumerate(PARENT) if p == j]
            glob[:, j] = kabsch(REST_OFFSET[kids] * size, tgt[:, kids] - tgt[:, j:j + 1])
            continue
        g = rot[:, plan.source[name]] @ plan.correction[name]
        if name in PRIMARY_CHILD:
            child = INDEX[PRIMARY_CHILD[name]]
            g = swing(np.einsum("nij,j->ni", g, REST_OFFSET[child]), tgt[:, child] - tgt[:, j]) @ g
        glob[:, j] = g
    local = np.empty_like(glob)
    local[:, 0] = glob[:, 0]
    parents = np.array(PARENT[1:])
    local[:, 1:] = np.swapaxes(glob[:, parents], -1, -2) @ glob[:, 1:]
    return local, tgt[:, 0]
