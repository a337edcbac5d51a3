"""Mocap-driven bodies: an actor with ``mocap`` (a BVH) is posed by it from ``mocap_start``.

The BVH is retargeted to the skeleton by :mod:`previs.pose.retarget` (local rotations per
BVH frame, the pelvis's position in metres, the file's rest pose facing -Z). From ``mocap_start`` (s) on, the body's joints are the
BVH's, placed at the actor's ground position and facing at that time: the BVH's first frame's
root is put on that spot, its ground-plane motion turned by the actor's facing there (its height kept as captured).
Such a body has no gait, clip or IK: the capture is the performance. Henry's take drives
his camera in the simulation (:mod:`previs.sim.mocap_head`) and, here, his arms: from
``mocap_start`` his shoulders, elbows and wrists take the take's rotations (relative to his
chest, which follows the camera); the rest of his body stays as the camera places it.
BVH frame ``k`` plays at ``mocap_start + k * frame_time`` (nearest frame); after the last
frame the last is held.
"""

from __future__ import annotations

import numpy as np

from .retarget import retarget
from .skeleton import INDEX, forward_kinematics, rot_y


ARMS = np.array([INDEX[j] for j in ("l_upperarm", "l_forearm", "l_hand", "r_upperarm", "r_forearm", "r_hand")])


class MocapBodies:
    """The mocap-driven bodies of a replay (none when no actor has ``mocap``)."""

    def __init__(self, level, poses):
        self.bodies = [_driven(row, a, poses) for row, a in enumerate(level.performers) if a.mocap is not None]
        self.henry = None
        if level.henry.mocap is not None:
            first, local, _, _ = _resampled(level.henry, poses)
            self.henry = (poses.P, first, np.ascontiguousarray(local[:, ARMS]))

    def henry_arms(self, local: np.ndarray, fr: np.ndarray, col: int | None = None) -> None:
        """Henry's arm rotations in ``local`` (n, A, J, 3, 3) from his take, frames ``fr``
        (``col``: Henry's column in ``local`` when it holds some bodies only)."""
        if self.henry is None:
            return
        row, first, arms = self.henry
        row = row if col is None else col
        k = fr - first
        sel = k >= 0
        if sel.any():
            local[np.flatnonzero(sel)[:, None], row, ARMS[None, :]] = arms[np.minimum(k[sel], len(arms) - 1)]

    def apply(self, world: np.ndarray, fr: np.ndarray, rows: np.ndarray | None = None) -> None:
        """Overwrite the driven bodies' joints in ``world`` (n, A, J, 4, 4) for frames ``fr``
        (``rows``: the global rows of ``world``'s bodies when it holds some only)."""
        for row, first, frames_world in self.bodies:
            if rows is not None:
                hit = np.flatnonzero(rows == row)
                if not len(hit):
                    continue
                row = int(hit[0])
            k = fr - first
            sel = k >= 0
            if sel.any():
                kk = np.minimum(k[sel], len(frames_world) - 1)
                world[sel, row] = frames_world[kk]


def _resampled(actor, poses):
    """(first frame, local (K, J, 3, 3), root (K, 3) m, the take's first root position
    (3,) m) of ``actor``'s take on the replay's frames from ``mocap_start`` on (nearest BVH
    row). Only the rows those frames use are retargeted (1 in 5 of a 120 fps take at 24)."""
    bvh = actor.mocap
    first = min(poses.tb.frame_at(float(actor.mocap_start)), poses.F - 1)
    rate = 1.0 / float(bvh.frame_time)
    n_out = max(1, int(np.floor((bvh.frames - 1) / rate * poses.fps + 1e-9)) + 1)
    src = np.minimum(np.rint(np.arange(n_out) / poses.fps * rate).astype(np.int64), bvh.frames - 1)
    rows, inv = np.unique(np.concatenate([[0], src]), return_inverse=True)
    rt = retarget(bvh, float(actor.height), frames=rows)
    return first, rt.local[inv[1:]], rt.root[inv[1:]], rt.root[0]


def _driven(row, actor, poses):
    """(row, first frame, world matrices (K, J, 4, 4) on the replay's frames)."""
    first, local, root, root0 = _resampled(actor, poses)
    r = rot_y(float(poses.facing[first, row]))
    floor = 0.0 if poses.floor_y is None else float(poses.floor_y[first, row])  # on its floor at its start
    place = np.array((poses.xz[first, row, 0], floor, poses.xz[first, row, 1]))
    pos = place + (root - root0 * np.array((1.0, 0.0, 1.0))) @ r.T
    k = len(local)
    world = forward_kinematics(local, pos, np.broadcast_to(r, (k, 3, 3)), np.full(k, poses.scale[row]))
    return row, first, world
