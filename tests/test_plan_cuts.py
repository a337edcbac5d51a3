"""Turn-cut detection on synthetic yaw curves with known answers."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from previs.plan.cuts import SWING_FLOOR, detect_cuts, find_swings, turn_cuts, yaw_speed
from plankit import ease, make_track, times

FPS = 24


def cuts_of(yaw, fps=FPS, **kw):
    return detect_cuts(make_track(yaw, fps), **kw)


def test_whip_turn_gives_one_cut_at_its_peak():
    t = times(6)
    yaw = ease(t, 2.0, 0.2, 90.0)
    cuts = cuts_of(yaw)
    assert len(cuts) == 1
    c = cuts[0]
    peak = int(round((2.0 + 0.1) * FPS))  # the ease-in-out is fastest half way
    assert abs(c.peak_frame - peak) <= 1
    assert c.direction == 1 and c.direction_name == "left"
    assert c.angle == pytest.approx(90.0, abs=1.0)
    # 90 degrees in 0.2 s with a cosine ease peaks at pi/2 * 450 deg/s (sampled at 24 fps).
    assert 550 < c.peak_speed < 710


def test_right_turn_is_right():
    t = times(4)
    (c,) = cuts_of(ease(t, 1.0, 0.25, -70.0))
    assert c.direction == -1 and c.direction_name == "right"
    assert c.angle == pytest.approx(70.0, abs=1.0)


def test_slow_turn_gives_no_cut():
    t = times(6)
    yaw = ease(t, 2.0, 1.5, 90.0)  # peaks near 94 deg/s
    assert cuts_of(yaw) == []
    (s,) = find_swings(yaw, FPS)  # but it is one swing (its slow tails under the floor)
    assert s.angle == pytest.approx(90.0, abs=2.0)
    assert 80 < s.peak_speed < 100


def test_walking_bob_gives_no_cut():
    t = times(20)
    yaw = 3.0 * np.sin(2 * np.pi * 2.0 * t)
    assert cuts_of(yaw) == []
    for s in find_swings(yaw, FPS):
        assert s.angle <= 6.5 and s.peak_speed < 40


def test_whip_on_top_of_bob_and_pan_is_one_cut():
    t = times(12)
    yaw = 3.0 * np.sin(2 * np.pi * 2.0 * t) + 10.0 * t + ease(t, 5.0, 0.2, 90.0)
    cuts = cuts_of(yaw)
    assert len(cuts) == 1
    assert abs(cuts[0].peak_frame - 5.1 * FPS) <= 1


def test_thresholds_move_the_result():
    t = times(6)
    yaw = ease(t, 2.0, 0.2, 90.0)
    (c,) = cuts_of(yaw)
    assert cuts_of(yaw, turn_cut_speed=c.peak_speed + 1) == []
    assert len(cuts_of(yaw, turn_cut_speed=c.peak_speed)) == 1  # "reaches" is inclusive
    assert cuts_of(yaw, turn_cut_angle=c.angle + 1) == []
    assert len(cuts_of(yaw, turn_cut_angle=c.angle)) == 1
    slow = ease(t, 2.0, 1.5, 90.0)
    assert len(cuts_of(slow, turn_cut_speed=80)) == 1
    small = ease(t, 2.0, 0.1, 30.0)
    assert cuts_of(small) == [] and len(cuts_of(small, turn_cut_angle=25)) == 1


def test_hesitation_inside_a_whip_is_bridged():
    # A hand-walked whip: 45 degrees, one frame of stall, 45 more the same way.
    yaw = np.concatenate([np.zeros(30), np.linspace(0, 45, 4)[1:], [45, 45], np.linspace(45, 90, 4)[1:], np.full(30, 90.0)])
    cuts = cuts_of(yaw)
    assert len(cuts) == 1
    assert cuts[0].angle == pytest.approx(90.0)


def test_reversal_ends_a_swing_and_overshoot_is_not_a_second_cut():
    t = times(6)
    yaw = ease(t, 2.0, 0.2, 100.0) + ease(t, 2.25, 0.3, -12.0)
    cuts = cuts_of(yaw)
    assert len(cuts) == 1 and cuts[0].direction == 1
    # Left then right fast: two cuts.
    yaw2 = ease(t, 1.0, 0.2, 90.0) + ease(t, 3.0, 0.2, -90.0)
    assert [c.direction_name for c in cuts_of(yaw2)] == ["left", "right"]


def test_wrapped_yaw_is_unwrapped():
    t = times(8)
    yaw = ease(t, 1.0, 5.0, 300.0)  # slow 300 degree pan (peak 94 deg/s), written wrapped
    wrapped = (yaw + 180.0) % 360.0 - 180.0
    assert np.abs(np.diff(wrapped)).max() > 300  # the file jumps
    assert cuts_of(wrapped) == []
    np.testing.assert_allclose(yaw_speed(wrapped, FPS), yaw_speed(yaw, FPS), atol=1e-9)


def test_speed_is_central_difference_times_fps():
    yaw = np.array([0.0, 1.0, 3.0, 6.0])
    np.testing.assert_allclose(yaw_speed(yaw, 24), np.array([1.0, 1.5, 2.5, 3.0]) * 24)
    assert len(yaw_speed(np.zeros(1), 24)) == 1


def test_still_and_tiny_tracks():
    assert cuts_of(np.zeros(100)) == []
    assert find_swings(np.zeros(1), FPS) == []
    assert find_swings(np.array([0.0, 90.0]), FPS)[0].peak_speed == pytest.approx(90 * FPS)


def test_cut_on_frame_zero_is_dropped():
    yaw = np.concatenate([[0.0, 45.0, 90.0], np.full(40, 90.0)])
    swings = find_swings(yaw, FPS)
    assert swings[0].peak_frame in (0, 1)
    assert all(c.peak_frame > 0 for c in turn_cuts(swings, 150, 40))


def test_other_frame_rates():
    for fps in (25, 30, 60):
        t = times(5, fps)
        (c,) = detect_cuts(make_track(ease(t, 2.0, 0.2, -80.0), fps))
        assert abs(c.peak_frame - 2.1 * fps) <= 1 and c.direction_name == "right"


def test_floor_is_documented_value():
    assert SWING_FLOOR == 20.0


@settings(max_examples=60, deadline=None)
@given(
    angle=st.floats(60, 180),
    dur=st.floats(0.1, 0.3),
    start=st.floats(1.0, 4.0),
    sign=st.sampled_from([-1, 1]),
    bob=st.floats(0.0, 3.0),
    bob_hz=st.floats(1.5, 2.5),
)
def test_any_whip_with_bob_is_exactly_one_cut(angle, dur, start, sign, bob, bob_hz):
    t = times(6)
    yaw = ease(t, start, dur, sign * angle) + bob * np.sin(2 * np.pi * bob_hz * t)
    cuts = cuts_of(yaw)
    assert len(cuts) == 1
    c = cuts[0]
    assert c.direction == sign
    assert abs(c.peak_frame - (start + dur / 2) * FPS) <= 1.5
    assert c.angle == pytest.approx(angle, abs=2 * bob + 1.5)


@settings(max_examples=40, deadline=None)
@given(dur=st.floats(1.2, 4.0), angle=st.floats(10, 120), bob=st.floats(0, 3))
def test_slow_pans_never_cut(dur, angle, bob):
    # A cosine ease peaks at pi/2 * angle / dur, and a 3 degree 2 Hz bob adds up to
    # 38 deg/s: keep angle / dur <= 60 (peak <= 94 + 38 = 132 < 150).
    angle = min(angle, 60 * dur)
    t = times(8)
    yaw = ease(t, 2.0, dur, angle) + bob * np.sin(2 * np.pi * 2 * t)
    assert cuts_of(yaw) == []


def test_settle_frame_is_the_first_frame_after_the_swing():
    # 90 degrees in 0.2 s from 2.0 s: the head holds from 2.2 s (frame 52.8) on; frame 53's
    # central difference still reaches back to frame 52, so the speed is under the floor from 54.
    t = times(6)
    yaw = ease(t, 2.0, 0.2, 90.0)
    (s,) = find_swings(yaw, FPS)
    v = yaw_speed(yaw, FPS)
    assert s.settle_frame == s.last + 1 == 54
    assert abs(v[s.settle_frame]) < SWING_FLOOR <= abs(v[s.settle_frame - 1])
    assert yaw[s.settle_frame] == pytest.approx(90.0, abs=0.5)  # on what it turned to
    assert s.peak_frame < s.settle_frame


def test_settle_frame_of_a_swing_turning_to_the_end_is_the_last_frame():
    yaw = np.linspace(0.0, 100.0, 24)  # 100 degrees in 23 frames, still turning at the end
    (s,) = find_swings(yaw, FPS)
    assert (s.last, s.settle_frame) == (23, 23)
