"""Mocap-driven bodies: an actor with ``mocap`` (a BVH) is posed by it from ``mocap_start``.

The BVH is retargeted to the skeleton by :mod:`previs.pose.retarget` (local rotations per
BVH frame, root positions in metres). From ``mocap_start`` (s) on, the body's joints are the
BVH's, placed at the actor's ground position and facing at that time: the BVH's first frame's
root is put on that spot, its ground-plane motion turned by the actor's facing there.
BVH frame ``k`` plays at ``mocap_start + k * frame_time`` (nearest frame); after the last
frame the last is held.
"""

from __future__ import annotations

import numpy as np


class MocapBodies:
    """The mocap-driven bodies of a replay (none when no actor has ``mocap``)."""

    def __init__(self, level, poses):
        self.bodies = []
        actors = list(level.performers) + [level.henry]
        for row, actor in enumerate(actors):
            bvh = getattr(actor, "mocap", None)
            if bvh is None:
                continue
            self.bodies.append(_driven(row, actor, bvh, poses))

    def apply(self, world: np.ndarray, fr: np.ndarray) -> None:
        """Overwrite the driven bodies' joints in ``world`` (n, A, J, 4, 4) for frames ``fr``."""
        for row, first, frames_world in self.bodies:
            k = fr - first
            sel = k >= 0
            if sel.any():
                kk = np.minimum(k[sel], len(frames_world) - 1)
                world[sel, row] = frames_world[kk]


def _driven(row, actor, bvh, poses):
    """(row, first frame, world matrices (K, J, 4, 4) resampled to the replay's fps)."""
    from .retarget import retarget  # wt/bvh: BVH -> (local (N, J, 3, 3), root (N, 3) m, fps)
    from .skeleton import forward_kinematics, rot_y

    local, root, fps = retarget(bvh)
    first = min(poses.tb.frame_at(float(getattr(actor, "mocap_start", 0.0))), poses.F - 1)
    n_out = max(1, int(np.floor((len(local) - 1) / fps * poses.fps)) + 1)
    src = np.minimum(np.rint(np.arange(n_out) / poses.fps * fps).astype(np.int64), len(local) - 1)
    yaw = float(poses.facing[first, row])
    r = rot_y(yaw)
    rel = root[src] - root[0] * np.array((1.0, 0.0, 1.0))
    place = np.array((poses.xz[first, row, 0], 0.0, poses.xz[first, row, 1]))
    pos = place + rel @ r.T
    k = len(src)
    scale = np.full(k, poses.scale[row])
    world = forward_kinematics(local[src], pos, np.broadcast_to(r, (k, 3, 3)), scale)
    return row, first, world
