"""Helpers for the pose tests: small fights built in code and geometry read off the poses."""

from __future__ import annotations

import numpy as np

import levelkit as lk
from previs.pose.evaluate import BodyPoses
from previs.pose.skeleton import CHEST_POINT, HEAD_POINT, INDEX, point_in, rot_x, rot_y, rot_z
from previs.sim.script import simulate

HENRY = 1


def duel(action: str, gap: float, t: float = 2.0, duration: float = 4.0, extra=(), **kw):
    """Performer A (id 2) at (10, 10) does ``action`` to B (id 3) standing ``gap`` m south of
    it at ``t``; Henry watches from 8 m away. Returns (level, motion, poses)."""
    a = lk.performer(2, "A", (10.0, 10.0), **kw)
    b = lk.performer(3, "B", (10.0, 10.0 + gap))
    level = lk.level(lk.henry(position=(16.0, 10.0)), [a, b],
                     beats=[lk.beat(10, t, 2, action, 3), *extra], duration=duration)
    motion = simulate(level)
    return level, motion, BodyPoses(motion)


def target_point(world: np.ndarray, row: int, kind: str) -> np.ndarray:
    """World (3,) of body ``row``'s head or chest target point."""
    joint, local = ("head", HEAD_POINT) if kind == "head" else ("chest", CHEST_POINT)
    return point_in(world[row:row + 1], INDEX[joint], local)[0]


def view_coords(motion, frame: int, pts: np.ndarray) -> np.ndarray:
    """Points (n, 3) in the camera's normalised view: x, y in -1..1 inside a 16:9 frustum of
    the track's hfov, and depth (negative in front of the eye)."""
    tr = motion.track
    r = rot_y(tr.yaw[frame]) @ rot_x(tr.pitch[frame]) @ rot_z(tr.roll[frame])
    c = (np.asarray(pts) - tr.pos[frame]) @ r
    th = np.tan(np.radians(tr.hfov[frame]) / 2)
    depth = -c[:, 2]
    return np.stack([c[:, 0] / depth / th, c[:, 1] / depth / (th * 9 / 16), c[:, 2]], axis=1)
