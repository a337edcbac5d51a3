"""camera.nk read back as Tcl (Nuke scripts are Tcl; Python's own Tcl interpreter splits
them): a Camera2 node with the film back, the focal length and a key per frame that
equals camera.chan's line for that frame."""

import tkinter

import numpy as np
import pytest

from previs.export import chan, nuke
from previs.plan.lens_facts import focal_mm
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import ease, make_track, scene, times


def knobs(text):
    """{knob: value} of the one node in the script, split by Tcl."""
    tcl = tkinter.Tcl()
    words = tcl.splitlist(text.split("\n", 2)[2])
    assert words[0] == "Camera2" and len(words) == 2
    body = tcl.splitlist(words[1])
    return dict(zip(body[::2], body[1::2])), tcl


def channel(tcl, value, n):
    """A channel's value on frames 0..n-1: a constant, or its curve's keys (each with its x)."""
    parts = tcl.splitlist(value)
    if len(parts) == 1:
        return np.full(n, float(parts[0]))
    assert parts[0] == "curve"
    xs, vs = parts[1::2], parts[2::2]
    assert list(xs) == [f"x{i}" for i in range(n)]
    return np.array([float(v) for v in vs])


def test_keys_match_camera_chan_and_the_film_back():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    k, tcl = knobs(nuke.to_text(plan))
    n = plan.frames
    assert nuke.to_text(plan).startswith("set cut_paste_input [stack 0]\nversion ")
    assert (k["haperture"], k["vaperture"], k["focal"], k["rot_order"]) == ("36", "20.25", "18", "ZXY")
    assert (k["near"], k["far"], k["name"], k["inputs"]) == ("0.05", "1000", "previs_camera", "0")
    rows = np.loadtxt(chan.to_text(plan).splitlines())
    assert rows.shape == (n, 8)
    tx, ty, tz = (channel(tcl, c, n) for c in tcl.splitlist(k["translate"]))
    rx, ry, rz = (channel(tcl, c, n) for c in tcl.splitlist(k["rotate"]))
    got = np.column_stack([np.arange(n), tx, ty, tz, rx, ry, rz])
    assert np.array_equal(got, rows[:, :7])
    assert ry.max() == 90.0 and rx[0] == -3.3  # the whip, the pitch


def test_a_zoom_and_a_wide_lens_animate_the_focal_length():
    t = times(2)
    hfov = np.linspace(60.0, 90.0, len(t))
    plan = build_plan(make_track(ease(t, 1.0, 0.2, 90.0), hfov=hfov), settings=PlanSettings(), title="zoom")
    k, tcl = knobs(nuke.to_text(plan))
    f = channel(tcl, k["focal"], plan.frames)
    # every key is the float64 focal length to Nuke's 6 decimals (not float32's ~7 digits: 5e-7 off)
    assert f.tolist() == (np.round(18.0 / np.tan(np.radians(hfov) / 2.0), 6) + 0.0).tolist()
    wide = build_plan(make_track(np.zeros(10), hfov=121.3), settings=PlanSettings(lens="actioncam"), title="w")
    k, _ = knobs(nuke.to_text(wide))
    assert float(k["focal"]) == pytest.approx(float(focal_mm("actioncam", 121.3)), abs=1e-5)


def test_a_title_never_reaches_the_script():
    plan = build_plan(make_track(np.zeros(5)), settings=PlanSettings(), title="x}\n[exec rm -rf /]")
    text = nuke.to_text(plan)
    assert "exec" not in text and "x}" not in text
