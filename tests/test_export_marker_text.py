"""Beat notes and safety findings as marker comments (OTIO, read back by OTIO) and EDL locator
text (read back by OTIO's cmx_3600 adapter), within CMX 3600's 80 columns."""

import pytest

otio = pytest.importorskip("opentimelineio")

from previs.export import edl, marker_text, otio as otio_export  # noqa: E402
from previs.plan.frame_truth import finding_text  # noqa: E402
from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from plankit import scene  # noqa: E402


@pytest.fixture
def plan():
    level, motion = scene()
    return build_plan(motion.track, settings=PlanSettings.from_level(level.settings, start_tc="01:00:00:00"),
                      motion=motion)


def test_otio_marker_comments_carry_notes_and_findings(plan, tmp_path):
    path = tmp_path / "shotplan.otio"
    otio_export.write(plan, path)
    tl = otio.adapters.read_from_file(str(path))
    markers = [m for c in tl.find_clips() for m in c.markers]
    punch = [m for m in markers if m.name == "Goon 2 punch Henry"]
    assert [m.comment for m in punch] == ["pull it"]
    safety = [m for m in markers if m.metadata["previs"]["kind"] == "safety"]
    assert [(m.name, m.comment, m.color) for m in safety] == \
        [(f"Safety {f.kind}", finding_text(f), "MAGENTA") for f in plan.safety]
    assert {f.kind for f in plan.safety} >= {"pyro", "clearance"}
    assert "too close: Goon 3 \u2194 Henry" in " ".join(m.comment for m in safety)
    for clip in tl.find_clips():  # markers in time order on their clip
        starts = [m.marked_range.start_time.value for m in clip.markers]
        assert starts == sorted(starts)
        r = clip.source_range
        assert all(r.start_time.value <= s < r.end_time_exclusive().value for s in starts)


def test_edl_locators_carry_notes_within_80_columns(plan):
    text = edl.to_text(plan)
    locs = [line for line in text.splitlines() if line.startswith("* LOC:")]
    assert len(locs) == len(plan.cuts) + sum(len(s.beats) for s in plan.shots) + len(plan.safety)
    assert max(len(line) for line in locs) <= 80
    (b,) = [b for s in plan.shots for b in s.beats if b.note]
    assert b.note == "pull it"
    assert f"* LOC: {plan.timecode(b.frame)} ORANGE  GOON 2 PUNCH HENRY - PULL IT" in locs
    assert any("SAFETY CLEARANCE - TOO CLOSE: GOON 3 <-> HENRY" in line for line in locs)
    pyro = next(f for f in plan.safety if f.kind == "pyro")
    assert f"* LOC: {plan.timecode(pyro.frame)} MAGENTA SAFETY PYRO - GOON 1 IN PYRO ZONE 'BARREL'" in locs
    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=24)
    names = [m.name for c in tl.find_clips() for m in c.markers]
    assert "GOON 2 PUNCH HENRY - PULL IT" in names


def test_locator_text_is_cut_to_fit_and_cannot_break_a_line():
    long = marker_text.locator_text("Henry look Goon 1", "clocks Goon 1 in the doorway\n002 AX V C " + "x" * 80)
    assert len(long) == marker_text.LOC_TEXT_MAX == 53
    assert long.endswith("...") and "\n" not in long and long.isupper()
    assert marker_text.locator_text("Goon 2 fall") == "GOON 2 FALL"
    assert marker_text.locator_text("Safety clearance", "too close: A \u2194 B 0.21 m") == \
        "SAFETY CLEARANCE - TOO CLOSE: A <-> B 0.21 M"


def test_a_crowded_shot_gets_ten_safety_markers_then_one_for_the_rest(plan, tmp_path):
    import dataclasses

    shot = plan.shots[0]
    f0 = plan.safety[0]
    crowd = [dataclasses.replace(f0, frame=shot.start_frame + k) for k in range(25)]
    crowded = dataclasses.replace(plan, safety=crowd + [f for f in plan.safety if f.frame >= shot.end_frame])
    assert shot.frames > 25 and otio_export.SAFETY_MARKERS_PER_SHOT == 10
    path = tmp_path / "shotplan.otio"
    otio_export.write(crowded, path)
    clip = next(iter(otio.adapters.read_from_file(str(path)).find_clips()))
    safety = [m for m in clip.markers if m.metadata["previs"]["kind"] == "safety"]
    assert [int(m.metadata["previs"]["frame"]) for m in safety] == [shot.start_frame + k for k in range(11)]
    assert [m.name for m in safety[:10]] == [f"Safety {f0.kind}"] * 10
    assert safety[10].name == "Safety: 15 more" and safety[10].metadata["previs"]["more"] == 15
    assert safety[10].comment == ("15 more safety findings in this shot from here "
                                  "(all in shotplan.json, shotlist.csv and the report)")
    # the EDL, built from the same timeline, carries the same markers as locators
    edl.write(crowded, tmp_path / "shotplan.edl")
    text = (tmp_path / "shotplan.edl").read_text()
    assert text.count("SAFETY: 15 MORE") == 1
