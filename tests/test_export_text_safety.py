"""Text and numbers that cannot inject or break a file (issue 21, export side): names and
titles in the EDL, OTIO, USD and CSV files, the 24-hour EDL rule, finite camera numbers."""

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from previs.cli import main
from previs.errors import PrevisError
from previs.export import FILES, chan, edl, otio as otio_export, usd
from previs.plan.shotplan import BeatRef, PlanSettings, build_plan
from plankit import ease, make_track, times

EVIL = "Evil\n002  PREVIS   V     C        00:00:00:00 00:00:09:00 00:00:00:00 00:00:09:00\r\x1b[31m\t\u200b\"\"\"q\\"
EVENT = re.compile(r"^\d{3}  ")


def _tree(d: Path) -> dict:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _track_file(path: Path, seconds=10.0, turn_at=6.0) -> None:
    path.write_text(make_track(ease(times(seconds), turn_at, 0.2, 90.0)).to_csv_text())


def _plan_with_evil_names(start_tc="00:00:00:00"):
    plan = build_plan(make_track(ease(times(4), 1.0, 0.2, 90.0)), settings=PlanSettings(start_tc=start_tc), title=EVIL)
    beat = BeatRef(t=2.0, actor=EVIL, action="punch", target="Goon\n003  PREVIS  V  C  00:00:00:00", note=EVIL,
                   frame=48, duration=0.5)
    shots = (plan.shots[0], dataclasses.replace(plan.shots[1], beats=(beat,)))
    return dataclasses.replace(plan, shots=shots)


def test_a_newline_in_a_title_or_name_cannot_add_an_edl_event():
    plan = _plan_with_evil_names()
    text = edl.to_text(plan)
    lines = text.split("\n")
    assert [line for line in lines if EVENT.match(line)] == [
        "001  PREVIS   V     C        00:00:00:00 00:00:01:02 00:00:00:00 00:00:01:02",
        "002  PREVIS   V     C        00:00:01:02 00:00:04:00 00:00:01:02 00:00:04:00",
    ]
    assert lines[0] == ("TITLE: Evil 002  PREVIS   V     C        00:00:00:00 00:00:09:00 00:00:00:00 "
                        "00:00:09:00  [31m  \"\"\"q\\")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) and "\r" not in text
    beat = [line for line in lines if line.startswith("* LOC: 00:00:02:00 ORANGE")]  # cut to 80 columns
    assert len(beat) == 1 and beat[0].startswith("* LOC: 00:00:02:00 ORANGE  EVIL 002 PREVIS") and len(beat[0]) == 80
    # and an editor's reader (OTIO's own CMX 3600 adapter) sees exactly the plan's two shots
    import opentimelineio as otio

    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=24)
    assert [c.name for c in tl.tracks[0].find_clips()] == ["Shot 001", "Shot 002"]


def test_one_line_ascii_keeps_ordinary_names_and_flattens_controls():
    assert otio_export.one_line_ascii("Café fight ↯ Cut 3 L 88°") == "Cafe fight  Cut 3 L 88"
    assert otio_export.one_line_ascii("a\nb\r\nc\x00d\u2028e\u200bf") == "a b  c d e f"


def test_otio_and_json_escape_names_and_read_back_exactly(tmp_path):
    import opentimelineio as otio

    plan = _plan_with_evil_names()
    tl = otio.adapters.read_from_string(otio_export.to_text(plan), adapter_name="otio_json")
    assert tl.name == EVIL
    names = [m.name for c in tl.tracks[0].find_clips() for m in c.markers]
    assert names == ["Cut 1 L 90°", f"{EVIL} punch Goon\n003  PREVIS  V  C  00:00:00:00"]
    assert [m.metadata["previs"]["note"] for c in tl.tracks[0].find_clips() for m in c.markers
            if m.metadata["previs"]["kind"] == "beat"] == [EVIL]
    from previs.export import shotplan_json

    doc = json.loads(shotplan_json.to_text(plan))
    assert doc["title"] == EVIL and doc["shots"][1]["beats"][0]["note"] == EVIL
    title_line = [line for line in shotplan_json.to_text(plan).split("\n") if line.startswith('  "title": ')]
    assert title_line == ['  "title": ' + json.dumps(EVIL, ensure_ascii=False) + ","]


def test_usd_title_cannot_add_scene_description(tmp_path):
    from pxr import Sdf, Usd

    plan = _plan_with_evil_names()
    path = tmp_path / "camera.usda"
    usd.write(plan, path)
    layer = Sdf.Layer.FindOrOpen(str(path))
    assert layer.documentation == "previs POV camera: " + "".join(c if c.isprintable() else " " for c in EVIL)
    stage = Usd.Stage.Open(layer)
    assert [str(p.GetPath()) for p in stage.Traverse()] == ["/previs", "/previs/camera"]


def test_track_csv_holds_only_numbers(tmp_path):
    plan = _plan_with_evil_names()
    from previs.export import track_csv

    lines = track_csv.to_text(plan).splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    rows = lines[len(comments):]
    # The comment header is plain ASCII prose that names no user text (the evil title is not in it).
    assert lines[:len(comments)] == comments and all(ln.isascii() and ln.isprintable() for ln in comments)
    assert not any(plan.title in ln for ln in comments)
    assert rows[0] == "frame,time,x,y,z,yaw,pitch,roll,hfov,focal_mm"
    cells = [c for row in rows[1:] for c in row.split(",")]
    assert len(cells) == 10 * plan.frames and all(np.isfinite(float(c)) for c in cells)
    assert not any(c[0] in "=+@\"" for c in cells)


def test_camera_files_refuse_non_finite_numbers():
    hfov = np.full(24, 90.0)
    hfov[3:5] = 0.0
    plan = build_plan(make_track(np.zeros(24), hfov=hfov), settings=PlanSettings())
    with pytest.raises(PrevisError) as e:
        usd.to_text(plan)
    assert e.value.problems == ["camera.usda: focalLength is not finite on 2 frame(s) from frame 3; give the track "
                                "finite values (hfov strictly between 0 and 180 degrees)."]
    pos = np.zeros((24, 3))
    pos[7, 0] = np.inf
    plan = build_plan(make_track(np.zeros(24), pos=pos), settings=PlanSettings())
    with pytest.raises(PrevisError) as e:
        chan.to_text(plan)
    assert e.value.problems == ["camera.chan: tx is not finite on 1 frame(s) from frame 7; give the track finite "
                                "values (hfov strictly between 0 and 180 degrees)."]


def test_title_flag_with_a_newline_plans_cleanly(tmp_path, capsys):
    src = tmp_path / "take.csv"
    _track_file(src)
    before = _tree(tmp_path)
    out = tmp_path / "out"
    assert main(["plan", str(src), "-o", str(out), "--title", EVIL]) == 0
    text = (out / "shotplan.edl").read_text()
    assert len([line for line in text.split("\n") if EVENT.match(line)]) == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before


def test_edl_past_24_hours_is_skipped_with_the_reason(tmp_path, capsys):
    src = tmp_path / "take.csv"
    _track_file(src)
    out = tmp_path / "out"
    out.mkdir()
    (out / "shotplan.edl").write_text("an EDL from an earlier run")
    before = _tree(tmp_path)
    assert main(["plan", str(src), "-o", str(out), "--start-tc", "23:59:55:00"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        "previs plan: warning: shotplan.edl not written: starting at 23:59:55:00, the plan's 240 frames end after "
        "23:59:59:23, where EDL timecode wraps to 00:00:00:00 and editors would read negative events; use "
        "shotplan.otio, or start at 23:59:49:23 or earlier (--start-tc, or the level's start_tc).")
    assert err.splitlines()[1] == f"previs plan: warning: removed {out / 'shotplan.edl'} from an earlier run: this plan has none."
    assert sorted(p.name for p in out.iterdir()) == sorted(f for f in FILES if f != "shotplan.edl")
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == {
        k: v for k, v in before.items() if not k.startswith("out/")}
    # the OTIO timeline carries it, past midnight, as plain frame counts
    import opentimelineio as otio

    tl = otio.adapters.read_from_file(str(out / "shotplan.otio"))
    assert tl.global_start_time.to_frames() == (23 * 3600 + 59 * 60 + 55) * 24
    assert tl.duration().to_frames() == 240


def test_edl_that_ends_on_the_last_frame_of_the_day_is_written(tmp_path, capsys):
    src = tmp_path / "take.csv"
    _track_file(src)
    out = tmp_path / "out"
    assert main(["plan", str(src), "-o", str(out), "--start-tc", "23:59:49:23"]) == 0
    assert "warning" not in capsys.readouterr().err
    events = [line for line in (out / "shotplan.edl").read_text().split("\n") if EVENT.match(line)]
    assert events[-1].endswith("23:59:59:23") and events[0].startswith("001  PREVIS   V     C        23:59:49:23")
