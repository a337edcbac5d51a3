"""Strike sway: small, comfortable, and never near a cut."""

from __future__ import annotations

import numpy as np

import levelkit as lk
from previs.sim.script import simulate
from previs.sim.strike_sway import MAX_YAW_RATE, SWAY, strike_sway


def level_with(beats, henry_path=None):
    a = lk.performer(2, "A", (10.0, 9.0))
    return lk.level(lk.henry(position=(10.0, 10.0), path=henry_path), [a], beats=beats, duration=5.0)


def test_henrys_punch_moves_the_view_a_little_and_settles():
    level = level_with([lk.beat(10, 1.0, 1, "punch", 2), lk.beat(11, 1.1, 1, "throw", 2)])
    m = simulate(level)
    s = strike_sway(level, m.track.yaw)
    f = 24
    assert s.pitch[f] < -0.5 and s.forward[f] > 0.05
    assert s.pitch[0] == 0 and s.yaw[-1] == 0 and s.forward[-1] == 0
    rate = np.abs(np.diff(s.yaw)) * 24
    assert 0 < rate.max() <= MAX_YAW_RATE < 10.0
    assert np.abs(s.yaw).max() <= max(y for _, y, _ in SWAY.values())


def test_no_sway_for_performers_beats():
    level = level_with([lk.beat(10, 1.0, 2, "punch", 1)])
    s = strike_sway(level, simulate(level).track.yaw)
    assert not s.pitch.any() and not s.yaw.any() and not s.forward.any()


def test_yaw_sway_is_dropped_where_the_head_already_turns_near_the_limits():
    level = level_with([lk.beat(10, 1.0, 1, "throw", 2)])
    yaw = np.zeros(120)
    yaw[18:30] = np.arange(12) * 140.0 / 24  # a 140 deg/s turn during the throw's window
    yaw[30:] = yaw[29]
    s = strike_sway(level, yaw)
    assert not s.yaw.any() and s.pitch.min() < -0.5
