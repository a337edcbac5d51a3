"""Props in hand and thrown: where each performer's ``prop`` is at a frame.

A performer (or Henry) with ``prop`` (a key of :data:`~previs.pose.props.PROPS`) holds it in
the right hand: the prop's frame is the hand's frame (scale removed) times the grip, a translation to
:data:`~previs.pose.skeleton.HAND_GRIP` and ``rot_x(-90)``, so the prop's long axis (-Z)
runs along the hand (the forearm's direction) and its +Y along the back of the hand's -Z.
The holder's first ``throw`` beat releases it on the beat's frame (the clip's contact):
it flies :data:`FLIGHT` seconds on an arc :data:`ARC` m high to the floor
:data:`BEYOND` m beyond the target (or :data:`NO_TARGET_RANGE` m ahead without one), turning
end over end, and lies there flat along the throw's direction for the rest of the replay.
"""

from __future__ import annotations

import numpy as np

from .ik import blend, yaw_of
from .props import PROPS
from .skeleton import HAND_GRIP, INDEX, rot_x, rot_y

FLIGHT = 0.5
ARC = 0.4
BEYOND = 1.0
NO_TARGET_RANGE = 2.0
GRIP_ROT = rot_x(-90.0)
_HAND = INDEX["r_hand"]


def hand_prop_frames(world_hands: np.ndarray) -> np.ndarray:
    """(K, 4, 4) prop frames in world metres held by hands whose joint matrices are
    ``world_hands`` (K, 4, 4)."""
    m = world_hands[:, :3, :3]
    scale = np.linalg.norm(m[:, :, 0], axis=1)
    out = np.broadcast_to(np.eye(4), world_hands.shape).copy()
    out[:, :3, :3] = (m / scale[:, None, None]) @ GRIP_ROT
    out[:, :3, 3] = world_hands[:, :3, 3] + m @ HAND_GRIP
    return out


class HeldProps:
    """Every performer's prop over a replay (``poses`` the :class:`~previs.pose.evaluate.BodyPoses`)."""

    def __init__(self, level, poses):
        self.poses = poses
        self.holders: list[tuple[int, str, int, np.ndarray, float]] = []  # row, prop, release, land, yaw
        self._start: dict[int, np.ndarray] = {}
        tb = poses.tb
        rows = {p.id: i for i, p in enumerate(level.performers)}
        rows[level.henry.id] = poses.P
        for i, p in enumerate((*level.performers, level.henry)):  # Henry's row is last
            name = p.prop
            if name not in PROPS:
                continue
            release, land, yaw = poses.F, np.zeros(2), 0.0
            for b in level.beats:
                if b.actor == p.id and b.action == "throw" and tb.frame_at(b.t) < poses.F:
                    release = tb.frame_at(b.t)
                    me = poses.xz[release, i]
                    tgt = rows.get(b.target, -1) if b.target is not None else -1
                    if tgt >= 0 and np.hypot(*(poses.xz[release, tgt] - me)) > 1e-6:
                        d = poses.xz[release, tgt] - me
                        d = d / np.hypot(*d)
                        land = poses.xz[release, tgt] + BEYOND * d
                    else:
                        a = np.radians(poses.facing[release, i])
                        d = np.array((-np.sin(a), -np.cos(a)))
                        land = me + NO_TARGET_RANGE * d
                    yaw = float(yaw_of(d[0], d[1]))
                    break
            self.holders.append((i, name, release, land, yaw))
        self._rows = np.array([h[0] for h in self.holders], np.int64)
        self._release = np.array([h[2] for h in self.holders], np.int64)
        self._names = tuple(h[1] for h in self.holders)

    def at(self, f: int, world: np.ndarray, rows: np.ndarray | None = None):
        """``(names, frames (K, 4, 4))`` of every prop at frame ``f`` given that frame's
        joint matrices ``world`` (A, J, 4, 4): the held ones in one batched product.
        ``rows``: the global rows (ascending) of ``world``'s bodies when it holds some only;
        then the props held by those and every thrown one."""
        if not self.holders:
            return (), np.zeros((0, 4, 4))
        if rows is None:
            keep, cols = np.arange(len(self.holders)), self._rows
        else:
            pos = np.minimum(np.searchsorted(rows, self._rows), len(rows) - 1)
            keep = np.flatnonzero((rows[pos] == self._rows) | (f >= self._release))
            cols = pos[keep]
        out = hand_prop_frames(world[cols, _HAND])
        for i, k in enumerate(keep):
            if f >= self._release[k]:  # thrown: in flight or lying
                out[i] = self._flying(*self.holders[k], f)
        return tuple(self._names[k] for k in keep), out

    def _flying(self, row, name, release, land, yaw, f) -> np.ndarray:
        start = self._start.get(row)
        if start is None:
            start = hand_prop_frames(self.poses.world_at(release)[row, _HAND][None])[0]
            self._start[row] = start
        s = min(max((f - release) / (FLIGHT * self.poses.fps), 0.0), 1.0)
        lie = PROPS[name].thickness / 2
        p1 = np.array((land[0], lie, land[1]))
        pos = start[:3, 3] + (p1 - start[:3, 3]) * s
        pos[1] += 4 * ARC * s * (1 - s)
        spin = rot_y(yaw) @ rot_x(720.0 * s)
        rot = blend(start[:3, :3], spin, min(1.0, 4 * s))
        out = np.eye(4)
        out[:3, :3], out[:3, 3] = rot, pos
        return out
