"""Shots between cuts, over-long takes and their suggested cuts; plan settings."""

import numpy as np
import pytest

from previs.errors import PrevisError
from previs.level.model import Settings
from previs.plan.shotplan import PlanSettings, build_plan
from previs.plan.shots import NoTurn, SuggestedCut, shot_bounds
from plankit import ease, make_track, times

FPS = 24


def plan_of(yaw, **kw):
    return build_plan(make_track(yaw, FPS), settings=PlanSettings(**kw))


def test_bounds_cover_the_track():
    assert shot_bounds([], 100) == [(0, 100)]
    assert shot_bounds([30, 70], 100) == [(0, 30), (30, 70), (70, 100)]
    assert shot_bounds([70, 30, 0, 100, 30], 100) == [(0, 30), (30, 70), (70, 100)]


def test_shots_split_at_cuts():
    t = times(20)
    yaw = ease(t, 5.0, 0.2, 90.0) + ease(t, 12.0, 0.2, -80.0)
    plan = plan_of(yaw)
    assert len(plan.cuts) == 2 and len(plan.shots) == 3
    assert plan.shots[0].start_frame == 0 and plan.shots[-1].end_frame == len(t)
    for a, b in zip(plan.shots, plan.shots[1:]):
        assert a.end_frame == b.start_frame
    assert [s.start_frame for s in plan.shots[1:]] == [c.frame for c in plan.cuts]
    assert [s.name for s in plan.shots] == ["Shot 001", "Shot 002", "Shot 003"]
    assert plan.shots[1].duration == pytest.approx((plan.cuts[1].frame - plan.cuts[0].frame) / FPS, abs=1e-3)
    assert not any(s.over_max_take for s in plan.shots)
    assert all(s.suggested_cut is None for s in plan.shots)


def test_seventy_seconds_without_a_turn_is_flagged_with_a_note():
    t = times(70)
    plan = plan_of(3.0 * np.sin(2 * np.pi * 2.0 * t))  # walking bob only
    (shot,) = plan.shots
    assert shot.over_max_take and shot.duration == 70.0
    assert isinstance(shot.suggested_cut, NoTurn)
    d = shot.to_dict()["suggested_cut"]
    assert set(d) == {"note"} and "add a look" in d["note"]


def test_sub_threshold_turn_is_the_suggestion():
    t = times(70)
    yaw = (ease(t, 20.0, 1.0, 50.0)      # wide but slow: peak ~79 deg/s
           + ease(t, 40.0, 0.2, -35.0)   # fast but short of 40 degrees: peak ~275 deg/s
           + ease(t, 55.0, 0.2, 10.0))   # a flick under the 15 degree floor for suggestions
    plan = plan_of(yaw, start_tc="01:00:00:00")
    assert plan.cuts == ()
    (shot,) = plan.shots
    assert shot.over_max_take
    sug = shot.suggested_cut
    assert isinstance(sug, SuggestedCut)
    assert abs(sug.frame - 40.1 * FPS) <= 1
    assert sug.direction == "right" and sug.angle == pytest.approx(35.0, abs=1.0)
    assert sug.peak_speed > 150 and sug.time == pytest.approx(sug.frame / FPS, abs=1e-3)
    assert sug.timecode == plan.timecode(sug.frame) and sug.timecode.startswith("01:00:40:")
    assert list(shot.to_dict()["suggested_cut"]) == ["frame", "time", "timecode", "direction", "angle", "peak_speed"]


def test_suggestion_lies_inside_the_long_shot():
    t = times(150)
    yaw = ease(t, 10.0, 1.0, 50.0) + ease(t, 30.0, 0.2, 90.0) + ease(t, 100.0, 1.0, -50.0)
    plan = plan_of(yaw)
    assert len(plan.cuts) == 1
    first, second = plan.shots
    assert not first.over_max_take and first.suggested_cut is None
    assert second.over_max_take
    assert second.start_frame < second.suggested_cut.frame < second.end_frame
    assert abs(second.suggested_cut.frame - 100.5 * FPS) <= 1


def test_max_take_is_strict_and_configurable():
    t = times(60)
    (shot,) = plan_of(np.zeros(len(t))).shots
    assert shot.duration == 60.0 and not shot.over_max_take
    (shot,) = plan_of(np.zeros(len(t)), max_take=59.9).shots
    assert shot.over_max_take


def test_settings_from_level_and_overrides():
    lv = Settings(title="x", max_take=45.0, turn_cut_speed=120.0, turn_cut_angle=30.0,
                  safety_distance=0.8, start_tc="01:00:00:00")
    ps = PlanSettings.from_level(lv)
    assert (ps.max_take, ps.turn_cut_speed, ps.turn_cut_angle, ps.safety_distance, ps.start_tc) == (
        45.0, 120.0, 30.0, 0.8, "01:00:00:00")
    assert ps.comfort_speed == 60.0
    ps2 = PlanSettings.from_level(lv, max_take=30, turn_cut_speed=None, start_tc="02:00:00:00")
    assert ps2.max_take == 30.0 and ps2.turn_cut_speed == 120.0 and ps2.start_tc == "02:00:00:00"
    with pytest.raises(TypeError):
        PlanSettings.from_level(lv, bogus=1)


def test_defaults_are_the_contract_defaults():
    ps = PlanSettings()
    assert ps.to_dict() == {"turn_cut_speed": 150, "turn_cut_angle": 40, "max_take": 60, "safety_distance": 0.5,
                            "comfort_speed": 60, "start_tc": "00:00:00:00", "lens": "rectilinear"}


@pytest.mark.parametrize("kw", [{"max_take": 0}, {"turn_cut_speed": -1}, {"comfort_speed": float("nan")},
                                {"start_tc": "soon"}])
def test_bad_settings_are_refused(kw):
    with pytest.raises(PrevisError):
        PlanSettings(**kw)


def test_start_tc_frames_must_fit_the_rate():
    with pytest.raises(PrevisError):
        build_plan(make_track(np.zeros(10), 24), settings=PlanSettings(start_tc="00:00:00:24"))
    plan = build_plan(make_track(np.zeros(10), 30), settings=PlanSettings(start_tc="00:00:00:24"))
    assert plan.shots[0].start_tc == "00:00:00:24" and plan.shots[0].end_tc == "00:00:01:04"


def test_comfort_figures():
    t = times(10)
    yaw = ease(t, 2.0, 0.2, 90.0) + ease(t, 7.0, 1.0, 20.0)
    plan = plan_of(yaw)
    c = plan.comfort
    speed = np.abs(plan.yaw_speed)
    assert c.peak_yaw_speed == pytest.approx(speed.max(), abs=0.05)
    assert c.seconds_over_comfort == pytest.approx((speed > 60).sum() / FPS, abs=1e-3)
    assert c.shots == (1, 2)  # the whip straddles the cut
    assert plan.to_dict()["comfort"] == {"peak_yaw_speed": c.peak_yaw_speed,
                                         "seconds_over_comfort": c.seconds_over_comfort, "shots": [1, 2]}
    calm = plan_of(np.zeros(48)).comfort
    assert calm.peak_yaw_speed == 0 and calm.seconds_over_comfort == 0 and calm.shots == ()
