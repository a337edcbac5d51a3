"""Write the bundled action clips, ``assets/clips/*.bvh``, from the keyframes below.

Run ``python tools/make_clips.py``; the output is deterministic (the same bytes every run)
and committed. The sidecar ``assets/clips/clips.toml`` (contact frames, targets, reactions)
is written by hand, not by this script: an animator replaces a clip by replacing its BVH
and, if its timing changes, its sidecar entry (``docs/bodies.md``).

Keyframes: per frame (at :data:`FPS`), per joint ``(rx, ry, rz)`` degrees applied as
``rot_y(ry) @ rot_x(rx) @ rot_z(rz)`` (BVH channels ``Yrotation Xrotation Zrotation``), and
the root's offset from its rest place in metres in the body frame (+X right, +Y up,
-Z forward). In-betweens ease (smoothstep) from key to key. Joint conventions
(:mod:`previs.pose.skeleton`): ``rx`` + swings a hanging arm or leg forward, bends an elbow,
bends a spine joint back, tips the foot's toe up; a knee bends with ``rx`` -; ``ry`` + turns
left; ``rz`` + lifts the right arm out sideways (the left with -).
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from previs.level.bvh_file import Bvh, write_bvh  # noqa: E402
from previs.pose.skeleton import HAND, INDEX, JOINTS, PARENT, PELVIS_HEIGHT, REST_OFFSET, TOE_IN_FOOT  # noqa: E402

FPS = 30
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", "clips")

GUARD = {"l_upperarm": (50, -15, 0), "r_upperarm": (50, 15, 0), "l_forearm": (120, 0, 0),
         "r_forearm": (120, 0, 0)}
STAND = {"l_thigh": (4, 0, 0), "l_shin": (-8, 0, 0), "r_thigh": (4, 0, 0), "r_shin": (-8, 0, 0)}
LYING = {"pelvis": (90, 0, 0), "l_upperarm": (0, 0, -25), "r_upperarm": (0, 0, 25), "l_forearm": (20, 0, 0),
         "r_forearm": (20, 0, 0), "head": (-10, 0, 0)}
LYING_ROOT = (0.0, 0.12 - PELVIS_HEIGHT, 0.95)
"""On the back, feet where the body stood, head toward where it faced away from: the
plan's lying footprint (:func:`previs.plan.safety_bodies.fall_direction`)."""


def pose(*parts, **joints):
    """A keyframe pose: dicts merged left to right, then ``joints`` on top."""
    out = {}
    for p in parts:
        out.update(p)
    out.update(joints)
    return out


def key(frame, p, root=(0.0, 0.0, 0.0)):
    return frame, p, root


CLIPS = {
    "punch": [key(0, GUARD), key(5, pose(GUARD, chest=(0, -12, 0), r_upperarm=(45, 10, 0), r_forearm=(125, 0, 0))),
              key(9, pose(GUARD, spine=(-5, 8, 0), chest=(0, 25, 0), head=(-5, -20, 0), r_upperarm=(92, 0, 0),
                          r_forearm=(5, 0, 0)), (0, 0, -0.10)),
              key(12, pose(GUARD, spine=(-5, 8, 0), chest=(0, 22, 0), head=(-5, -18, 0), r_upperarm=(88, 0, 0),
                           r_forearm=(20, 0, 0)), (0, 0, -0.08)),
              key(20, GUARD)],
    "hit": [key(0, GUARD), key(4, pose(GUARD, chest=(0, -20, 0), r_upperarm=(10, 10, 70), r_forearm=(90, 0, 0))),
            key(8, pose(GUARD, spine=(-5, 10, 0), chest=(0, 30, 0), head=(0, -25, 0), r_upperarm=(0, 55, 80),
                        r_forearm=(90, 0, 0)), (0, 0, -0.05)),
            key(14, GUARD)],
    "kick": [key(0, pose(GUARD, STAND)),
             key(6, pose(GUARD, STAND, spine=(5, 0, 0), r_thigh=(85, 0, 0), r_shin=(-110, 0, 0),
                         l_shin=(-15, 0, 0)), (0, -0.03, 0)),
             key(10, pose(GUARD, STAND, spine=(15, 0, 0), chest=(5, 0, 0), r_thigh=(80, 0, 0), r_shin=(-8, 0, 0),
                          r_foot=(20, 0, 0), l_shin=(-12, 0, 0)), (0, -0.02, 0.05)),
             key(14, pose(GUARD, STAND, spine=(5, 0, 0), r_thigh=(80, 0, 0), r_shin=(-110, 0, 0))),
             key(22, pose(GUARD, STAND))],
    "grab": [key(0, GUARD),
             key(8, pose(spine=(-10, 0, 0), l_upperarm=(75, -5, 0), r_upperarm=(75, 5, 0), l_forearm=(25, 0, 0),
                         r_forearm=(25, 0, 0)), (0, 0, -0.10)),
             key(16, pose(spine=(-5, 0, 0), l_upperarm=(60, -5, 0), r_upperarm=(60, 5, 0), l_forearm=(60, 0, 0),
                          r_forearm=(60, 0, 0))),
             key(24, GUARD)],
    "throw": [key(0, GUARD),
              key(5, pose(chest=(0, -20, 0), l_upperarm=(70, -5, 0), r_upperarm=(70, 5, 0), l_forearm=(40, 0, 0),
                          r_forearm=(40, 0, 0))),
              key(10, pose(spine=(-15, 10, 0), chest=(0, 45, 0), head=(0, -30, 0), r_upperarm=(80, 30, 0),
                           l_upperarm=(40, 30, 0), r_forearm=(20, 0, 0), l_forearm=(30, 0, 0)), (0, 0, -0.15)),
              key(20, GUARD)],
    "tackle": [key(0, pose(GUARD, STAND)),
               key(5, pose(GUARD, spine=(-20, 0, 0), l_thigh=(40, 0, 0), r_thigh=(40, 0, 0), l_shin=(-60, 0, 0),
                           r_shin=(-60, 0, 0)), (0, -0.2, 0)),
               key(10, pose(pelvis=(-40, 0, 0), spine=(-20, 0, 0), l_thigh=(10, 0, 0), r_thigh=(30, 0, 0),
                            l_shin=(-20, 0, 0), r_shin=(-60, 0, 0), l_upperarm=(130, -10, 0),
                            r_upperarm=(130, 10, 0), l_forearm=(15, 0, 0), r_forearm=(15, 0, 0)), (0, -0.35, -0.7)),
               key(18, pose(pelvis=(-30, 0, 0), spine=(-10, 0, 0), l_thigh=(60, 0, 0), r_thigh=(20, 0, 0),
                            l_shin=(-90, 0, 0), r_shin=(-40, 0, 0), l_upperarm=(70, -10, 0),
                            r_upperarm=(70, 10, 0), l_forearm=(40, 0, 0), r_forearm=(40, 0, 0)), (0, -0.3, -0.6)),
               key(34, pose(GUARD, STAND))],
    "shove": [key(0, GUARD),
              key(4, pose(l_upperarm=(55, -10, 0), r_upperarm=(55, 10, 0), l_forearm=(100, 0, 0),
                          r_forearm=(100, 0, 0))),
              key(7, pose(spine=(-10, 0, 0), l_upperarm=(85, -5, 0), r_upperarm=(85, 5, 0), l_forearm=(10, 0, 0),
                          r_forearm=(10, 0, 0)), (0, 0, -0.12)),
              key(10, pose(spine=(-8, 0, 0), l_upperarm=(85, -5, 0), r_upperarm=(85, 5, 0), l_forearm=(15, 0, 0),
                           r_forearm=(15, 0, 0)), (0, 0, -0.12)),
              key(18, GUARD)],
    "recoil": [key(0, GUARD),
               key(3, pose(spine=(10, 0, 0), chest=(10, 0, 0), neck=(10, 0, 0), head=(15, 0, 0),
                           l_upperarm=(20, -10, -10), r_upperarm=(20, 10, 10), l_forearm=(60, 0, 0),
                           r_forearm=(60, 0, 0)), (0, 0, 0.08)),
               key(15, GUARD)],
    "stagger": [key(0, pose(GUARD, STAND)),
                key(4, pose(spine=(15, 0, 0), chest=(10, 0, 0), head=(15, 0, 0), l_upperarm=(30, 0, -40),
                            r_upperarm=(30, 0, 40), l_forearm=(40, 0, 0), r_forearm=(40, 0, 0),
                            r_thigh=(-20, 0, 0), l_thigh=(25, 0, 0), l_shin=(-40, 0, 0)), (0, -0.03, 0.15)),
                key(12, pose(spine=(8, 0, 0), head=(5, 0, 0), l_upperarm=(20, 0, -25), r_upperarm=(20, 0, 25),
                             l_forearm=(40, 0, 0), r_forearm=(40, 0, 0), l_thigh=(-15, 0, 0), r_thigh=(20, 0, 0),
                             r_shin=(-35, 0, 0)), (0, -0.03, 0.25)),
                key(27, pose(GUARD, STAND))],
    "thrown": [key(0, pose(GUARD, STAND)),
               key(6, pose(pelvis=(25, 0, 0), spine=(20, 0, 0), head=(15, 0, 0), l_upperarm=(40, 0, -50),
                           r_upperarm=(40, 0, 50), l_thigh=(30, 0, 0), l_shin=(-30, 0, 0)), (0, -0.25, 0.30)),
               key(14, pose(spine=(-20, 0, 0), r_thigh=(84, 0, 0), r_shin=(-84, 0, 0), l_thigh=(-10, 0, 0),
                            l_shin=(-100, 0, 0), l_foot=(-90, 0, 0), r_upperarm=(40, 0, 20), l_upperarm=(20, 0, -20)),
                   (0, -0.40, 0.35)),
               key(30, pose(spine=(-15, 0, 0), r_thigh=(84, 0, 0), r_shin=(-84, 0, 0), l_thigh=(-10, 0, 0),
                            l_shin=(-100, 0, 0), l_foot=(-90, 0, 0), r_upperarm=(30, 0, 10), l_upperarm=(20, 0, -10)),
                   (0, -0.40, 0.35)),
               key(42, pose(GUARD, STAND))],
    "fall": [key(0, {}),
             key(8, pose(spine=(-10, 0, 0), l_thigh=(40, 0, 0), r_thigh=(40, 0, 0), l_shin=(-70, 0, 0),
                         r_shin=(-70, 0, 0), l_upperarm=(30, 0, -20), r_upperarm=(30, 0, 20)), (0, -0.25, 0.05)),
             key(14, pose(pelvis=(20, 0, 0), l_thigh=(80, 0, 0), r_thigh=(80, 0, 0), l_shin=(-30, 0, 0),
                          r_shin=(-30, 0, 0), l_upperarm=(20, 0, -40), r_upperarm=(20, 0, 40)), (0, -0.80, 0.35)),
             key(20, pose(pelvis=(70, 0, 0), l_thigh=(60, 0, 0), r_thigh=(60, 0, 0), l_shin=(-30, 0, 0),
                          r_shin=(-30, 0, 0), l_upperarm=(10, 0, -30), r_upperarm=(10, 0, 30)), (0, -0.85, 0.70)),
             key(24, LYING, LYING_ROOT)],
    "down": [key(0, {}),
             key(8, pose(spine=(-20, 0, 0), l_thigh=(60, 0, 0), r_thigh=(60, 0, 0), l_shin=(-110, 0, 0),
                         r_shin=(-110, 0, 0)), (0, -0.45, 0)),
             key(13, pose(pelvis=(30, 0, 0), l_thigh=(70, 0, 0), r_thigh=(70, 0, 0), l_shin=(-30, 0, 0),
                          r_shin=(-30, 0, 0)), (0, -0.82, 0.30)),
             key(18, LYING, LYING_ROOT)],
    "guard": [key(0, GUARD), key(6, GUARD)],
    "dodge": [key(0, pose(GUARD, STAND)),
              key(8, pose(GUARD, spine=(-30, 0, 0), chest=(-10, 0, 0), head=(20, 0, 0), l_thigh=(60, 0, 0),
                          r_thigh=(60, 0, 0), l_shin=(-100, 0, 0), r_shin=(-100, 0, 0)), (-0.15, -0.30, 0)),
              key(18, pose(GUARD, STAND))],
    "look": [key(0, {}), key(4, pose(chest=(-3, 0, 0), neck=(-5, 0, 0), head=(-5, 0, 0))),
             key(8, pose(chest=(-3, 0, 0), neck=(-5, 0, 0), head=(-5, 0, 0)))],
}
"""Every clip's keyframes: ``(frame, {joint: (rx, ry, rz)}, root offset)``."""


def frames_of(keys):
    """Euler angles (N, J, 3) degrees and root offsets (N, 3) metres, eased between keys."""
    n = keys[-1][0] + 1
    ang = np.zeros((len(keys), len(JOINTS), 3))
    root = np.zeros((len(keys), 3))
    for i, (_, p, r) in enumerate(keys):
        for j, name in enumerate(JOINTS):
            ang[i, j] = p.get(name, (0.0, 0.0, 0.0))
        root[i] = r
    kf = np.array([k[0] for k in keys], float)
    f = np.arange(n, dtype=float)
    seg = np.clip(np.searchsorted(kf, f, side="right") - 1, 0, len(kf) - 2)
    u = (f - kf[seg]) / (kf[seg + 1] - kf[seg])
    e = np.clip(u, 0, 1)
    e = (e * e * (3 - 2 * e))
    out_a = ang[seg] + (ang[seg + 1] - ang[seg]) * e[:, None, None]
    out_r = root[seg] + (root[seg + 1] - root[seg]) * e[:, None]
    return out_a, out_r


def to_bvh(name: str, keys) -> Bvh:
    """The clip as a :class:`~previs.level.bvh_file.Bvh` (centimetres, channels YXZ)."""
    ang, root = frames_of(keys)
    cols = []
    for j in range(len(JOINTS)):
        if j == 0:
            pos = (root + np.array((0.0, PELVIS_HEIGHT, 0.0))) * 100.0
            cols.append(pos)
        cols.append(ang[:, j][:, [1, 0, 2]])  # Yrotation Xrotation Zrotation
    motion = np.round(np.concatenate(cols, axis=1), 4)
    channels = [("Xposition", "Yposition", "Zposition", "Yrotation", "Xrotation", "Zrotation")]
    channels += [("Yrotation", "Xrotation", "Zrotation")] * (len(JOINTS) - 1)
    offsets = REST_OFFSET * 100.0
    offsets = np.round(np.where(np.arange(len(JOINTS))[:, None] == 0, 0.0, offsets), 4)
    ends = ((INDEX["head"], (0.0, 20.0, 0.0)), (INDEX["l_hand"], (0.0, -HAND * 100.0, 0.0)),
            (INDEX["r_hand"], (0.0, -HAND * 100.0, 0.0)), (INDEX["l_foot"], tuple(TOE_IN_FOOT * 100.0)),
            (INDEX["r_foot"], tuple(TOE_IN_FOOT * 100.0)))
    return Bvh(path=name, names=tuple(JOINTS), parents=tuple(PARENT), offsets=offsets, channels=tuple(channels),
               motion=motion, frame_time=1.0 / FPS, ends=ends)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name, keys in CLIPS.items():
        write_bvh(os.path.join(OUT, f"{name}.bvh"), to_bvh(name, keys))
        print(f"{name}.bvh: {keys[-1][0] + 1} frames")


if __name__ == "__main__":
    main()
