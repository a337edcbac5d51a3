"""Safety findings about bodies on the floor and blows (issue 15): a body walked over, a
fall on bare floor next to a crash mat, a punch from 8 m. Each small fight in
``tests/data/levels`` gives exactly its one finding (and the punch its one level warning,
the same cause seen by ``previs check``) and nothing else; then the rules one by one."""

from pathlib import Path

import numpy as np
import pytest

from previs import pipeline
from previs.animatic.burnin import BurnIn
from previs.plan.frame_truth import FrameTruths
from previs.plan.safety_bodies import (Footprint, fall_direction, landing_findings, lying_body_findings,
                                       reach_findings)
from previs.report.sections import section_safety
from plankit import HENRY_ID, beat, make_level, make_motion, make_track, times, zone

LEVELS = Path(__file__).resolve().parent / "data" / "levels"


def _replay(name: str):
    level = pipeline.load(LEVELS / f"{name}.tmx")
    motion = pipeline.replay(level)
    return level, motion, pipeline.plan(motion)


def test_a_body_walked_over_is_one_lying_body_finding_and_nothing_else():
    # Cook (0.3 m radius, 1.8 m tall) goes down at 0.5 s facing Henry (west) at (5, 3): he
    # lies from his feet at x = 5 to his head at x = 6.8. Henry walks east along z = 3 at
    # 1.4 m/s from x = 1: his centre is over Cook's feet from frame 69 (x = 5.025 m), a gap
    # of -0.3 m (his whole radius), the closest there is; the earliest such frame counts.
    level, motion, plan = _replay("body_walked_over")
    assert level.notices == ()
    assert [f.to_dict() for f in plan.safety] == [
        {"kind": "lying-body", "who": ["Henry", "Cook"], "frame": 69, "time": 2.875, "timecode": "00:00:02:21",
         "distance": -0.3, "x": 5.025, "z": 3.0}]
    truths = FrameTruths(plan)
    # Live 0.5 s (12 frames) either side of the closest moment, like a clearance finding.
    assert truths.at(57).warnings == truths.at(81).warnings == ("Henry over lying Cook",)
    assert truths.at(56).warnings == truths.at(82).warnings == ()
    # The window's HUD draws the same line on the same frames.
    from previs.window.hud import hud_state

    assert hud_state(level, motion.snapshot(69), plan=plan).warnings == ("Henry over lying Cook",)
    assert hud_state(level, motion.snapshot(82), plan=plan).warnings == ()


def test_a_fall_on_bare_floor_next_to_a_mat_is_one_landing_finding_and_nothing_else():
    # Cook falls at 1 s for 0.5 s (down on frame 36) facing Henry, west: he lands from
    # (5, 3) to (6.8, 3), centre (5.9, 3). The crash mat 'Mat' spans x 5..7, z 4.2..5.4:
    # 1.2 m south of the landing's centre.
    level, motion, plan = _replay("fall_off_mat")
    assert level.notices == ()
    assert [f.to_dict() for f in plan.safety] == [
        {"kind": "landing", "who": ["Cook"], "action": "fall", "beat": 4, "frame": 36, "time": 1.5,
         "timecode": "00:00:01:12", "x": 5.0, "z": 3.0, "head_x": 6.8, "head_z": 3.0, "on_mat": 0.0,
         "mat": "Mat", "mat_distance": 1.2}]
    truths = FrameTruths(plan)
    text = "Cook's fall lands on bare floor (crash mat 'Mat' 1.2 m away)"
    # Live from the fall's first frame (24) to 0.5 s after the landing (36 + 12).
    assert truths.at(24).warnings == truths.at(48).warnings == (text,)
    assert truths.at(23).warnings == truths.at(49).warnings == ()


PUNCH_WARNING = (
    "object 3 '1s punch' (beat): Cook's punch (1-1.5 s) at Henry: they are never closer than 8.0 m centre to "
    "centre, 6.7 m beyond a punch's reach (0.7 m between bodies of 0.3 m and 0.3 m radius); time the beat for "
    "when they meet, or bring their paths together.")


def test_a_punch_from_8_m_is_one_reach_finding_and_its_one_level_warning():
    # Cook punches Henry from 8 m centre to centre: 8 - 0.3 - 0.3 - 0.7 (an arm) = 6.7 m
    # beyond reach, by the one rule the level check also asks (Action.beyond_reach).
    level, motion, plan = _replay("punch_8m")
    assert level.notices == (f"{LEVELS / 'punch_8m.tmx'}: {PUNCH_WARNING}",)
    assert level.notices[0].cause == ("reach", 3)  # the same cause as the plan's finding below
    assert [f.to_dict() for f in plan.safety] == [
        {"kind": "reach", "who": ["Cook", "Henry"], "action": "punch", "beat": 3, "frame": 24, "time": 1.0,
         "timecode": "00:00:01:00", "distance": 8.0, "beyond": 6.7, "x": 10.0, "z": 3.0}]
    # The timecode counts from the plan's start_tc, as every timecode of the plan does.
    (f,) = pipeline.plan(motion, start_tc="01:00:00:00").safety
    assert f.timecode == "01:00:01:00"
    truths = FrameTruths(plan)
    # Live while the punch's caption shows: from frame 24 for max(0.5, 1.5) s = 36 frames.
    assert truths.at(24).warnings == truths.at(59).warnings == (
        "out of reach: Cook punch \u2192 Henry 8.0 m (6.7 m too far)",)
    assert truths.at(23).warnings == truths.at(60).warnings == ()


def _cli(capsys, *args):
    from previs.cli import main

    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err.splitlines()


def test_the_punch_from_8_m_gives_one_message_per_command(tmp_path, capsys, monkeypatch):
    # previs check does not plan: the level warning is its one message. A command that
    # plans reports the plan's reach finding (shotplan.json, the count) and not the
    # warning too; --strict still fails on it, before any replay.
    monkeypatch.chdir(LEVELS)
    assert _cli(capsys, "check", "punch_8m.tmx")[::2] == (0, [f"previs check: warning: punch_8m.tmx: {PUNCH_WARNING}"])
    rc, out, err = _cli(capsys, "replay", "punch_8m.tmx", "-o", str(tmp_path / "r"), "--no-report")
    assert (rc, err) == (0, [])
    assert "1 safety finding" in out
    import json
    kinds = [f["kind"] for f in json.loads((tmp_path / "r" / "shotplan.json").read_text())["safety"]]
    assert kinds == ["reach"]
    rc, out, err = _cli(capsys, "replay", "punch_8m.tmx", "-o", str(tmp_path / "s"), "--no-report", "--strict")
    assert (rc, err) == (1, [f"previs replay: warning: punch_8m.tmx: {PUNCH_WARNING}",
                             "previs replay: punch_8m.tmx: 1 warning (above), which --strict makes errors; "
                             "fix them or drop --strict."])
    assert not (tmp_path / "s").exists()
    # previs test: an expectation file beside a copy of the level.
    import shutil
    shutil.copy(LEVELS / "punch_8m.tmx", tmp_path / "punch_8m.tmx")
    (tmp_path / "punch_8m.expect.toml").write_text("[cuts]\nexact = true\n")  # no cuts
    monkeypatch.chdir(tmp_path)
    rc, out, err = _cli(capsys, "test", "punch_8m.tmx")
    assert (rc, err) == (0, [])
    rc, out, err = _cli(capsys, "test", "punch_8m.tmx", "--strict")
    assert (rc, err) == (1, [f"previs test: warning: punch_8m.tmx: {PUNCH_WARNING}",
                             "previs test: punch_8m.tmx: 1 warning (above), which --strict makes errors; "
                             "fix them or drop --strict."])


def test_the_warning_is_burnt_into_the_animatic_bottom_right_in_red_while_it_lasts():
    _, _, plan = _replay("punch_8m")
    burn = BurnIn(plan, 1280, 720)
    live, gone = np.zeros((720, 1280, 3), np.uint8), np.zeros((720, 1280, 3), np.uint8)
    burn.apply(live, 30)
    burn.apply(gone, 60)
    corner = (slice(620, 720), slice(640, 1280))
    red = (live[corner][..., 0] > 200) & (live[corner][..., 1] < 120)
    assert red.sum() > 300  # a line of red text
    assert not gone[corner].any()  # nothing there once the finding is over
    # The line is in the bottom 8 % of the frame, right-aligned to the 7 px margin.
    ys, xs = np.nonzero((live[..., 0] > 200) & (live[..., 1] < 120))
    assert ys.min() > 660 and 1250 < xs.max() < 1273


def test_the_report_lists_the_finding_with_its_text():
    level, motion, plan = _replay("fall_off_mat")
    html = section_safety(plan, level, motion)
    assert "1 finding(s)" in html
    assert "Cook&#x27;s fall lands on bare floor (crash mat &#x27;Mat&#x27; 1.2 m away)" in html
    assert "(5.0, 3.0)" in html  # where: the landing's feet end


# -- the rules one by one, on motions built by hand ------------------------------------------------

def _lying_goon(henry_x, seconds=4.0, beats=(), facing=90.0):
    """Henry walks east along z = 10 (x from ``henry_x[0]`` to ``henry_x[1]``); Goon 1 lies
    down at (10, 10) from frame 0, facing ``facing`` (90: west, so he lies east)."""
    t = times(seconds)
    n = len(t)
    level = make_level([("Goon 1", (10.0, 10.0))], beats=beats, duration=seconds)
    hx = np.linspace(henry_x[0], henry_x[1], n)
    track = make_track(np.zeros(n), pos=np.column_stack([hx, np.full(n, 1.7), np.full(n, 10.0)]))
    down = np.ones((n, 1), bool)
    return level, make_motion(level, track, down=down, facing=np.full((n, 1), facing))


def test_the_footprint_lies_behind_where_the_body_faced():
    assert fall_direction(0.0) == pytest.approx([0.0, 1.0])  # faced north: lies south
    assert fall_direction(90.0) == pytest.approx([1.0, 0.0])  # faced west: lies east
    fp = Footprint(np.array([10.0, 10.0]), fall_direction(90.0), 1.8, 0.3)
    assert fp.head == pytest.approx([11.8, 10.0])
    d = fp.distance(np.array([[9.0, 10.0], [11.0, 10.2], [11.0, 11.0], [12.8, 10.3]]))
    assert d == pytest.approx([1.0, 0.0, 0.7, 1.0])


def test_passing_beyond_the_safety_distance_of_the_head_end_is_no_finding():
    # Goon 1 lies east from (10, 10) to his head at (11.8, 10). Henry walks east from
    # x = 12.4: 0.6 m from the head end, less his 0.3 m radius, 0.3 m of air on frame 0.
    level, motion = _lying_goon((12.4, 14.0))
    (f,) = lying_body_findings(level, motion, 0.5)
    assert (f.who, f.distance, f.frame) == (("Henry", "Goon 1"), 0.3, 0)
    level, motion = _lying_goon((12.61, 14.0))  # 0.81 - 0.3 = 0.51 m of air: clear
    assert lying_body_findings(level, motion, 0.5) == []


def test_a_contact_beat_with_the_lying_body_lets_them_touch_in_its_window():
    kick = beat(1, 0.0, HENRY_ID, "kick", 101, duration=4.0)
    level, motion = _lying_goon((8.0, 14.0), beats=[kick])
    assert lying_body_findings(level, motion, 0.5) == []
    level, motion = _lying_goon((8.0, 14.0), beats=[beat(1, 0.0, HENRY_ID, "look", 101, duration=4.0)])
    assert len(lying_body_findings(level, motion, 0.5)) == 1


def _thrown(beats, goon_down=None, zones=()):
    """Henry stands at (10, 10); Goon 1 stands 0.6 m east of him at (10.6, 10)."""
    t = times(3.0)
    n = len(t)
    level = make_level([("Goon 1", (10.6, 10.0))], beats=beats, zones=zones, duration=3.0)
    track = make_track(np.zeros(n), pos=np.array([10.0, 1.7, 10.0]))
    down = np.zeros((n, 1), bool)
    if goon_down is not None:
        down[goon_down:] = True
    return level, make_motion(level, track, down=down, facing=np.full((n, 1), 90.0))


def test_a_throw_lands_its_target_away_from_the_thrower_unless_its_fall_says_where():
    throw = beat(1, 1.0, HENRY_ID, "throw", 101, duration=0.5)
    level, motion = _thrown([throw])
    (f,) = landing_findings(level, motion)
    # Lands from where he stands, 1.8 m straight away from Henry (east), on frame 36.
    assert (f.who, f.action, f.frame, f.x, f.z, f.head_x, f.head_z, f.mat) == (
        ("Goon 1",), "throw", 36, 10.6, 10.0, 12.4, 10.0, None)
    # His fall inside the throw is the same landing: reported once, as the throw.
    fall = beat(2, 1.1, 101, "fall", duration=0.3)  # down on frame frame_at(1.4) = 34
    level, motion = _thrown([throw, fall], goon_down=34)
    assert [(f.action, f.beat, f.frame) for f in landing_findings(level, motion)] == [("throw", 1, 34)]


def test_a_landing_all_on_a_mat_is_no_finding_and_half_on_it_says_how_much():
    throw = beat(1, 1.0, HENRY_ID, "throw", 101, duration=0.5)
    mat = zone(7, "Mat", "crash-mat", 10.2, 9.6, 12.6, 10.4)
    level, motion = _thrown([throw], zones=[mat])
    assert landing_findings(level, motion) == []
    half = zone(7, "Mat", "crash-mat", 11.5, 9.6, 12.6, 10.4)
    level, motion = _thrown([throw], zones=[half])
    (f,) = landing_findings(level, motion)
    assert (f.mat, f.mat_distance) == ("Mat", 0.0) and 0.45 < f.on_mat < 0.55


def test_a_blow_in_reach_is_no_finding_and_out_of_reach_by_the_actions_own_reach():
    # 0.6 m centre to centre: in reach of anything. At 2.4 m there are 1.8 m of air: beyond
    # a punch (0.7 m) by 1.1, a kick (0.9 m) by 0.9 and a tackle (1.5 m) by 0.3.
    level, motion = _thrown([beat(1, 1.0, HENRY_ID, "punch", 101)])
    assert reach_findings(level, motion) == []
    t = times(3.0)
    far = np.broadcast_to([[[12.4, 10.0]]], (len(t), 1, 2))
    for action, beyond in (("punch", 1.1), ("kick", 0.9), ("tackle", 0.3)):
        level, _ = _thrown([beat(1, 1.0, HENRY_ID, action, 101)])
        motion = make_motion(level, make_track(np.zeros(len(t)), pos=np.array([10.0, 1.7, 10.0])), perf_xz=far)
        (f,) = reach_findings(level, motion)
        assert (f.action, f.distance, f.beyond, f.frame) == (action, 2.4, beyond, 24)


def test_the_walked_henry_gets_the_lying_body_finding_live_by_the_planners_rule():
    # henry_findings_at (the window's HUD while Henry is walked by hand) asks the plan's
    # lying-body rule about one frame: at the scripted Henry's frames it finds what the
    # plan finds. Henry (0.3 m radius) walks east along z = 3 from x = 1 at 1.4 m/s; Cook
    # lies from x = 5 (feet) to 6.8 (head).
    from previs.plan.frame_truth import henry_findings_at

    level, motion, plan = _replay("body_walked_over")
    sd = plan.settings.safety_distance

    def at(f):
        return [f.to_dict() for f in henry_findings_at(level, motion.snapshot(f), sd)]

    # Frame 69: his centre over Cook's feet (x = 5.025), the plan's own finding.
    assert at(69) == [f.to_dict() for f in plan.safety]
    # Frame 60: x = 1 + 1.4 * 2.5 = 4.5, 0.5 m short of the feet: a 0.2 m gap, inside the
    # 0.5 m safety distance.
    assert at(60) == [{"kind": "lying-body", "who": ["Henry", "Cook"], "frame": 60, "time": 2.5,
                       "timecode": "00:00:02:12", "distance": 0.2, "x": 4.5, "z": 3.0}]
    # Frame 0: Cook still stands (he is down from 0.5 s); frame 12: Henry at x = 1.7 is
    # 3.3 m from the feet, 3 m clear.
    assert at(12) == at(0) == []
