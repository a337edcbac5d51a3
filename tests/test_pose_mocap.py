"""A mocap performer is driven by its retargeted BVH from mocap_start, placed where it stands."""

from __future__ import annotations

import dataclasses

import numpy as np

import bvhkit
import levelkit as lk
from previs.pose.evaluate import BodyPoses
from previs.pose.retarget import retarget
from previs.pose.skeleton import INDEX, forward_kinematics, rot_y
from previs.sim.script import simulate


def test_mocap_joints_match_the_retargeted_bvh_within_1_cm():
    bvh = bvhkit.build(bvhkit.ours_spec(), 90, frame_time=1 / 30)  # 3 s at 30 fps
    a = dataclasses.replace(lk.performer(2, "A", (10.0, 10.0)), mocap=bvh, mocap_start=1.0)
    level = lk.level(lk.henry(position=(10.0, 4.0)), [a], duration=5.0)  # A faces Henry: north
    m = simulate(level)
    bp = BodyPoses(m)
    rt = retarget(bvh, 1.8)
    first = bp.tb.frame_at(1.0)
    yaw = float(m.perf_facing[first, 0])
    assert abs(yaw) < 1e-9
    for f in (first, first + 10, first + 37, first + 71):
        k = int(round((f - first) / 24 * 30))
        want_root = rt.root[k] - rt.root[0] * (1, 0, 1) + (10.0, 0.0, 10.0)
        want = forward_kinematics(rt.local[k:k + 1], want_root[None], rot_y(yaw)[None], np.ones(1))[0]
        got = bp.at(f).world[0]
        assert np.abs(got[:, :3, 3] - want[:, :3, 3]).max() < 0.01
    # Before mocap_start the body is the ordinary standing gait.
    assert np.hypot(*(bp.at(first - 1).world[0, 0, [0, 2], 3] - (10.0, 10.0))) < 1e-9


def test_henrys_take_drives_his_arms_relative_to_his_chest():
    bvh = bvhkit.build(bvhkit.ours_spec(), 60, frame_time=1 / 30, seed=4)
    h = dataclasses.replace(lk.henry(position=(10.0, 10.0)), mocap=bvh, mocap_start=0.5)
    level = lk.level(h, [lk.performer(2, "A", (10.0, 6.0))], duration=3.0)
    bp = BodyPoses(simulate(level))
    rt = retarget(bvh, 1.8)
    first = bp.tb.frame_at(0.5)
    for f in (first, first + 20):
        k = int(round((f - first) / 24 * 30))
        w = bp.at(f).world[1]
        for parent, joint in (("chest", "r_upperarm"), ("l_upperarm", "l_forearm")):
            got = w[INDEX[parent], :3, :3].T @ w[INDEX[joint], :3, :3]
            assert np.allclose(got, rt.local[k, INDEX[joint]], atol=1e-9)
        eye = w[INDEX["head"], :3, 3]
        assert np.linalg.norm(eye - bp.motion.track.pos[f]) < 0.2  # still behind the camera
