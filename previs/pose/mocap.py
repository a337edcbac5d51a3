"""Mocap-driven bodies: an actor with ``mocap`` (a BVH) is posed by it from ``mocap_start``.

The BVH is retargeted to the skeleton by :mod:`previs.pose.retarget` (local rotations per
BVH frame, the pelvis's position in metres, the file's rest pose facing -Z). From ``mocap_start`` (s) on, the body's joints are the
BVH's, placed at the actor's ground position and facing at that time: the BVH's first frame's
root is put on that spot, its ground-plane motion turned by the actor's facing there (its height kept as captured).
Such a body has no gait, clip or IK: the capture is the performance. Henry's body is never
mocap-driven here: it follows the camera track (a take of his head is the simulation's).
BVH frame ``k`` plays at ``mocap_start + k * frame_time`` (nearest frame); after the last
frame the last is held.
"""

from __future__ import annotations

import numpy as np


class MocapBodies:
    """The mocap-driven bodies of a replay (none when no actor has ``mocap``)."""

    def __init__(self, level, poses):
        self.bodies = []
        for row, actor in enumerate(level.performers):  # Henry's body follows the camera
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
    from .retarget import retarget
    from .skeleton import forward_kinematics, rot_y

    rt = retarget(bvh, float(actor.height))
    local, root, fps = rt.local, rt.root, rt.fps
    first = min(poses.tb.frame_at(float(getattr(actor, "mocap_start", 0.0))), poses.F - 1)
    n_out = max(1, int(np.floor((len(local) - 1) / fps * poses.fps + 1e-9)) + 1)
    src = np.minimum(np.rint(np.arange(n_out) / poses.fps * fps).astype(np.int64), len(local) - 1)
    r = rot_y(float(poses.facing[first, row]))
    rel = root[src] - root[0] * np.array((1.0, 0.0, 1.0))
    place = np.array((poses.xz[first, row, 0], 0.0, poses.xz[first, row, 1]))
    pos = place + rel @ r.T
    k = len(src)
    world = forward_kinematics(local[src], pos, np.broadcast_to(r, (k, 3, 3)), np.full(k, poses.scale[row]))
    return row, first, world
