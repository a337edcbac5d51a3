"""What is true at frame f (previs.plan.frame_truth), on the bundled corridor level, and
the pictures that read it: HUD and burn-in show the same shot and timecode."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from previs import pipeline
from previs.timebase import TimeBase
from previs.plan.frame_truth import CAPTION_SECONDS, FrameTruths, Timeline, caption, henry_findings_at
from previs.sim.facing import facing_all, facing_at, target_events
from previs.sim.script import performer_motion

CORRIDOR = Path(__file__).parent.parent / "levels" / "corridor.tmx"


@pytest.fixture(scope="module")
def corridor():
    level = pipeline.load(CORRIDOR)
    motion = pipeline.replay(level)
    return level, motion, pipeline.plan(motion)


@pytest.fixture
def gl():
    from previs.gl.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.close()


def test_at_the_second_cut(corridor):
    _, _, plan = corridor
    assert [c.frame for c in plan.cuts] == [195, 253, 879, 946]
    t = FrameTruths(plan).at(253)
    assert (t.frame, t.time, t.timecode) == (253, 253 / 24, "01:00:10:13")
    assert (t.shot, t.shots, t.over_max_take) == (3, 5, False)
    assert (t.prev_cut, t.next_cut) == (195, 879)
    assert t.on_cut and t.cut is plan.cuts[1] and t.last_cut is plan.cuts[1]
    assert t.cut.index == 2 and t.suggested_cut is None
    # Beats from their frame for max(duration, 1.5 s) = 36 frames: Goon 2's hit at frame
    # 216 ended on 252; the kick (228), the fall (231) and the whip look (250) are on, each
    # on the frame the simulation fires it (TimeBase.frame_at: t = 9.6 s -> 230.4 -> 231).
    assert [b.frame for b in t.beats] == [228, 231, 250]
    assert t.captions == ("Henry: kick \u2192 Goon 2", "Goon 2: fall",
                          "Henry: look \u2192 Goon 3 (WHIP: back to the front, Goon 3 sprints at him)")
    # Henry passes 0.14 m from Goon 1 lying on the floor, closest at frame 262: live from 250.
    assert [(f.kind, f.frame) for f in t.findings] == [("lying-body", 262)]
    assert t.warnings == ("Henry 0.14 m from lying Goon 1",)
    assert t.in_view == plan.shots[2].performers_in_view == ("Goon 5",)


def test_frame_before_a_cut_and_live_findings(corridor):
    _, _, plan = corridor
    truths = FrameTruths(plan)
    before = truths.at(194)
    assert (before.shot, before.next_cut, before.prev_cut, before.on_cut, before.last_cut) == (1, 195, None, False, None)
    assert truths.at(195).shot == 2 and truths.at(195).cut.index == 1
    # The clearance finding of Goon 3 and Henry (closest at frame 312) is live 12 frames
    # (0.5 s) either side of it, and not one frame more.
    clear = [f for f in plan.safety if f.kind == "clearance"][0]
    assert (clear.frame, clear.who) == (312, ("Goon 3", "Henry"))
    assert truths.at(300).findings == (clear,) and truths.at(324).findings[0] == clear
    assert truths.at(299).findings == () and clear not in truths.at(325).findings
    # Goon 3 then runs over Goon 1 lying on the floor (closest at frame 330): live from 318.
    over = truths.at(324).findings[1]
    assert (over.kind, over.frame, over.who) == ("lying-body", 330, ("Goon 3", "Goon 1"))
    assert truths.at(317).findings == (clear,) and truths.at(325).findings == (over,)
    assert truths.at(342).findings == (over,) and over not in truths.at(343).findings
    assert truths.at(324).warnings[1] == "Goon 3 over lying Goon 1"
    assert truths.at(312).warnings == (f"too close: Goon 3 \u2194 Henry {clear.distance:.2f} m",)
    # A zone entry is live from its frame until the body leaves.
    pyro = [f for f in plan.safety if f.kind == "pyro"][0]
    end = int(round(pyro.exit * plan.fps))
    assert pyro in truths.at(pyro.frame).findings and pyro in truths.at(end - 1).findings
    assert pyro not in truths.at(pyro.frame - 1).findings and pyro not in truths.at(end).findings
    assert truths.at(pyro.frame).warnings[-1] == f"Goon 4 in pyro zone '{pyro.zone}'"


def test_every_frame_agrees_with_the_plan(corridor):
    _, _, plan = corridor
    truths = FrameTruths(plan)
    for s in plan.shots:
        for f in (s.start_frame, s.end_frame - 1):
            t = truths.at(f)
            assert t.shot == s.index and t.timecode == plan.timecode(f)
            assert t.in_view == s.performers_in_view
    for b in (b for s in plan.shots for b in s.beats):
        n = max(1, round(max(CAPTION_SECONDS, b.duration) * plan.fps))
        assert b in truths.at(b.frame).beats or len(truths.at(b.frame).beats) == 4
        assert b not in truths.at(b.frame + n).beats and b not in truths.at(b.frame - 1).beats
        assert caption(b) in truths.at(b.frame).captions or len(truths.at(b.frame).beats) == 4


def test_a_walked_timeline_replaces_the_plans_cuts(corridor):
    level, _, plan = corridor
    tl = Timeline.from_cuts([100], 400, plan.fps)
    t = FrameTruths(plan, timeline=tl).at(100)
    assert (t.shot, t.shots, t.on_cut, t.next_cut, t.cut) == (2, 2, True, None, None)
    assert t.timecode == TimeBase(24, level.settings.start_tc).timecode(100) == "01:00:04:04"


def test_henry_findings_at_a_walked_frame_use_the_planners_rules(corridor):
    level, motion, plan = corridor
    # On the scripted track, asking frame 312 alone gives the plan's own finding there.
    fs = motion.snapshot(312)
    got = henry_findings_at(level, fs, plan.settings.safety_distance)
    assert [(f.kind, f.who, f.frame, f.distance) for f in got] == [
        ("clearance", ("Goon 3", "Henry"), 312, [f for f in plan.safety if f.kind == "clearance"][0].distance)]
    # Henry standing on Goon 1 during none of their contact beats: too close, overlapping.
    p = level.performers[0]
    fs0 = motion.snapshot(0)
    here = SimpleNamespace(frame=0, henry_xz=tuple(fs0.perf_xz[0]), perf_xz=fs0.perf_xz, perf_down=fs0.perf_down)
    got = henry_findings_at(level, here, plan.settings.safety_distance)
    assert [(f.who, f.distance) for f in got] == [(tuple(sorted((p.name, "Henry"))),
                                                  round(-level.henry.radius - p.radius, 2))]


def test_facing_at_one_frame_is_the_row_of_facing_over_all_frames(corridor):
    level, motion, _ = corridor
    F = motion.frames
    xz, down, walk_yaw, moving = performer_motion(level, F)
    henry = np.asarray(motion.henry_xz)
    every = facing_all(level, F, walk_yaw, moving, xz, henry, down)
    assert np.array_equal(every, motion.perf_facing)
    assert down.any(axis=0).sum() == 5  # five goons go down: the held facing is exercised
    ev = target_events(level)
    for f in range(F):
        assert np.array_equal(facing_at(ev, f, walk_yaw, moving, xz, down, henry.__getitem__), every[f]), f


def test_a_downed_performer_keeps_the_facing_of_the_frame_he_went_down(corridor):
    # A body on the floor does not turn round its feet as Henry walks by: from its first
    # down frame to the end, each downed goon's facing is one number, and it is where the
    # plan's lying-body footprint lies (fixed on that frame).
    from previs.plan.safety_bodies import fall_direction, lying_footprints

    level, motion, _ = corridor
    down, facing = np.asarray(motion.perf_down), np.asarray(motion.perf_facing)
    prints = lying_footprints(level, motion)
    assert len(prints) == 5
    for p, f0, fp in prints:
        assert down[f0:, p].all() and not down[:f0, p].any()
        assert np.all(facing[f0:, p] == facing[f0, p])
        assert np.allclose(fall_direction(facing[f0:, p]), fp.direction)
        assert np.array_equal(motion.perf_xz[f0:, p], np.broadcast_to(fp.feet, motion.perf_xz[f0:, p].shape))


def test_hud_and_burn_in_show_the_same_shot_and_timecode(corridor, gl, monkeypatch):
    """The frame of the 2nd cut through both pictures: the strings each draws, and the
    burn-in's timecode pixels are the HUD's timecode string set in the burn-in's font."""
    from previs.animatic.burnin import BurnIn, Scratch, flash, label
    from previs.gl.renderer import Renderer
    from previs.window.hud import Timeline as HudTimeline
    from previs.window.hud import hud_state
    from previs.window.hudlayer import HudLayer, HudLayers

    level, motion, plan = corridor
    size = (480, 270)
    frame = 253
    fs = motion.snapshot(frame)
    hud = hud_state(level, fs, HudTimeline.from_plan(plan), plan)
    hud_texts = []
    real_text = HudLayer._text
    monkeypatch.setattr(HudLayer, "_text", lambda self, font, s, *a: hud_texts.append(s) or real_text(self, font, s, *a))
    r = Renderer(level, size)
    huds = HudLayers()
    try:
        r.draw(fs, layers=(huds.over(hud, level, size),))
        hud_rgb = r.read_pixels()
    finally:
        huds.close()
        r.close()
    burn = BurnIn(plan, *size)
    burn_texts = []
    real_label = BurnIn._label
    monkeypatch.setattr(BurnIn, "_label", lambda self, rgb, font, text, *a, **k: burn_texts.append(text)
                        or real_label(self, rgb, font, text, *a, **k))
    rgb = np.zeros((size[1], size[0], 3), np.uint8)
    burn.apply(rgb, frame)
    assert hud.timecode == "01:00:10:13" and (hud.shot, hud.shots) == (3, 5)
    assert hud.timecode in hud_texts and any("shot 3 / 5" in s for s in hud_texts)
    assert burn_texts[:2] == [hud.timecode, "SHOT 003/005"]
    # Pixels: the burn-in's top-left box is exactly the HUD's timecode in the burn-in font
    # (the cut frame is flashed first: flash the reference the same way).
    ref = np.zeros_like(rgb)
    flash(ref)
    w, h = label(ref, burn.tc_font.get(hud.timecode), burn.pad, burn.pad, pad=burn.pad, scratch=Scratch())
    assert np.array_equal(rgb[:h, :w], ref[:h, :w])
    # The HUD drew its timecode box top-left over the scene: bright text there.
    assert (hud_rgb[: size[1] // 8, : size[0] // 3].min(axis=-1) > 200).sum() > 20
