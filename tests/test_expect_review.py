"""Issue 17: goldens a studio can review and gate on. The shot-plan golden (canonical text,
semantic comparison by stable shot labels), the reviewed --update-golden (only failing
goldens, never with other failures, exit 1 unless --accept, 0 bytes when unchanged),
--init, --junit, --artefacts and the new expectation kinds, on the duel fixture."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from previs.cli import main
from previs.sim.track import CameraTrack
from previs.testing.golden import canonical_track_text, golden_diff
from previs.testing.plan_golden import compare, from_text, to_text

from expectkit import DATA, beat_at, duel, failure, passes, results

GOLDENS = """
[shots]
count = 3
[golden]
track = "duel.golden.csv"
plan = "duel.golden.plan.json"
"""


def _digests(d: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.glob("duel.golden*"))}


def test_plan_golden_is_canonical_one_entry_per_line(tmp_path, capsys):
    p = duel(tmp_path, GOLDENS)
    assert main(["test", str(p), "--update-golden", "--accept", "-q"]) == 0
    text = (tmp_path / "duel.golden.plan.json").read_text()
    doc = from_text(text)
    assert to_text(doc) == text  # what it reads back it writes byte for byte
    lines = text.splitlines()
    assert '  {"label": "3.125 s", "frame": 75, "time": 3.125, "tc": "00:00:03:03", "direction": "left"},' in lines
    shot2 = next(s for s in doc["shots"] if s["label"] == "3.125 s")
    assert (shot2["in"], shot2["out"]) == (75, 147)
    assert [p["who"] for p in shot2["in_frame"]] == ["Goon 2"]
    assert doc["start_tc"] == "00:00:00:00" and doc["frames"] == 288


def test_unchanged_level_update_rewrites_zero_bytes_and_an_edit_names_every_golden(tmp_path, capsys):
    p = duel(tmp_path, GOLDENS)
    assert main(["test", str(p), "--update-golden"]) == 1  # created: to be reviewed
    out = capsys.readouterr().out
    assert "golden created: " in out and "2 goldens created: review, then commit" in out
    before = _digests(tmp_path)
    mtimes = {q.name: q.stat().st_mtime_ns for q in tmp_path.glob("duel.golden*")}
    assert main(["test", str(p), "--update-golden"]) == 0  # nothing changed: nothing written
    assert _digests(tmp_path) == before
    assert {q.name: q.stat().st_mtime_ns for q in tmp_path.glob("duel.golden*")} == mtimes
    assert "golden" not in capsys.readouterr().out.split("PASS:")[-1]
    # The whip half a second later: both goldens fail, are updated, named, exit 1.
    duel(tmp_path, GOLDENS, beat_at("whip left", 3.5))
    assert main(["test", str(p), "--update-golden"]) == 1
    out = capsys.readouterr().out
    assert "    UPD   golden       camera track matches duel.golden.csv  (golden updated)" in out
    assert f"golden updated: {(tmp_path / 'duel.golden.plan.json').as_posix()}: 5 differences; cut at 3.125 s " \
           "(left) moved +0.500 s to 3.625 s (frame 87, 00:00:03:15)" in out
    assert out.rstrip().endswith("2 goldens updated: review, then commit (git diff; or pass --accept)")
    assert _digests(tmp_path) != before
    assert main(["test", str(p)]) == 0


def test_canonical_track_rounds_to_the_tolerance_and_stays_within_it():
    n = 5
    t = CameraTrack(fps=24.0, pos=np.full((n, 3), 1.23456789), yaw=np.full(n, -0.00001), pitch=np.zeros(n),
                    roll=np.zeros(n), hfov=np.full(n, 90.0))
    text = canonical_track_text(t, 0.001, 0.01)
    assert text.splitlines()[1] == "0,0.0,1.2346,1.2346,1.2346,0.000,0.000,0.000,90.000"  # -0.000 reads 0.000
    back = CameraTrack.from_csv_text(text)
    assert golden_diff(t, back, 0.001, 0.01) is None


def test_a_head_wound_once_more_is_not_360_degrees_off():
    n = 48
    z = np.zeros(n)
    a = CameraTrack(fps=24.0, pos=np.zeros((n, 3)), yaw=z, pitch=z, roll=z, hfov=np.full(n, 90.0))
    yaw = z.copy()
    yaw[10:20] = np.linspace(0, 360, 10)  # a full extra turn, then the same heading + 360
    yaw[20:] = 360.0
    b = CameraTrack(fps=24.0, pos=np.zeros((n, 3)), yaw=yaw, pitch=z, roll=z, hfov=np.full(n, 90.0))
    d = golden_diff(b, a, 0.001, 0.01)
    assert d["max_ang"] < 180.0 and d["last"] == 18  # frames 20.. point the same way
    assert d["spans"] == [(11, 18)] and d["worst"] in range(11, 19)


def test_golden_failure_names_the_largest_difference_and_how_long_it_lasts(tmp_path):
    p = duel(tmp_path, GOLDENS)
    passes(p, update=True)
    duel(tmp_path, GOLDENS, beat_at("whip left", 3.5))
    msg = failure(p, "golden")
    assert "largest difference: 0.2500 m, 124.5090° (yaw) at 3.500 s (frame 84, 00:00:03:12)" in msg
    assert "diverges on 17 frames (0.708 s) in 1 span, from 3.042 s to 3.708 s; back within tolerance from " \
           "3.750 s (frame 90, 00:00:03:18)" in msg


def test_plan_golden_names_shots_by_their_opening_cut_not_their_index(tmp_path):
    old = {"format": "previs-plan-golden/1", "fps": 24, "frames": 240, "start_tc": "00:00:00:00",
           "end_tc": "00:00:10:00", "cuts": [{"label": "5.000 s", "frame": 120, "time": 5.0, "tc": "",
                                              "direction": "left"}],
           "shots": [{"label": "start", "in": 0, "out": 120, "in_tc": "", "out_tc": "", "seconds": 5.0,
                      "in_frame": []},
                     {"label": "5.000 s", "in": 120, "out": 240, "in_tc": "", "out_tc": "", "seconds": 5.0,
                      "in_frame": []}],
           "safety": [{"kind": "clearance", "who": ["Goon 3", "Henry"], "frame": 50, "time": 2.083, "tc": "x"}],
           "comfort": {"peak_yaw_speed": 500.0, "seconds_over_comfort": 1.0, "seconds_over_screen_comfort": 0.5}}
    import copy

    new = copy.deepcopy(old)
    # A cut added at 1 s: old shot indices shift by one, but labels do not.
    new["cuts"].insert(0, {"label": "1.000 s", "frame": 24, "time": 1.0, "tc": "00:00:01:00", "direction": "right"})
    new["shots"] = [dict(old["shots"][0], out=24, seconds=1.0),
                    {"label": "1.000 s", "in": 24, "out": 120, "in_tc": "", "out_tc": "", "seconds": 4.0,
                     "in_frame": []},
                    dict(old["shots"][1], in_frame=[{"who": "Goon 4", "first": 869, "last": 984, "frames": 100}])]
    new["safety"] = []
    new["start_tc"] = "00:00:10:00"
    lines = compare(old, new)
    assert lines == [
        "start timecode: 00:00:10:00, was 00:00:00:00",
        "new cut at 1.000 s (right, frame 24, 00:00:01:00)",
        "shot from start: now ends at 1.000 s (), was 5.000 s (1.000 s long, was 5.000 s)",
        "new shot from 1.000 s (frames 24-119 = 1.000-4.958 s), in frame: nobody".replace(
            "(frames 24-119 = 1.000-4.958 s)", "(1.000-4.958 s (frames 24-119))"),
        "shot from 5.000 s: Goon 4 now in frame 36.208-41.000 s (frames 869-984), was never",
        "safety: clearance finding Goon 3 and Henry at 2.083 s (frame 50, x) is gone",
    ]


def test_a_cut_one_frame_off_is_within_the_plan_tolerance(tmp_path):
    doc = {"format": "previs-plan-golden/1", "fps": 24, "frames": 240, "start_tc": "a", "end_tc": "b",
           "cuts": [{"label": "5.000 s", "frame": 120, "time": 5.0, "tc": "", "direction": "left"}],
           "shots": [], "safety": [], "comfort": {}}
    moved = dict(doc, cuts=[dict(doc["cuts"][0], frame=122)])
    assert compare(doc, moved, 0.1) == []
    assert compare(doc, moved, 0.05) == ["cut at 5.000 s (left) moved +0.083 s to 5.083 s (frame 122, )"]


def test_init_writes_a_starter_that_passes_and_refuses_to_overwrite(tmp_path, capsys, monkeypatch):
    from previs import pipeline

    duel(tmp_path, GOLDENS)
    (tmp_path / "duel.expect.toml").unlink()
    calls = []
    real = pipeline.replay
    monkeypatch.setattr(pipeline, "replay", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert main(["test", "--init", str(tmp_path / "duel.tmx")]) == 0
    assert len(calls) == 1  # the starter and its check share one replay
    monkeypatch.undo()
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'duel.expect.toml'}: ")
    text = (tmp_path / "duel.expect.toml").read_text()
    assert '[[cut]]\ntime = 3.125\ndirection = "left"' in text and "[cuts]\nexact = true" in text
    assert '[[in_view]]\nperformer = "Goon 2"\nshot_from = 3.125   # the shot from 3.125 s' in text
    assert "[[position]]\nwho = \"Henry\"" in text and '[timecode]\nstart = "00:00:00:00"' in text
    assert (tmp_path / "duel.golden.csv").exists() and (tmp_path / "duel.golden.plan.json").exists()
    assert main(["test", str(tmp_path)]) == 0
    assert main(["test", "--init", str(tmp_path / "duel.tmx")]) == 1
    assert "already exists; --init never overwrites" in capsys.readouterr().err


def test_junit_report_is_valid_xml_with_one_testcase_per_expectation(tmp_path, capsys):
    p = duel(tmp_path, (DATA / "duel.toml").read_text())
    passes(p, update=True)
    duel(tmp_path, (DATA / "duel.toml").read_text(), beat_at("whip left", 3.5))
    (tmp_path / "bad.expect.toml").write_text("[shots]\ncont = 3\n")
    junit = tmp_path / "out" / "previs.xml"
    assert main(["test", str(tmp_path), "--junit", str(junit)]) == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "18" and root.get("failures") == "4"
    assert root.get("errors") == "1"
    suites = {Path(s.get("name")).name: s for s in root}
    cases = {c.get("name"): c for c in suites["duel.expect.toml"]}
    assert len(cases) == 17
    f = cases["cut[1]"].find("failure")
    assert f.get("message").startswith("left turn cut at 3.1 s ± 0.1 s: no turn cut there; nearest cut: 3.625 s")
    assert "nearest look beat: 3.5 s Henry look Goon 2 (beat 7)" in f.text
    assert cases["shots.count"].find("failure") is None
    assert "unknown key 'cont'" in suites["bad.expect.toml"].find("testcase/error").text


def test_artefacts_of_a_failing_golden(tmp_path, capsys):
    from PIL import Image

    p = duel(tmp_path, GOLDENS)
    passes(p, update=True)
    duel(tmp_path, GOLDENS, beat_at("whip left", 3.5))
    art = tmp_path / "art"
    assert main(["test", str(p), "--artefacts", str(art)]) == 1
    out = capsys.readouterr().out
    assert f"artefacts of the failing {p.as_posix()}: {art / 'duel'}" in out
    sub = art / "duel" / "scripted"
    assert "FAIL  golden" in (art / "duel" / "failures.txt").read_text()
    assert CameraTrack.read_csv(sub / "track.csv").yaw.size == 288
    rows = (sub / "yaw_speed.csv").read_text().splitlines()
    assert rows[0] == "frame,time,old_yaw_speed,new_yaw_speed" and len(rows) == 289
    with Image.open(sub / "yaw_speed.png") as im:
        assert im.size == (1100, 374)
    assert from_text((sub / "plan.golden.plan.json").read_text())["cuts"][0]["frame"] == 87
    with Image.open(sub / "still-73.png") as im:  # the first diverging frame, as the new replay shows it
        assert im.size == (640, 360) and len(np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)) > 20


NEW_KINDS = """
[[no_cut]]
from = 4
to = 5.9
[[shot_limit]]
from = 3.125
max_length = 3.1
min_length = 2.9
max_yaw_speed = 120
[[beat]]
id = 8
time = 6.0
[[beat]]
id = 7
timecode = "00:00:03:00"
[timecode]
start = "00:00:00:00"
end = "00:00:12:00"
[[in_view]]
performer = "Goon 2"
shot_from = 3.125
[[in_view]]
performer = "Goon 2"
after_cut = 1
[[in_view]]
performer = "Goon 1"
after_cut = 2
"""


def test_new_expectation_kinds_pass_on_the_duel(tmp_path):
    passes(duel(tmp_path, NEW_KINDS))


def test_new_expectation_kinds_fail_with_readable_lines(tmp_path):
    p = duel(tmp_path, NEW_KINDS, beat_at("whip right", 5.0))
    res = {k: r.text() for k, r in results(p).items() if not r.ok}
    assert set(res) == {"no_cut[1]", "shot_limit[1]", "beat[1]"}
    assert "actual:   1 turn cut there\n          cut at 5.125 s (frame 123, 00:00:05:03), right" in res["no_cut[1]"]
    assert "expected: the shot from 3.125 s (frames 75-122, 00:00:03:03-00:00:05:03) at least 2.9 s long" in \
           res["shot_limit[1]"]
    assert "actual:   2.000 s long" in res["shot_limit[1]"]
    assert "actual:   it fires at 5 s (1.000 s early): 5 s Henry look Goon 1 (beat 8)" in res["beat[1]"]
    p = duel(tmp_path, NEW_KINDS.replace('start = "00:00:00:00"', 'start = "01:00:00:00"')
             .replace("after_cut = 2", "after_cut = 3").replace("shot_from = 3.125", "shot_from = 4"))
    res = {k: r.text() for k, r in results(p).items() if not r.ok}
    assert "expected: frame 0 at timecode 01:00:00:00\nactual:   00:00:00:00" in res["timecode.start"]
    assert "actual:   there is no cut 3: the replay has 2 turn cuts" in res["in_view[3]"]
    assert "actual:   no shot opens at 4 s ± 0.1 s: no turn cut there\n          shots open at (s): 0, 3.125, 6.125" \
           in res["in_view[1]"]


def test_in_view_percentages_are_exact(tmp_path):
    msg = failure(duel(tmp_path, '[[in_view]]\nperformer = "Goon 1"\nafter_cut = 1\n'), "in_view[1]")
    assert "actual:   not in view: visible on 0 of 72 frames (0.00 %; a quarter is 18 frames)" in msg


def test_an_accepted_finding_that_no_longer_happens_fails(tmp_path):
    allow = ('[safety]\nfindings = 0\n[[safety.allow]]\nkind = "clearance"\nwho = ["Goon 1", "Henry"]\n'
             'time = 9.0\nnote = "near miss rehearsed with pads"\n')
    msg = failure(duel(tmp_path, allow), "safety.findings")
    assert "expected: the accepted clearance finding (Goon 1 and Henry at 9 s ± 0.5 s, [[safety.allow]] #1) " \
           "still happens\nactual:   it no longer happens" in msg
    assert "the allow entry's note: near miss rehearsed with pads" in msg


def test_the_bundled_goldens_are_current_and_an_update_writes_nothing(tmp_path, capsys):
    from editkit import bundled_copy

    exp = bundled_copy(tmp_path / "levels", "corridor")
    d = exp.parent
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.glob("corridor.golden*")}
    assert set(before) == {"corridor.golden.csv", "corridor.golden.plan.json"}
    assert main(["test", str(exp), "--update-golden", "-q"]) == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.glob("corridor.golden*")} == before
    assert "golden" not in capsys.readouterr().out
