"""camera.chan: one line per frame, frame tx ty tz rx ry rz vfov (ZXY, degrees)."""

import math

import numpy as np
import pytest

from previs.export import chan
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import ease, make_track, times


def test_one_line_per_frame_with_the_right_values(tmp_path):
    t = times(2)
    pos = np.c_[1 + t, 1.7 + 0 * t, -2 * t]
    tr = make_track(ease(t, 0.5, 0.2, 90.0), pos=pos, pitch=-5 + t, roll=0.5 * t, hfov=90.0)
    path = tmp_path / "camera.chan"
    chan.write(build_plan(tr, settings=PlanSettings()), path)
    lines = path.read_text().splitlines()
    assert len(lines) == len(tr)
    rows = np.array([[float(x) for x in line.split()] for line in lines])
    assert rows.shape == (len(tr), 8)
    np.testing.assert_array_equal(rows[:, 0], np.arange(len(tr)))  # frames from 0, like track.csv
    np.testing.assert_allclose(rows[:, 1:4], tr.pos, atol=5e-7)
    np.testing.assert_allclose(rows[:, 4], tr.pitch, atol=5e-7)  # rx
    np.testing.assert_allclose(rows[:, 5], tr.yaw, atol=5e-7)    # ry
    np.testing.assert_allclose(rows[:, 6], tr.roll, atol=5e-7)   # rz
    vfov = math.degrees(2 * math.atan(math.tan(math.radians(45)) * 9 / 16))
    np.testing.assert_allclose(rows[:, 7], vfov, atol=5e-7)
    assert lines[0].split()[0] == "0" and all(len(line.split()) == 8 for line in lines)


def test_no_negative_zero_and_deterministic(tmp_path):
    tr = make_track(np.full(5, -1e-9), pos=np.array([-0.0, 1.7, -1e-8]))
    plan = build_plan(tr, settings=PlanSettings())
    text = chan.to_text(plan)
    assert "-0.000000" not in text
    assert text == chan.to_text(plan) and text.endswith("\n")
