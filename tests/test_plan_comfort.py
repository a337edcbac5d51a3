"""Comfort on the screen that matters (issue 14): on-screen angular speed for a screening
(``--screen-fov``), and whips that carry a cut counted apart from the turns the audience sees."""

import json
import re

import numpy as np
import pytest

from previs.cli import main
from previs.plan.comfort import hidden_frames, screen_speed
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import ease, make_track, times

FPS = 24


def plan_of(yaw, hfov=90.0, **kw):
    return build_plan(make_track(yaw, FPS, hfov=hfov), settings=PlanSettings(**kw))


def test_constant_turn_on_screen_is_speed_times_screen_over_lens_exactly():
    # 4 degrees a frame at 24 fps: 96 deg/s exactly, a slow steady pan (no cut: under 150 deg/s).
    yaw = 4.0 * np.arange(96)
    plan = plan_of(yaw, hfov=64.0, screen_fov=40.0)
    c = plan.comfort
    assert not plan.cuts and np.all(plan.yaw_speed == 96.0)
    assert np.all(c.screen_speed == 96.0 * 40.0 / 64.0) and c.peak_screen_speed == 60.0
    # Seen, not hidden: every frame is over 60 deg/s of head and 30 deg/s on screen.
    assert (c.seconds_over_comfort, c.seconds_seen_over_comfort, c.seconds_hidden_by_cuts) == (4.0, 4.0, 0.0)
    assert c.seconds_over_screen_comfort == 4.0 and c.shots == (1,) and c.screen_shots == (1,)
    assert c.whips_hidden_by_cuts == 0 and c.seen_peak_yaw_speed == 96.0
    # A phone (15 degrees) shows the same pan at 22.5 deg/s: under the on-screen threshold.
    phone = plan_of(yaw, hfov=64.0, screen_fov=15.0).comfort
    assert phone.peak_screen_speed == 22.5 and phone.seconds_over_screen_comfort == 0.0 and phone.screen_shots == ()
    assert phone.seconds_seen_over_comfort == 4.0  # the head figures do not depend on the screen


def test_lens_is_read_per_frame():
    yaw = 2.0 * np.arange(10)  # 48 deg/s
    hfov = np.where(np.arange(10) % 2 == 0, 60.0, 120.0)
    c = plan_of(yaw, hfov=hfov, screen_fov=90.0).comfort
    assert c.screen_speed.tolist() == [72.0, 36.0] * 5
    assert screen_speed(np.array([-48.0]), np.array([120.0]), 90.0).tolist() == [36.0]


def test_a_whip_that_carries_a_cut_is_hidden_and_in_no_shot():
    t = times(10)
    yaw = ease(t, 2.0, 0.2, 90.0)  # 90 degrees in 0.2 s: peaks at 707 deg/s, one cut
    plan = plan_of(yaw)
    (cut,), (swing,) = plan.cuts, [s for s in plan.swings if s.peak_frame == plan.cuts[0].frame]
    c = plan.comfort
    speed = np.abs(plan.yaw_speed)
    assert c.hidden.tolist() == [swing.first <= f <= swing.last for f in range(len(t))]
    over = int((speed > 60).sum())
    assert over == 6 and (speed[: swing.first] <= 60).all() and (speed[swing.last + 1:] <= 60).all()
    assert c.seconds_over_comfort == c.seconds_hidden_by_cuts == round(over / FPS, 3) == 0.25
    assert c.whips_hidden_by_cuts == 1 and c.seconds_seen_over_comfort == 0.0
    assert c.shots == () and c.per_shot == () and c.screen_shots == ()
    assert c.peak_yaw_speed == round(float(speed.max()), 1) and c.seen_peak_yaw_speed == round(
        float(speed[~c.hidden].max()), 1) < 20.0


def test_a_turn_without_a_cut_is_seen_in_its_own_shot():
    t = times(12)
    # A cut whip at 2 s, then a 60 degree look over 1 s at 7 s: peaks at 94 deg/s (60 x pi / 2), no cut.
    yaw = ease(t, 2.0, 0.2, 90.0) + ease(t, 7.0, 1.0, 60.0)
    plan = plan_of(yaw, screen_fov=60.0)
    c = plan.comfort
    assert len(plan.cuts) == 1 and len(plan.shots) == 2
    speed = np.abs(plan.yaw_speed)
    look = (t >= 6.5) & (~c.hidden)
    n_seen = int((speed[look] > 60).sum())
    n_screen = int((speed[look] * 60.0 / 90.0 > 30).sum())
    assert n_seen == 13 and n_screen == 17
    assert c.seconds_seen_over_comfort == round(n_seen / FPS, 3) == 0.542
    assert c.seconds_over_screen_comfort == round(n_screen / FPS, 3) == 0.708
    assert c.seconds_over_comfort == round((n_seen + 6) / FPS, 3)  # the whip's 6 frames stay in the total
    assert c.shots == (2,) and c.screen_shots == (2,) and c.whips_hidden_by_cuts == 1
    (row,) = c.per_shot
    assert (row.index, row.seconds_over, row.seconds_over_screen) == (2, 0.542, 0.708)
    assert row.peak_yaw_speed == round(float(speed[look].max()), 1) == 94.0
    assert row.peak_screen_speed == c.peak_screen_speed == round(float(speed[look].max()) * 60 / 90, 1) == 62.7


def test_hidden_frames_cover_each_cut_swing_inclusive():
    class S:
        def __init__(self, first, last):
            self.first, self.last = first, last

    assert hidden_frames(10, [S(1, 2), S(5, 5), S(8, 9)]).tolist() == [
        False, True, True, False, False, True, False, False, True, True]
    assert hidden_frames(4, []).tolist() == [False] * 4


def _csv(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text(make_track(4.0 * np.arange(96), FPS, hfov=64.0).to_csv_text())
    return src


def test_cli_screen_fov_reads_back_from_shotplan_json(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["plan", str(_csv(tmp_path)), "-o", str(out), "--screen-fov", "80",
                 "--screen-comfort-speed", "100"]) == 0
    doc = json.loads((out / "shotplan.json").read_text())
    assert doc["settings"]["screen_fov"] == 80 and doc["settings"]["screen_comfort_speed"] == 100
    assert doc["comfort"]["peak_screen_speed"] == 120.0  # 96 x 80 / 64
    assert doc["comfort"]["seconds_over_screen_comfort"] == 4.0 and doc["comfort"]["screen_shots"] == [1]
    text = capsys.readouterr().out
    assert "on a 80° screen the picture peaks at 120°/s, 4 s over 100°/s" in text


@pytest.mark.parametrize("value, says", [
    ("200", "--screen-fov must be an angle in degrees 1-180 (the angle the screen fills for a seat: 30 a TV "
            "at home, 40 a cinema's middle seat, 90 the front rows of a giant screen), not '200'"),
    ("0", "--screen-fov must be an angle in degrees 1-180"),
    ("wide", "--screen-fov must be an angle in degrees, e.g. 40, not 'wide'"),
])
def test_cli_screen_fov_out_of_range_is_one_line(tmp_path, capsys, value, says):
    out = tmp_path / "o"
    with pytest.raises(SystemExit) as e:
        main(["plan", str(_csv(tmp_path)), "-o", str(out), "--screen-fov", value])
    assert e.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("previs plan: error: argument --screen-fov: " + says)
    assert "Traceback" not in err and not out.exists()


def test_finale_comfort_reads_back_from_shotplan_json(tmp_path, levels_dir):
    out = tmp_path / "finale"
    assert main(["replay", str(levels_dir / "finale.tmx"), "-o", str(out), "--no-report"]) == 0
    doc = json.loads((out / "shotplan.json").read_text())
    assert (doc["settings"]["screen_fov"], doc["settings"]["screen_comfort_speed"]) == (40, 30)
    c = doc["comfort"]
    # Every one of the 62 cut whips is hidden by its cut (16.875 s of head speed over 60 deg/s);
    # what the audience sees over 60 deg/s is in the first shot and the long take with the Brute.
    assert c["whips_hidden_by_cuts"] == len(doc["cuts"]) == 62
    assert (c["peak_yaw_speed"], c["seconds_over_comfort"]) == (917.3, 32.958)
    assert (c["seconds_hidden_by_cuts"], c["seconds_seen_over_comfort"]) == (16.875, 16.083)
    assert c["shots"] == [1, 33] and c["seen_peak_yaw_speed"] == 110.9
    # The finale's lens is 90 degrees: on a 40 degree screen the seen peak is 110.9 x 40 / 90.
    assert c["peak_screen_speed"] == round(110.9 * 40 / 90, 1) == 49.3
    assert (c["seconds_over_screen_comfort"], c["screen_shots"]) == (12.25, [33])
    # The same take on the front row of a giant screen (90 degrees): 1:1, and four shots over 30 deg/s.
    big = tmp_path / "big"
    assert main(["plan", str(out / "track.csv"), "-o", str(big), "--screen-fov", "90"]) == 0
    b = json.loads((big / "shotplan.json").read_text())["comfort"]
    assert {k: b[k] for k in c if "screen" not in k} == {k: c[k] for k in c if "screen" not in k}
    assert (b["peak_screen_speed"], b["seconds_over_screen_comfort"], b["screen_shots"]) == (
        110.9, 29.292, [1, 22, 33, 54])


def test_every_comfort_key_is_documented_in_order(root):
    doc = (root / "docs" / "exports.md").read_text()
    section = doc[doc.index("### `comfort`"):]
    section = section[:section.index("####")]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    plan = plan_of(np.zeros(24))
    assert documented == list(plan.comfort.to_dict())
    settings = doc[doc.index("### `settings`"):doc.index("### `cuts[]`")]
    assert all(f"`{k}`" in settings for k in plan.settings.to_dict())


def test_settings_refuse_a_screen_out_of_range_naming_the_fix():
    from previs.errors import PrevisError

    with pytest.raises(PrevisError) as e:
        PlanSettings(screen_fov=200)
    assert e.value.problems == [
        "screen_fov must be 1-180 degrees (the angle the screen fills for a seat: 30 a TV at home, 40 a "
        "cinema's middle seat, 90 the front rows of a giant screen), not 200."]
    assert PlanSettings(screen_fov=180).screen_fov == 180.0 and PlanSettings(screen_fov=1).screen_fov == 1.0


def test_a_frame_without_a_lens_counts_zero_on_screen():
    hfov = np.array([90.0, 0.0, np.nan, 45.0])
    assert screen_speed(np.array([90.0, 90.0, 90.0, -90.0]), hfov, 40.0).tolist() == [40.0, 0.0, 0.0, 80.0]
