"""Cuts open on their subject (issue 15): each cut's ``settle_frame`` is where its whip
settles, the storyboard and the cut card show that frame, and the corridor's pictures
show each whip's target at the frame centre (pixels: the frame drawn with and without
the target performer differ only where he stands)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from previs.level.loader import load_level
from previs.plan.shotplan import PlanSettings, build_plan
from previs.report.page import report_frames
from previs.report.sections import opening_frame, section_cuts, section_shots
from previs.sim.script import simulate

ROOT = Path(__file__).resolve().parent.parent
SIZE = (480, 270)
CENTRE = 0.05
"""The target's pixels must centre within 5 % of the frame width of the middle (the
central 10 %)."""


@pytest.fixture(scope="module")
def corridor():
    level = load_level(str(ROOT / "levels" / "corridor.tmx"))
    motion = simulate(level)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    return level, motion, plan


@pytest.fixture(scope="module")
def gl():
    from previs.gl.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.close()


def whip_target(level, cut) -> int:
    """The performer index Henry's latest look before ``cut`` aims at."""
    fps = level.settings.fps
    looks = [b for b in level.beats if b.actor == level.henry.id and b.aims and b.t * fps <= cut.frame]
    return level.performer_index(looks[-1].target)


def target_columns(gl, level, motion, frame: int, p: int) -> np.ndarray:
    """Columns of the pixels that performer ``p`` draws at ``frame`` (the frame with him,
    compared with the same frame with him moved 1 km away)."""
    from previs.gl.renderer import Renderer

    fs = motion.snapshot(frame)
    away = np.array(fs.perf_xz, float)
    away[p] = (1e3, 1e3)
    r = Renderer(level, SIZE)
    try:
        r.draw(fs)
        with_him = r.read_pixels().astype(int)
        r.draw(dataclasses.replace(fs, perf_xz=away))
        without = r.read_pixels().astype(int)
    finally:
        r.close()
    return np.nonzero(np.abs(with_him - without).sum(axis=-1) > 30)[1]


def test_corridor_cuts_settle_after_their_peak_and_the_json_says_so(corridor):
    _, _, plan = corridor
    assert [(c.frame, c.settle_frame, c.settle_timecode) for c in plan.cuts] == [
        (195, 199, "01:00:08:07"), (253, 258, "01:00:10:18"), (879, 883, "01:00:36:19"), (946, 950, "01:00:39:14")]
    d = plan.to_dict()["cuts"][0]
    assert (d["frame"], d["settle_frame"], d["settle_timecode"]) == (195, 199, "01:00:08:07")


def test_storyboard_and_cut_cards_show_the_settle_frame_and_keep_the_cut_frame(corridor):
    _, _, plan = corridor
    frames = report_frames(plan)
    stills = {f: f"data:image/jpeg;base64,F{f}" for f in frames}
    shots = section_shots(plan, stills, SIZE)
    cuts = section_cuts(plan, stills, SIZE)
    for c in plan.cuts:
        shot = plan.shots[c.index]  # the shot the cut opens
        assert opening_frame(plan, shot) == c.settle_frame and c.settle_frame in frames
        assert f"settled \u00b7 f{c.settle_frame} \u00b7 {c.settle_timecode}" in shots
        assert f"settled \u00b7 f{c.settle_frame} \u00b7 {c.settle_timecode}" in cuts
        assert f"\u00b7 f{c.frame} \u00b7 shot {c.index:03d}" in cuts  # the cut's own frame stays
        assert f'<div class="tc">in&nbsp; {shot.start_tc}</div>' in shots
    assert opening_frame(plan, plan.shots[0]) == 0


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_corridor_storyboard_frames_show_each_whips_target_at_the_centre(corridor, gl, k):
    level, motion, plan = corridor
    c = plan.cuts[k]
    p = whip_target(level, c)
    cols = target_columns(gl, level, motion, c.settle_frame, p)
    assert cols.size > 100, f"{level.performers[p].name} is not drawn at frame {c.settle_frame}"
    offset = abs(cols.mean() - SIZE[0] / 2) / SIZE[0]
    assert offset <= CENTRE, f"{level.performers[p].name} {offset:.3f} of the width off centre"
    # The cut frame itself (mid-whip) does not show him in the middle: the reason for settle_frame.
    mid = target_columns(gl, level, motion, c.frame, p)
    assert mid.size == 0 or abs(mid.mean() - SIZE[0] / 2) / SIZE[0] > CENTRE
