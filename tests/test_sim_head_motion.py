"""The camera on Henry's head (issue 14): the mouth mount pivoting at the neck, gait bob,
sway and lean, and the stabiliser (previs.sim.head_motion)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import levelkit as lk
from previs import pipeline
from previs.level.model import Mark
from previs.level.revision import revision
from previs.plan.orientation import rotation_matrices
from previs.pose import locomotion
from previs.pose.skeleton import EYE_IN_HEAD
from previs.sim import gait_rule
from previs.sim.head_motion import EYE_ABOVE_PIVOT, EYE_AHEAD_OF_PIVOT, MAX_TURN_LEAN
from previs.sim.script import simulate
from previs.sim.take import replay_take, write_take, read_take
from previs.sim.walker import TickCmd
from tmxkit import HENRY, make_map

STEP_HZ = 2 * 1.4 / (1.27 * math.sqrt(1.4))
"""Steps per second walking at 1.4 m/s: stride 1.27 sqrt(v) = 1.503 m, 1.863 Hz (112 steps/min)."""


def walk_north(duration=24.0, **settings):
    """Henry walking 30 m north at 1.4 m/s from t = 0.5 s on an open floor."""
    h = lk.henry(position=(20.0, 38.0), path=lk.path(5, (20.0, 38.0), (20.0, 8.0)), speed=1.4, start=0.5)
    return lk.level(h, walls_=lk.walls(40, 40), duration=duration, **settings)


def steady(m, t0=2.0, t1=20.0):
    """Frames of the steady walk (after the start's corner ease and the first strides)."""
    return slice(int(t0 * 24), int(t1 * 24))


def dominant_hz(signal, fps):
    x = signal - signal.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1.0 / fps)[int(np.argmax(spec))], len(x) / fps


def test_walking_at_1_4_m_s_bobs_4_5_cm_at_the_step_frequency_and_sways_3_cm_at_the_stride_frequency():
    m = simulate(walk_north(stabilise=0.0))
    sl = steady(m)
    y = m.track.pos[sl, 1]
    x = m.track.pos[sl, 0]  # walking north: sideways is x
    assert y.max() - y.min() == pytest.approx(0.045, abs=0.0005)
    assert x.max() - x.min() == pytest.approx(0.030, abs=0.0005)
    f, span = dominant_hz(y, 24.0)
    assert abs(f - STEP_HZ) <= 1.0 / span  # within one FFT bin (0.056 Hz over 18 s)
    f, span = dominant_hz(x, 24.0)
    assert abs(f - STEP_HZ / 2) <= 1.0 / span
    # The bob is centred on the mount's height: eye 1.7 m, lens 0.1 m below.
    assert (y.max() + y.min()) / 2 == pytest.approx(1.6, abs=0.0005)
    # Walking straight: no lean.
    assert np.abs(m.track.roll[sl]).max() < 1e-9


def test_stabilise_1_removes_bob_sway_and_roll_exactly():
    lv = walk_north(stabilise=1.0)
    m = simulate(lv)
    # The un-bobbed path: the neck over his feet at eye height - 0.09 m, the lens 0.01 m
    # under and 0.16 m ahead of it, turned with the head (the plan's own rotation).
    R = rotation_matrices(m.track.yaw, m.track.pitch, m.track.roll)
    neck = np.column_stack([m.henry_xz[:, 0], np.full(m.frames, 1.7 - 0.09), m.henry_xz[:, 1]])
    assert np.abs(m.track.pos - (neck + R @ np.array([0.0, -0.01, -0.16]))).max() < 1e-9
    assert np.array_equal(m.track.roll, np.zeros(m.frames))
    # ... and stabilise 0 is the same path plus the bob (the mount applies either way).
    raw = simulate(walk_north(stabilise=0.0))
    assert np.array_equal(raw.track.yaw, m.track.yaw) and np.array_equal(raw.track.pitch, m.track.pitch)
    assert np.abs(raw.track.pos - m.track.pos).max() == pytest.approx(0.0225, abs=0.0005)
    half = simulate(walk_north(stabilise=0.5))
    assert np.allclose(half.track.pos - m.track.pos, 0.5 * (raw.track.pos - m.track.pos), atol=1e-12)


def whip_level(**settings):
    """Henry standing at (10, 10) facing north; at 1.0 s a 0.25 s look at a mark due west at
    his eye height (pitch stays 0): a 90 deg whip to the left."""
    lv = lk.level(lk.henry(position=(10.0, 10.0)), beats=[lk.beat(9, 1.0, 1, "look", 20, duration=0.25)],
                  duration=3.0, **settings)
    return dataclasses.replace(lv, marks=(Mark(id=20, name="door", position=(4.0, 10.0), height=1.7),))


@pytest.mark.parametrize("stabilise", [1.0, 0.0])
def test_a_90_degree_whip_swings_the_lens_on_its_arc_about_the_neck(stabilise):
    m = simulate(whip_level(stabilise=stabilise))
    before, after = m.track.pos[12], m.track.pos[60]
    assert (m.track.yaw[12], m.track.yaw[60]) == (0.0, pytest.approx(90.0))
    r = EYE_AHEAD_OF_PIVOT + 0.08  # eye ahead of the neck + the mount ahead of the eye: 0.16 m
    assert np.linalg.norm(after - before) == pytest.approx(2 * r * math.sin(math.radians(45)), abs=1e-9)  # 0.2263 m
    assert before == pytest.approx([10.0, 1.6, 10.0 - r], abs=1e-12)
    assert after == pytest.approx([10.0 - r, 1.6, 10.0], abs=1e-12)
    # Every frame of the whip on the circle about the neck, at the mount's height.
    d = m.track.pos[:, [0, 2]] - np.array([10.0, 10.0])
    assert np.allclose(np.hypot(d[:, 0], d[:, 1]), r, atol=1e-12)
    assert np.allclose(m.track.pos[:, 1], 1.6, atol=1e-12)
    assert np.array_equal(m.track.roll, np.zeros(m.frames))  # standing: no lean, bob or sway


def test_the_mount_defaults_put_the_lens_0_1_m_below_the_eyes_standing_still():
    lv = lk.level(lk.henry(position=(5.0, 5.0), heading=30.0), duration=1.0)
    assert (lv.settings.rig_height, lv.settings.rig_forward, lv.settings.stabilise) == (0.1, 0.08, 1.0)
    for st in (1.0, 0.0):
        m = simulate(dataclasses.replace(lv, settings=dataclasses.replace(lv.settings, stabilise=st)))
        assert np.allclose(m.track.pos[:, 1], 1.7 - 0.1, atol=1e-12)
    # Another mount: 0.25 m under the eyes, 0.2 m behind them (a chest rig); eye height 1.8 m.
    lv2 = lk.level(lk.henry(position=(5.0, 5.0)), duration=1.0, eye_height=1.8, rig_height=0.25, rig_forward=-0.2)
    m = simulate(lv2)
    assert m.track.pos[0] == pytest.approx([5.0, 1.55, 5.0 - (EYE_AHEAD_OF_PIVOT - 0.2)], abs=1e-12)


def test_henry_leans_into_a_corner_at_most_4_degrees_and_the_gimbal_levels_it():
    # North 10 m, then west: a 90 deg left corner eased over 1 s (90 deg/s mean, 135 peak).
    h = lk.henry(position=(20.0, 30.0), path=lk.path(5, (20.0, 30.0), (20.0, 20.0), (10.0, 20.0)), speed=1.4)
    raw = simulate(lk.level(h, walls_=lk.walls(40, 40), duration=12.0, stabilise=0.0))
    roll = raw.track.roll
    assert roll.max() == pytest.approx(MAX_TURN_LEAN)  # 0.25 x atan(1.4 x 2.36 / 9.81) = 4.6 deg: capped
    assert roll.min() > -1e-9  # a left turn leans left only (+ roll raises the right ear)
    lean_at = np.flatnonzero(roll > 0.1)
    assert 6.0 < lean_at[0] / 24 and lean_at[-1] / 24 < 8.2  # around the corner at 7.1 s
    flat = simulate(lk.level(h, walls_=lk.walls(40, 40), duration=12.0))
    assert np.array_equal(flat.track.roll, np.zeros(flat.frames))
    assert np.array_equal(flat.track.yaw, raw.track.yaw)  # the head's yaw is never touched


def test_a_walked_take_bobs_by_the_same_rule(tmp_path):
    lv = walk_north(stabilise=0.0)
    cmds = [TickCmd(forward=127)] * (20 * 24)  # straight ahead (north) at his speed, 1.4 m/s
    write_take(tmp_path / "w.take", lv, cmds)
    m = replay_take(lv, read_take(tmp_path / "w.take"))
    y = m.track.pos[steady(m), 1]
    assert y.max() - y.min() == pytest.approx(0.045, abs=0.0005)
    f, span = dominant_hz(y, 24.0)
    assert abs(f - STEP_HZ) <= 1.0 / span


@pytest.mark.parametrize("name", ["corridor", "chase", "finale"])
def test_the_bundled_levels_cut_on_the_same_frames_with_the_head_bob_on(name):
    lv = pipeline.load(f"levels/{name}.tmx")
    assert lv.settings.stabilise == 1.0
    bob = dataclasses.replace(lv, settings=dataclasses.replace(lv.settings, stabilise=0.0))
    m0, m1 = pipeline.replay(bob), pipeline.replay(lv)
    assert np.abs(m0.track.pos[:, 1] - m1.track.pos[:, 1]).max() > 0.02  # the bob is really on
    c0, c1 = pipeline.plan(m0).cuts, pipeline.plan(m1).cuts
    assert [(c.frame, c.direction) for c in c0] == [(c.frame, c.direction) for c in c1]
    assert len(c1) == {"corridor": 4, "chase": 5, "finale": 62}[name]


def problems_of(path) -> list[str]:
    from previs.errors import LevelError
    from previs.level.loader import load_level

    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value.problems


def test_the_rig_properties_load_are_range_checked_and_stay_out_of_the_revision_at_their_defaults(tmp_path):
    from previs.level.loader import load_level

    def at(folder, props=None):  # the same file name: the title (the name) is in the revision
        (tmp_path / folder).mkdir()
        return load_level(make_map(tmp_path / folder, HENRY, props))

    plain = at("a")
    same = at("b", {"rig_height": 0.1, "rig_forward": 0.08, "stabilise": 1.0})
    rig = at("c", {"rig_height": 0.0, "rig_forward": 0.0, "stabilise": 0.25})
    assert (rig.settings.rig_height, rig.settings.rig_forward, rig.settings.stabilise) == (0.0, 0.0, 0.25)
    assert revision(plain) == revision(same) != revision(rig)
    problems = problems_of(make_map(tmp_path, HENRY, {"rig_height": 0.6, "rig_forward": -0.3, "stabilise": 1.5}, name="d.tmx"))
    assert any("rig_height = 0.6 m is out of range" in p and "at least 0 and at most 0.5 m" in p for p in problems), problems
    assert any("rig_forward = -0.3 m is out of range" in p and "at least -0.2 and at most 0.3 m" in p for p in problems), problems
    assert any("stabilise = 1.5 is out of range" in p and "at least 0 and at most 1" in p for p in problems), problems


def test_one_stride_rule_and_one_head_geometry():
    # pose's feet and sim's head bob step with the same rule ...
    assert locomotion.stride_length is gait_rule.stride_length
    assert locomotion.gait_phase is gait_rule.gait_phase
    assert float(gait_rule.stride_length(1.4)) == pytest.approx(1.27 * math.sqrt(1.4))
    # ... and the neck pivot is the skeleton's head joint, the eye where the skeleton has it.
    assert np.array_equal(EYE_IN_HEAD, np.array((0.0, EYE_ABOVE_PIVOT, -EYE_AHEAD_OF_PIVOT)))
