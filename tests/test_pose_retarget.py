"""Retargeting BVH files onto previs's skeleton: a mocap performer's joints land on the
file's own joints within 1 cm on sampled frames, for previs-named, CMU-named and Mixamo
T-pose (centimetre) files with our segment lengths."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bvhkit import CMU_STILL, MIXAMO_STILL, build, cmu_spec, mixamo_spec, ours_spec, write
from previs.level.bvh_file import read_bvh
from previs.level.bvh_names import match_joints
from previs.level.bvh_rest import facing_rotation, metres_per_unit
from previs.pose.retarget import retarget, swing
from previs.pose.skeleton import HAND_GRIP, INDEX, JOINTS, TOE_IN_FOOT, forward_kinematics

SAMPLED = np.arange(0, 600, 37)  # 17 frames over 5 s at 120 fps


def _ours_and_theirs(bvh, frames=SAMPLED):
    """Our FK of the retargeted take and the file's own FK (turned, in metres) on ``frames``."""
    r = retarget(bvh, frames=frames)
    n = len(frames)
    ours = forward_kinematics(r.local, r.root, np.broadcast_to(np.eye(3), (n, 3, 3)), np.ones(n))
    found = match_joints(bvh.names, bvh.parents)
    theirs = bvh.world(frames)
    turn, s = facing_rotation(bvh, found), metres_per_unit(bvh, found)
    pos = theirs[..., :3, 3] @ turn.T * s
    return r, ours, pos, theirs, found, turn


@pytest.mark.parametrize("spec, still, scale, units", [
    (ours_spec, (), 1.0, 1.0),
    (cmu_spec, CMU_STILL, 1.0, 1.0),
    (mixamo_spec, MIXAMO_STILL, 100.0, 0.01),
])
def test_joints_match_the_file_within_1_cm(tmp_path, spec, still, scale, units):
    bvh = read_bvh(write(tmp_path / "take.bvh", build(spec(), 600, still=still, scale=scale, amplitude=60.0)))
    r, ours, pos, _, found, _ = _ours_and_theirs(bvh)
    assert r.metres_per_unit == units and r.fps == pytest.approx(120.0)
    for j, name in enumerate(JOINTS):
        err = np.linalg.norm(ours[:, j, :3, 3] - pos[:, found[name]], axis=-1)
        assert err.max() < 0.01, (name, err.max())
    # The take really moves: the right hand travels over half a metre across the samples.
    hand = ours[:, INDEX["r_hand"], :3, 3]
    assert np.ptp(hand, axis=0).max() > 0.5


def test_t_pose_rest_becomes_our_arms_down_rest(tmp_path):
    # Frame 0 with every channel zero: Mixamo's T-pose (arms along +-X, facing +Z).
    b = build(mixamo_spec(), 2, scale=100.0, amplitude=0.0)
    b = dataclasses.replace(b, motion=np.column_stack([np.tile(b.offsets[0], (2, 1)), b.motion[:, 3:]]))
    r = retarget(b)
    w = forward_kinematics(r.local, r.root, np.broadcast_to(np.eye(3), (2, 3, 3)), np.ones(2))
    # Our skeleton reproduces the T: turned from facing +Z to facing -Z, the performer's
    # left arm points along our -X (our left), level with the shoulder.
    sh, wr = w[0, INDEX["l_upperarm"], :3, 3], w[0, INDEX["l_hand"], :3, 3]
    assert wr[1] == pytest.approx(sh[1], abs=1e-9) and wr[0] < sh[0] - 0.5
    # and its hand keeps pointing along the arm (the leaf follows the forearm's correction)
    grip = w[0, INDEX["l_hand"], :3, :3] @ HAND_GRIP + wr
    assert grip[0] < wr[0] - 0.08 and abs(grip[1] - wr[1]) < 0.02


def test_leaves_point_where_the_file_points(tmp_path):
    spec = mixamo_spec()
    b = build(spec, 300, still=MIXAMO_STILL, scale=100.0, amplitude=50.0,
              ends=(("mixamorig:Head", (0.0, 0.2, 0.0)),))
    frames = np.arange(0, 300, 29)
    r, ours, pos, theirs, found, turn = _ours_and_theirs(b, frames)
    toe = b.names.index("mixamorig:LeftToeBase")
    want = pos[:, toe] - pos[:, found["l_foot"]]
    got = np.einsum("nij,j->ni", ours[:, INDEX["l_foot"], :3, :3], TOE_IN_FOOT)
    cos = np.einsum("ni,ni->n", want, got) / np.linalg.norm(want, axis=1) / np.linalg.norm(got, axis=1)
    assert cos.min() > 0.99999
    head_up = turn @ np.einsum("nij,j->ni", theirs[:, found["head"], :3, :3], (0.0, 1.0, 0.0)).T
    ours_up = ours[:, INDEX["head"], :3, 1]
    assert np.allclose(head_up.T, ours_up, atol=1e-9)


def test_missing_spine_and_neck_are_placed_between_their_neighbours(tmp_path):
    spec = [r for r in cmu_spec() if r[0] not in ("Spine", "Neck", "Neck1")]
    spec = [(n, {"Spine": "LowerBack", "Neck1": "Spine1"}.get(p, p), o) for n, p, o in spec]
    b = build(spec, 50, still=CMU_STILL)
    found = match_joints(b.names, b.parents)
    assert "neck" not in found and found["spine"] == b.names.index("LowerBack")
    r = retarget(b)
    assert np.isfinite(r.local).all() and r.local.shape == (50, 17, 3, 3)
    det = np.linalg.det(r.local)
    assert np.allclose(det, 1.0)


def test_swing_handles_opposite_vectors():
    m = swing((0.0, 1.0, 0.0), (0.0, -1.0, 0.0))
    assert np.allclose(m @ (0.0, 1.0, 0.0), (0.0, -1.0, 0.0)) and np.isclose(np.linalg.det(m), 1.0)
    m = swing((1.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    assert np.allclose(m @ (1.0, 0.0, 0.0), (0.0, 0.0, 1.0))


def test_the_head_follows_its_top_not_its_eyes():
    m = "mixamorig:"
    spec = mixamo_spec() + [(m + "HeadTop_End", m + "Head", (0.0, 0.18, 0.0)),
                            (m + "LeftEye", m + "Head", (0.03, 0.09, 0.08)), (m + "RightEye", m + "Head", (-0.03, 0.09, 0.08))]
    b = build(spec, 120, still=MIXAMO_STILL + (m + "HeadTop_End", m + "LeftEye", m + "RightEye"), scale=100.0)
    frames = np.arange(0, 120, 11)
    _, ours, _, theirs, found, turn = _ours_and_theirs(b, frames)
    head_up = np.einsum("ij,nj->ni", turn, np.einsum("nij,j->ni", theirs[:, found["head"], :3, :3], (0.0, 1.0, 0.0)))
    assert np.allclose(ours[:, INDEX["head"], :3, 1], head_up, atol=1e-9)
