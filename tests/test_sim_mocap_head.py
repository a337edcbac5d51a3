"""Henry's ``mocap``: his BVH head turns the camera from ``mocap_start`` on; a 90-degree head
turn in 0.25 s makes exactly one turn cut; levels without mocap are unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from bvhkit import ours_spec, write
from previs import pipeline
from previs.level.bvh_file import Bvh
from previs.level.loader import load_level
from previs.pose.skeleton import JOINTS
from previs.sim.mocap_head import head_offsets
from tmxkit import make_map, obj

FPS_BVH = 120


def _head_turn(yaw_deg: float = 90.0, pitch_deg: float = 0.0, roll_deg: float = 0.0, seconds: float = 2.0) -> Bvh:
    """Our skeleton standing still; from 0.5 s the head turns linearly by the given angles
    (its local Y, X, Z rotations) over 0.25 s, then holds."""
    spec = ours_spec()
    names = tuple(r[0] for r in spec)
    parents = tuple(-1 if r[1] is None else names.index(r[1]) for r in spec)
    offsets = np.array([r[2] for r in spec])
    channels = tuple(("Xposition", "Yposition", "Zposition", "Yrotation", "Xrotation", "Zrotation") if p < 0
                     else ("Yrotation", "Xrotation", "Zrotation") for p in parents)
    n = int(seconds * FPS_BVH)
    motion = np.zeros((n, 6 + 3 * (len(names) - 1)))
    motion[:, :3] = offsets[0]
    ramp = np.clip((np.arange(n) / FPS_BVH - 0.5) / 0.25, 0.0, 1.0)
    head = 6 + 3 * (JOINTS.index("head") - 1)
    motion[:, head:head + 3] = np.outer(ramp, (yaw_deg, pitch_deg, roll_deg))
    return Bvh("head.bvh", names, parents, offsets, channels, motion, 1 / FPS_BVH)


def test_offsets_follow_the_head_from_mocap_start():
    bvh = _head_turn(40.0, -20.0, 10.0)
    yaw, pitch, roll = head_offsets(bvh, 1.0, 24.0, 96)  # 4 s at 24 fps
    # Before 1.5 s (1.0 start + 0.5 s still) nothing moves; from 1.75 s on the turn holds.
    assert np.abs(yaw[:36]).max() < 1e-9 and np.abs(pitch[:36]).max() < 1e-9
    assert yaw[42:] == pytest.approx(40.0, abs=1e-6)
    # rot_x(+a) turns -Z toward +Y (looks up), so the file's -20 degrees of X looks down;
    # rot_z(+a) lifts the right ear (+X toward +Y): roll +10.
    assert pitch[-1] == pytest.approx(-20.0, abs=1e-6)
    assert roll[-1] == pytest.approx(10.0, abs=1e-6)
    # Halfway through the ramp (1.625 s = frame 39) the yaw is halfway (linear ramp, exact rows).
    assert yaw[39] == pytest.approx(20.0, abs=1e-6)


def test_a_90_degree_head_turn_in_a_quarter_second_is_one_turn_cut(tmp_path):
    write(tmp_path / "head.bvh", _head_turn(90.0))
    henry = obj(1, "henry", "Henry", 48, 48, {"mocap": "head.bvh", "mocap_start": 1.0})
    level = load_level(make_map(tmp_path, henry, {"duration": 4.0}))
    plan = pipeline.plan(pipeline.replay(level))
    assert len(plan.cuts) == 1
    assert plan.cuts[0].frame / 24 == pytest.approx(1.625, abs=0.05)
    still = load_level(make_map(tmp_path, obj(1, "henry", "Henry", 48, 48), {"duration": 4.0}))
    assert pipeline.plan(pipeline.replay(still)).cuts == ()


def test_without_mocap_the_track_is_the_scripts(tmp_path):
    level = load_level(make_map(tmp_path, obj(1, "henry", "Henry", 48, 48, {"heading": 30.0}), {"duration": 2.0}))
    track = pipeline.replay(level).track
    assert np.array_equal(track.yaw, np.full(48, 30.0)) and not track.roll.any() and not track.pitch.any()
