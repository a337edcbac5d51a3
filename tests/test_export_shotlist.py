"""shotlist.csv read back with Python's csv module (as a spreadsheet reads it): one row per
shot, every number equal to shotplan.json's."""

import csv
import dataclasses
import json

import pytest

from previs import pipeline
from previs.export import shotlist, shotplan_json
from previs.plan.shot_list import COLUMNS
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import scene, zone


def read_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 BOM (Excel), RFC 4180 line ends
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, r)) for r in rows[1:]]


@pytest.mark.slow
def test_finale_has_a_row_per_shot_matching_shotplan_json(tmp_path, levels_dir):
    plan = pipeline.plan(pipeline.replay(pipeline.load(levels_dir / "finale.tmx")))
    shotlist.write(plan, tmp_path / "shotlist.csv")
    shotplan_json.write(plan, tmp_path / "shotplan.json")
    doc = json.loads((tmp_path / "shotplan.json").read_text())
    rows = read_rows(tmp_path / "shotlist.csv")
    assert len(rows) == len(doc["shots"]) == len(plan.shots) > 50
    over = 0
    for row, s in zip(rows, doc["shots"]):
        assert row["shot"] == f"Shot {s['index']:03d}"
        assert (row["in"], row["out"]) == (s["start_tc"], s["end_tc"])
        assert int(row["frames"]) == s["end_frame"] - s["start_frame"]
        assert float(row["duration"]) == s["duration"]
        assert float(row["max_take"]) == doc["settings"]["max_take"]
        assert (row["take"] == "OVER") == s["over_max_take"]
        over += s["over_max_take"]
        sc = s["suggested_cut"]
        assert row["suggested_cut"] == ("" if sc is None else sc.get("timecode", sc.get("note")))
        assert row["in_frame"].split("; ") == (s["performers_in_view"] or [""])
        assert set(s["performers_in_view"]) <= set(filter(None, row["in_scene"].split("; ")))
        beats = [b for b in row["beats"].split("; ") if b]
        assert len(beats) == len(s["beats"])
        assert [b[:11] for b in beats] == [plan.timecode(b.frame) for b in plan.shots[s["index"] - 1].beats]
    assert over >= 1  # the finale's long take
    assert sum(len([x for x in r["safety"].split("; ") if x]) for r in rows) == len(doc["safety"])


def _scene_with_props_and_a_rig(**names):
    level, motion = scene()
    perf = tuple(dataclasses.replace(p, prop={"Goon 1": "knife", "Goon 3": "bat"}.get(p.name, ""),
                                     name=names.get(p.name, p.name)) for p in level.performers)
    level = dataclasses.replace(level, performers=perf, henry=dataclasses.replace(level.henry, prop="pipe"),
                                zones=level.zones + (zone(41, "Wire rig", "rig", 11.0, 4.0, 12.0, 6.0),))
    motion = dataclasses.replace(motion, level=level)
    return build_plan(motion.track, settings=PlanSettings.from_level(level.settings, max_take=4.0), motion=motion)


def test_who_props_zones_safety_and_beats_per_shot(tmp_path):
    plan = _scene_with_props_and_a_rig()
    shotlist.write(plan, tmp_path / "shotlist.csv")
    rows = read_rows(tmp_path / "shotlist.csv")
    assert [r["shot"] for r in rows] == ["Shot 001", "Shot 002", "Shot 003"]
    one, two, three = rows
    # Shot 1: Goon 1 in view, Goon 2 the target of Henry's look at 3 s (the whip's first frames).
    assert one["in_frame"] == "Goon 1" and one["in_scene"] == "Goon 1; Goon 2"
    assert one["props"] == "Henry: pipe; Goon 1: knife"
    assert one["beats"] == "00:00:01:00 Henry: look \u2192 Goon 1; 00:00:03:00 Henry: look \u2192 Goon 2"
    assert two["beats"] == "00:00:04:00 Goon 2: punch \u2192 Henry (pull it); 00:00:06:00 Goon 2: fall"
    assert (two["take"], two["max_take"], two["duration"], two["frames"]) == ("OVER", "4", "4.5", "108")
    assert two["suggested_cut"].startswith("no head turn inside this take")
    # Goon 1 walks east at 2 m/s from 7 s: into the wire rig (x 11) at 7.5 s = frame 180,
    # 00:00:07:12, still in it when shot 3 starts (frame 183); into the barrels (x 13) at
    # 8.5 s = 00:00:08:12. Goon 3 closes in behind Henry: in the scene, never in view.
    assert two["zones"] == "rig 'Wire rig': Goon 1 from 00:00:07:12"
    assert three["zones"] == ("rig 'Wire rig': Goon 1 from 00:00:07:12; "
                              "pyro 'Barrel': Goon 1 from 00:00:08:12")
    assert "Goon 1 in pyro zone 'Barrel'" in three["safety"] and "too close: Goon 3 \u2194 Henry" in three["safety"]
    assert three["in_scene"] == "Goon 1; Goon 3" and three["props"] == "Henry: pipe; Goon 1: knife; Goon 3: bat"
    assert plan.to_dict() == _scene_with_props_and_a_rig().to_dict()  # shotplan.json unchanged by the entries
    assert "zone_entries" not in plan.to_dict()


def test_a_name_that_looks_like_a_formula_is_text():
    plan = _scene_with_props_and_a_rig(**{"Goon 1": "=HYPERLINK(\"x\")"})
    text = shotlist.to_text(plan)
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    cells = [c for r in rows[1:] for c in r]
    assert "'=HYPERLINK(\"x\")" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_rows_are_the_columns_definition_on_a_crowd():
    # shot_rows slices the frame-sorted findings and formats their timecodes in one pass
    # (issue 20); every cell must still be what the column's definition says, finding by
    # finding: here recomputed by scanning everything for every shot.
    from previs.plan.frame_truth import finding_text
    from previs.plan.shot_list import shot_rows
    from plankit import crowd

    level, motion = crowd(frames=1200, performers=60)
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    assert len(plan.shots) > 3 and len(plan.zone_entries) > 3 and len(plan.safety) > 50
    names = [n for n, _ in plan.cast]
    rows = shot_rows(plan)
    for row, s in zip(rows, plan.shots, strict=True):
        inside = [f for f in plan.safety if s.start_frame <= f.frame < s.end_frame]
        entries = [z for z in plan.zone_entries
                   if z.frame < s.end_frame and plan.time_base.frames_in(z.exit) > s.start_frame]
        assert row["safety"] == [f"{plan.timecode(f.frame)} {finding_text(f)}" for f in inside]
        assert row["zones"] == list(dict.fromkeys(
            f"{z.kind} '{z.zone}': {', '.join(z.who)} from {plan.timecode(z.frame)}" for z in entries))
        named = {n for f in inside + entries for n in f.who} | set(s.performers_in_view)
        named |= {n for b in s.beats for n in (b.actor, b.target)}
        assert row["in_scene"] == [n for n in names[1:] if n in named]
    assert sum(len(r["safety"]) for r in rows) == len(plan.safety)
    assert any(r["zones"] for r in rows)
