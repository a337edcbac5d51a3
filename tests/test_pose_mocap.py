"""A mocap performer is driven by its retargeted BVH from mocap_start, placed where it stands."""

from __future__ import annotations

import dataclasses

import numpy as np

import bvhkit
import levelkit as lk
from previs.level.model import Actor
from previs.pose.evaluate import BodyPoses
from previs.pose.retarget import retarget
from previs.pose.skeleton import forward_kinematics, rot_y
from previs.sim.script import simulate


def with_fields(actor, **fields):
    names = {f.name for f in dataclasses.fields(Actor)}
    if set(fields) <= names:
        return dataclasses.replace(actor, **fields)
    for k, v in fields.items():  # until the level model has the properties
        object.__setattr__(actor, k, v)
    return actor


def test_mocap_joints_match_the_retargeted_bvh_within_1_cm():
    bvh = bvhkit.build(bvhkit.ours_spec(), 90, frame_time=1 / 30)  # 3 s at 30 fps
    a = with_fields(lk.performer(2, "A", (10.0, 10.0)), mocap=bvh, mocap_start=1.0)
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
