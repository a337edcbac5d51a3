"""shotplan.edl: CMX 3600 through OTIO's adapter, parsed back by the same adapter."""

import re

import numpy as np
import pytest

otio = pytest.importorskip("opentimelineio")

from previs.export import edl  # noqa: E402
from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from plankit import ease, make_track, scene, times  # noqa: E402

EVENT = re.compile(r"^(\d{3})\s+(\S+)\s+V\s+C\s+(\S+) (\S+) (\S+) (\S+)$")


def events(text):
    return [EVENT.match(line).groups() for line in text.splitlines() if EVENT.match(line)]


@pytest.mark.parametrize("start_tc", ["00:00:00:00", "01:00:00:00"])
def test_edl_round_trip(tmp_path, start_tc):
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings, start_tc=start_tc), motion=motion)
    path = tmp_path / "shotplan.edl"
    edl.write(plan, path)
    text = path.read_text()
    assert text.startswith("TITLE: Synthetic\nFCM: NON-DROP FRAME\n")
    ev = events(text)
    assert len(ev) == len(plan.shots) == 3
    for (num, reel, src_in, src_out, rec_in, rec_out), s in zip(ev, plan.shots):
        assert int(num) == s.index and reel == plan.reel == "SYNTHETI"  # synthetic.tmx, cut to 8
        assert (rec_in, rec_out) == (s.start_tc, s.end_tc)
        assert (src_in, src_out) == (s.start_tc, s.end_tc)
    assert "* FROM CLIP NAME:  Shot 002" in text
    assert "°" not in text and text.isascii()
    assert f"* LOC: {plan.cuts[0].timecode} RED     CUT 1 L" in text

    tl = otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=24)
    clips = list(tl.tracks[0].find_clips())
    assert len(clips) == 3
    for c, s in zip(clips, plan.shots):
        assert c.name == s.name
        r = c.range_in_parent()
        assert r.duration.value == s.end_frame - s.start_frame
        assert otio.opentime.to_timecode(c.source_range.start_time, 24) == s.start_tc
    # Every cut, beat and safety finding comes back as a marker.
    assert sum(len(c.markers) for c in clips) == len(plan.cuts) + sum(len(s.beats) for s in plan.shots) + len(plan.safety)


def test_edl_plain_track_and_25_fps(tmp_path):
    t = times(20, 25)
    plan = build_plan(make_track(ease(t, 5.0, 0.2, 90.0), 25), settings=PlanSettings(start_tc="10:00:00:00"), title="Rehearsal")
    text = edl.to_text(plan)
    ev = events(text)
    assert [e[4] for e in ev] == ["10:00:00:00", plan.shots[1].start_tc]
    assert ev[-1][5] == "10:00:20:00"
    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=25)
    assert len(list(tl.tracks[0].find_clips())) == 2


def test_edl_is_deterministic():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    assert edl.to_text(plan) == edl.to_text(plan)


def test_non_ascii_names_are_folded():
    plan = build_plan(make_track(np.zeros(24)), settings=PlanSettings(), title="Café fight ↯")
    assert edl.to_text(plan).startswith("TITLE: Cafe fight \n")
