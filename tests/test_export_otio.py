"""shotplan.otio read back with OpenTimelineIO: clips, names, durations, markers."""

import pytest

otio = pytest.importorskip("opentimelineio")

from previs.export import otio as otio_export  # noqa: E402
from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from plankit import scene  # noqa: E402


@pytest.fixture
def plan():
    level, motion = scene()
    return build_plan(motion.track, settings=PlanSettings.from_level(level.settings, start_tc="01:00:00:00"),
                      motion=motion)


def read(plan, tmp_path):
    path = tmp_path / "shotplan.otio"
    otio_export.write(plan, path)
    return otio.adapters.read_from_file(str(path))


def test_clips_match_shots(plan, tmp_path):
    tl = read(plan, tmp_path)
    assert tl.name == "Synthetic"
    (track,) = tl.tracks
    assert track.kind == otio.schema.TrackKind.Video
    clips = list(track.find_clips())
    assert len(clips) == len(plan.shots) == 3
    assert [c.name for c in clips] == ["Shot 001", "Shot 002", "Shot 003"]
    assert tl.global_start_time == otio.opentime.RationalTime(86400, 24)
    for c, s in zip(clips, plan.shots):
        r = c.range_in_parent()
        assert r.start_time.rate == 24
        assert r.start_time.value == s.start_frame and r.duration.value == s.end_frame - s.start_frame
        assert c.source_range.start_time.value == 86400 + s.start_frame  # source tc = record tc
        assert otio.opentime.to_timecode(c.source_range.start_time, 24) == s.start_tc
        assert c.media_reference.target_url == "animatic.mp4"
        assert c.media_reference.available_range.duration.value == plan.frames
        assert c.metadata["cmx_3600"]["reel"] == plan.reel == "SYNTHETI"
    assert track.duration().value == plan.frames


def marker_frames(tl):
    """(kind, timeline frame, name, colour) of every marker, in timeline order."""
    out = []
    track = tl.tracks[0]
    for clip in track.find_clips():
        for m in clip.markers:
            t = clip.transformed_time(m.marked_range.start_time, track)
            out.append((m.metadata["previs"]["kind"], int(t.value), m.name, m.color))
    return out


def test_markers_at_cuts_and_beats(plan, tmp_path):
    ms = marker_frames(read(plan, tmp_path))
    cuts = [(f, n, col) for k, f, n, col in ms if k == "cut"]
    beats = [(f, n, col) for k, f, n, col in ms if k == "beat"]
    assert [f for f, _, _ in cuts] == [c.frame for c in plan.cuts]
    assert cuts[0][1] == f"Cut 1 L {plan.cuts[0].angle:.0f}°" and cuts[1][1].startswith("Cut 2 R ")
    assert all(col == otio.schema.MarkerColor.RED for _, _, col in cuts)
    all_beats = [b for s in plan.shots for b in s.beats]
    assert [f for f, _, _ in beats] == [b.frame for b in all_beats] == [24, 72, 96, 144]
    assert [n for _, n, _ in beats] == ["Henry look Goon 1", "Henry look Goon 2", "Goon 2 punch Henry", "Goon 2 fall"]
    assert [c for _, _, c in beats] == ["GREEN", "GREEN", "ORANGE", "PURPLE"]


def test_otio_is_deterministic(plan, tmp_path):
    a = otio_export.to_text(plan)
    b = otio_export.to_text(plan)
    assert a == b
    otio_export.write(plan, tmp_path / "a.otio")
    otio_export.write(plan, tmp_path / "b.otio")
    assert (tmp_path / "a.otio").read_bytes() == (tmp_path / "b.otio").read_bytes()


def test_single_shot_plain_track(tmp_path):
    import numpy as np
    from plankit import make_track

    plan = build_plan(make_track(np.zeros(50), 25), settings=PlanSettings())
    tl = read(plan, tmp_path)
    (clip,) = tl.tracks[0].find_clips()
    assert clip.name == "Shot 001" and clip.source_range.duration == otio.opentime.RationalTime(50, 25)
    assert tl.name == "previs" and len(clip.markers) == 0


def test_findings_are_taken_by_frame_stably_read_once():
    # build_timeline's findings in frame order (issue 20: one read of each finding, the
    # sort only when the plan's are out of order): what sorted(key=frame) gives.
    import random

    from previs.export.otio import _by_frame
    from previs.plan.safety import ClearanceFinding

    rnd = random.Random(3)
    found = [ClearanceFinding(who=("A", "B"), frame=rnd.randrange(20), time=float(i), distance=0.1) for i in range(200)]
    for case in (found, sorted(found, key=lambda f: f.frame), [], found[:1]):
        got, frames = _by_frame(tuple(case))
        want = sorted(case, key=lambda f: f.frame)
        assert [id(f) for f in got] == [id(f) for f in want] and frames == [f.frame for f in want]
