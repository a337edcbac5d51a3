"""Who is in frame uses the level's lens (issue 14): a performer 65° off axis is in view
with a wide lens at hfov 150 and not at 90, through the real replay and plan; the
rectilinear answer is the pinhole's frustum, unchanged."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from previs import pipeline
from previs.lens import lens_named
from previs.plan.orientation import rotation_matrices
from previs.plan.visibility import in_frustum
from previs.sim.track import CameraTrack
from levelkit import henry, level, performer

EYE = (10.0, 10.0)


def _off_axis(deg: float, dist: float = 3.0) -> tuple[float, float]:
    """A ground point ``deg`` right of north (Henry's heading 0 looks north, -Z)."""
    a = math.radians(deg)
    return EYE[0] + dist * math.sin(a), EYE[1] - dist * math.cos(a)


def _in_view(lens: str, hfov: float) -> tuple[str, ...]:
    lv = level(henry(EYE), [performer(2, "Side", _off_axis(65.0)), performer(3, "Ahead", _off_axis(0.0, 4.0))],
               duration=2.0, hfov=hfov, lens=lens)
    plan = pipeline.plan(pipeline.replay(lv))
    assert len(plan.shots) == 1
    return plan.shots[0].performers_in_view


@pytest.mark.parametrize("lens", ["equidistant", "actioncam"])
def test_a_performer_65_degrees_off_axis_is_in_view_with_a_wide_lens_at_150_not_at_90(lens):
    assert _in_view(lens, 150.0) == ("Side", "Ahead")
    assert _in_view(lens, 90.0) == ("Ahead",)


def test_the_pinhole_misses_65_degrees_at_120_and_sees_it_at_140():
    # tan-based frustum: the side edge is at hfov / 2, so 65° needs more than 130°.
    assert _in_view("rectilinear", 120.0) == ("Ahead",)
    assert _in_view("rectilinear", 140.0) == ("Side", "Ahead")


def test_a_low_body_at_henrys_feet_is_in_the_pinholes_tall_frame_and_not_the_wide_ones():
    # 1 m tall, 0.6 m ahead: its head 51° below the eye line (0.75 m down). At hfov 150
    # and 16:9 the pinhole's frame reaches 64.6° down, equidistant's 42.2°, actioncam's 44.8°.
    low = performer(2, "Low", _off_axis(0.0, 0.6), height=1.0)
    for lens, seen in (("rectilinear", ("Low",)), ("equidistant", ()), ("actioncam", ())):
        lv = level(henry(EYE), [low], duration=2.0, hfov=150.0, lens=lens)
        assert pipeline.plan(pipeline.replay(lv)).shots[0].performers_in_view == seen, lens


def test_the_override_reaches_the_plan(tmp_path):
    lv = level(henry(EYE), [performer(2, "Side", _off_axis(65.0))], duration=2.0, hfov=150.0, lens="rectilinear")
    wide = dataclasses.replace(lv, settings=dataclasses.replace(lv.settings, lens="actioncam"))
    assert pipeline.plan(pipeline.replay(wide)).shots[0].performers_in_view == ("Side",)


def test_wide_frames_agree_with_the_lens_model_point_by_point():
    """The plan's frame test is Lens.in_frame on the camera-space direction, beyond NEAR."""
    rng = np.random.default_rng(3)
    F = 4
    track = CameraTrack(fps=24, pos=np.tile([0.0, 1.7, 0.0], (F, 1)), yaw=np.array([0.0, 30.0, -75.0, 180.0]),
                        pitch=np.array([0.0, 10.0, -5.0, 0.0]), roll=np.zeros(F), hfov=np.array([150.0, 121.3, 90.0, 140.0]))
    pts = rng.uniform(-6, 6, (F, 500, 3)) + [0.0, 1.7, 0.0]
    for name in ("equidistant", "actioncam"):
        got = in_frustum(track, pts, lens=lens_named(name))
        for f in range(F):
            R = rotation_matrices(track.yaw[f:f + 1], track.pitch[f:f + 1], track.roll[f:f + 1])[0]
            cam = (pts[f] - track.pos[f]) @ R  # R.T @ rel, row-wise
            want = lens_named(name).in_frame(cam, track.hfov[f], 16 / 9) & (np.linalg.norm(cam, axis=1) > 0.05)
            assert got[f].tolist() == want.tolist()
        assert 50 < got.sum() < got.size - 50  # both answers occur


def test_the_in_view_expectations_reason_with_the_lens():
    from pathlib import Path

    from previs.testing.check_base import Replay
    from previs.testing.visibility_checks import visibility, why_visible

    def replay(lens: str, hfov: float) -> Replay:
        lv = level(henry(EYE), [performer(2, "Side", _off_axis(65.0))], duration=2.0, hfov=hfov, lens=lens)
        m = pipeline.replay(lv)
        return Replay(level=lv, motion=m, plan=pipeline.plan(m), expect_path=Path("x.expect.toml"))

    assert visibility(replay("actioncam", 150.0), [0, 24], 0).tolist() == [True, True]
    narrow = replay("actioncam", 90.0)
    assert visibility(narrow, [0], 0).tolist() == [False]
    assert why_visible(narrow, 0, 0) == ("outside the frame: Side is 65° right of where Henry looks, 3.0 m away "
                                         "(half the field of view is 45° with the actioncam lens)")
    assert why_visible(replay("actioncam", 150.0), 0, 0) == "in view: Side is 65° right of where Henry looks, 3.0 m away"
