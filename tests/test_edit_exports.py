"""``previs replay --edit``: every export follows the assembled edit, OTIO clips and EDL
reels name their source takes, the report has the match per cut (issue 19)."""

import json
import sys
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from previs import pipeline
from previs.cli import main
from previs.export.take_reels import reel_name
from previs.report.edit_section import section_edit
from previs.sim.edit import EditEntry, write_edit
from previs.sim.script import simulate
from previs.sim.track import CameraTrack

sys.path.insert(0, str(Path(__file__).parent))
from takekit import write_shot_take  # noqa: E402

LEVEL = Path(__file__).parent.parent / "levels" / "corridor.tmx"


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    d = tmp_path_factory.mktemp("edit")
    lv = pipeline.load(LEVEL)
    script = simulate(lv)
    # Shot 2 (frames 195-253) from take 2; shot 3 (253-879) from a take that rolls slow.
    write_shot_take(d / "corridor-shot002-take02.take", lv, script, 2, 195, 259, take_number=2)
    write_shot_take(d / "corridor-shot003-take01.take", lv, script, 3, 253, 885, slow_turn_frames=4)
    write_edit(d / "corridor.edit.toml", [EditEntry(2, "corridor-shot002-take02.take"),
                                          EditEntry(3, "corridor-shot003-take01.take")], "corridor.tmx")
    assert main(["replay", str(LEVEL), "--edit", str(d / "corridor.edit.toml"), "-o", str(d / "out"),
                 "--no-report"]) == 0
    return lv, d


def test_the_track_and_plan_are_the_assembled_edit(edited):
    lv, d = edited
    asm, plan = pipeline.replay_edit(lv, d / "corridor.edit.toml")
    tr = CameraTrack.read_csv(d / "out" / "track.csv")
    assert np.allclose(tr.yaw, asm.motion.track.yaw, atol=0.0051)  # the CSV's rounding
    js = json.loads((d / "out" / "shotplan.json").read_text())
    assert js == json.loads(json.dumps(plan.to_dict()))
    assert [c["frame"] for c in js["edit"]["cuts"]] == [195, 253, 879, 946]
    bad = [c for c in js["edit"]["cuts"] if not c["matches"]]
    assert [(c["frame"], c["hides"]) for c in bad] == [(253, False)]


def test_otio_clips_and_edl_reels_name_their_source_takes(edited):
    lv, d = edited
    tl = otio.adapters.read_from_file(str(d / "out" / "shotplan.otio"))
    clips = list(tl.find_clips())
    srcs = [c.metadata["previs"].get("source") for c in clips]
    reels = [c.metadata["cmx_3600"]["reel"] for c in clips]
    # The incoming take rolls slow and whips 3 frames late: the assembled track's turn cut
    # is at 256, not on the splice at 253, so clip 2 ends with 3 frames of take 3.
    assert [c.metadata["previs"]["start_frame"] for c in clips] == [0, 195, 256, 879, 946]
    assert srcs == ["script", "corridor-shot002-take02", "corridor-shot003-take01", "script", "script"]
    assert list(clips[1].metadata["previs"]["sources"]) == ["corridor-shot002-take02", "corridor-shot003-take01"]
    assert reels == ["CORRIDOR", "S002T02", "S003T01", "CORRIDOR", "CORRIDOR"]  # the script: the level's reel
    edl = otio.adapters.read_from_file(str(d / "out" / "shotplan.edl"), rate=24)
    assert [c.metadata["cmx_3600"]["reel"] for c in edl.find_clips()] == reels


def test_reel_names_fit_cmx_3600():
    assert reel_name("corridor-shot003-take01", "CORRIDOR") == "S003T01"
    assert reel_name("script", "CORRIDOR") == "CORRIDOR"  # the level's own reel, the animatic's
    assert reel_name("my take #4.b", "CORRIDOR") == "MYTAKE4B"
    assert reel_name("---", "CORRIDOR") == "TAKE"


def test_the_report_has_the_match_per_cut(edited):
    lv, d = edited
    _, plan = pipeline.replay_edit(lv, d / "corridor.edit.toml")
    html = section_edit(plan)
    assert "1 of 4 cut(s) do not match" in html
    assert "corridor-shot002-take02 \u2192 corridor-shot003-take01" in html
    assert "incoming turn 24\u00b0/s within 3 frames of the cut, under 150\u00b0/s: the cut no longer hides" in html
    assert section_edit(pipeline.plan(simulate(lv))) == ""


def test_replay_warns_about_each_cut_that_does_not_match_and_refuses_take_with_edit(edited, capsys, tmp_path):
    lv, d = edited
    assert main(["replay", str(LEVEL), "--edit", str(d / "corridor.edit.toml"), "-o", str(tmp_path / "o"),
                 "--no-report"]) == 0
    out, err = capsys.readouterr()
    assert "2 of 5 shots from takes; 3 of 4 cuts match" in out
    assert ("previs replay: warning: cut 2 (frame 253, corridor-shot002-take02 -> corridor-shot003-take01) does not "
            "match: incoming turn 24\u00b0/s within 3 frames of the cut, under 150\u00b0/s: the cut no longer hides") in err
    code = main(["replay", str(LEVEL), "--edit", str(d / "corridor.edit.toml"), "--take",
                 str(d / "corridor-shot002-take02.take"), "-o", str(tmp_path / "p")])
    out, err = capsys.readouterr()
    assert code != 0 and not (tmp_path / "p").exists()
    assert err.strip().splitlines() == [
        f"previs replay: --take {d / 'corridor-shot002-take02.take'} and --edit {d / 'corridor.edit.toml'}: give one; "
        "an edit names its takes itself."]
