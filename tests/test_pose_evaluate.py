"""BodyPoses: deterministic, Henry behind the camera, props in the hand and thrown."""

from __future__ import annotations

import numpy as np
import pytest

import levelkit as lk
from posekit import HENRY, duel, view_coords
from previs.pose.evaluate import BLOCK, BodyPoses
from previs.pose.held_props import FLIGHT
from previs.pose.limbs import fist
from previs.pose.skeleton import EYE_IN_HEAD, INDEX, point_in
from previs.plan.orientation import rotation_matrices
from previs.sim.script import simulate


def test_two_body_poses_of_the_same_replay_are_identical_bytes_in_any_order():
    _, m, a = duel("punch", 1.0)
    b = BodyPoses(m)
    order = list(range(m.frames))
    shuffled = list(np.random.default_rng(3).permutation(m.frames))
    wa = {f: a.at(f).world.tobytes() for f in order}
    wb = {f: b.at(f).world.tobytes() for f in shuffled}
    assert wa == wb


def test_frame_poses_rows_and_henrys_eye_behind_the_lens_on_its_mount():
    # eye = camera + mount offset: the default mount's lens is 0.1 m below and 0.08 m ahead
    # of the eye in the head's frame (camera rotation: the plan's own Ry Rx Rz).
    _, m, bp = duel("punch", 1.0)
    fp = bp.at(10)
    assert fp.world.shape == (3, 17, 4, 4) and fp.henry == 2
    R = rotation_matrices(m.track.yaw, m.track.pitch, m.track.roll)
    for f in (0, 30, m.frames - 1):
        eye = point_in(bp.at(f).world[2:3], INDEX["head"], EYE_IN_HEAD)[0]
        assert np.allclose(eye, m.track.pos[f] + R[f] @ np.array([0.0, 0.1, 0.08]), atol=1e-9)
    assert np.allclose(m.track.pos[:, 1], 1.6, atol=1e-12)  # head level (pitch 0): the lens at the mouth


def henry_fight(punch_t=2.0):
    a = lk.performer(2, "A", (10.0, 17.0))
    level = lk.level(lk.henry(position=(10.0, 18.0)), [a],
                     beats=[lk.beat(9, 0.5, HENRY, "look", 2), lk.beat(10, punch_t, HENRY, "punch", 2)], duration=4.0)
    m = simulate(level)
    return m, BodyPoses(m)


def test_henrys_hands_are_in_the_lower_third_during_his_punch():
    m, bp = henry_fight()
    fc = bp.tb.frame_at(2.0)
    clip = bp.lib.get("punch")
    start = bp.tb.frame_at(2.0 - clip.contact_time)
    for f in range(start, fc + 1):
        w = bp.at(f).world
        v = view_coords(m, f, np.stack([fist(w[1:2], "l_hand")[0], fist(w[1:2], "r_hand")[0]]))
        guard = v[0]  # the left fist stays up in guard
        assert guard[2] < 0 and abs(guard[0]) < 1 and -1 < guard[1] < -1 / 3, (f, v)
        assert v[1, 2] < 0 and abs(v[1, 0]) < 1 and -1 < v[1, 1] < 1  # the punching fist is in view
        if f < fc - 4:
            assert v[1, 1] < -1 / 3


def test_henrys_hands_are_out_of_view_while_he_walks():
    h = lk.henry(position=(2.0, 18.0), path=lk.path(20, (2.0, 18.0), (2.0, 2.0)), speed=1.4, start=0.5)
    level = lk.level(h, [lk.performer(2, "A", (15.0, 5.0))], duration=6.0)
    m = simulate(level)
    bp = BodyPoses(m)
    for f in range(24, m.frames, 3):
        w = bp.at(f).world
        v = view_coords(m, f, np.stack([fist(w[1:2], "l_hand")[0], fist(w[1:2], "r_hand")[0]]))
        inside = (v[:, 2] < 0) & (np.abs(v[:, 0]) < 1) & (np.abs(v[:, 1]) < 1)
        assert not inside.any(), (f, v)


def prop_level(throw: bool):
    import dataclasses

    a = dataclasses.replace(lk.performer(2, "A", (10.0, 10.0)), prop="knife")
    b = lk.performer(3, "B", (10.0, 11.0))
    beats = [lk.beat(10, 2.0, 2, "throw", 3)] if throw else []
    return lk.level(lk.henry(position=(16.0, 10.0)), [a, b], beats=beats, duration=4.0)


def test_a_held_prop_follows_the_right_hand():
    bp = BodyPoses(simulate(prop_level(False)))
    for f in (0, 40, 90):
        fp = bp.at(f)
        assert fp.prop_names == ("knife",)
        grip = fist(fp.world[0:1], "r_hand")[0]
        assert np.allclose(fp.prop_world[0, :3, 3], grip, atol=1e-9)
        # long axis (-Z) along the hand's -Y
        hand_down = -fp.world[0, INDEX["r_hand"], :3, 1]
        assert np.dot(-fp.prop_world[0, :3, 2], hand_down / np.linalg.norm(hand_down)) > 0.999


def test_a_throw_releases_the_prop_at_contact_to_the_floor_beyond_the_target():
    m = simulate(prop_level(True))
    bp = BodyPoses(m)
    fc = bp.tb.frame_at(2.0)
    held = bp.at(fc - 1)
    assert np.allclose(held.prop_world[0, :3, 3], fist(held.world[0:1], "r_hand")[0])
    flying = bp.at(fc + 4)
    assert np.linalg.norm(flying.prop_world[0, :3, 3] - fist(flying.world[0:1], "r_hand")[0]) > 0.1
    land = bp.at(fc + int(FLIGHT * 24) + 2).prop_world[0, :3, 3]
    assert land[1] < 0.01
    assert land[2] > 11.5  # beyond B (A at z 10 throws south at B at z 11)
    assert np.allclose(bp.at(m.frames - 1).prop_world[0], bp.at(fc + int(FLIGHT * 24) + 2).prop_world[0])


def test_prefetch_evaluates_ahead_without_changing_a_byte():
    _, m, a = duel("punch", 1.0)
    b = BodyPoses(m)
    b.prefetch(40)
    assert 40 // BLOCK in b._cache
    assert a.at(41).world.tobytes() == b.at(41).world.tobytes()


def test_henrys_prop_is_in_his_right_fist_in_view_in_guard():
    import dataclasses

    h = dataclasses.replace(lk.henry(position=(10.0, 18.0)), prop="knife")
    a = lk.performer(2, "A", (10.0, 17.0))
    level = lk.level(h, [a], beats=[lk.beat(9, 0.5, HENRY, "look", 2), lk.beat(10, 2.0, HENRY, "punch", 2)],
                     duration=4.0)
    m = simulate(level)
    bp = BodyPoses(m)
    fp = bp.at(30)
    assert fp.prop_names == ("knife",)
    assert np.allclose(fp.prop_world[0, :3, 3], fist(fp.world[1:2], "r_hand")[0])
    v = view_coords(m, 30, fp.prop_world[:1, :3, 3])[0]
    assert v[2] < 0 and abs(v[0]) < 1 and -1 < v[1] < -1 / 3


def test_performers_keep_their_own_guard_and_henry_his():
    """Every body in guard: a performer's elbows bend 120 deg (fists at his chin), Henry's
    78 deg (fists in the lower third of his lens), in the same evaluation."""
    from previs.pose.skeleton import INDEX
    from previs.pose.upper_body import GUARD_ELBOW, HENRY_GUARD_ELBOW, upper_body

    one = np.ones(2)
    local = upper_body(0 * one, 0 * one, 0 * one, one, pitch=0 * one, henry=np.array([False, True]))
    fore = local[:, INDEX["r_forearm"]]
    bend = np.degrees(np.arccos((np.trace(fore, axis1=-2, axis2=-1) - 1) / 2))
    assert bend == pytest.approx([GUARD_ELBOW, HENRY_GUARD_ELBOW]) and GUARD_ELBOW == 120.0
