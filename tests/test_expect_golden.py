"""Golden tracks and takes: divergence reports (first frame, timecode, beat, what diverged
first), --update-golden, and [[take]] expectations on a recorded take's replay."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from previs.level.loader import load_level
from previs.sim.take import write_take
from previs.sim.track import CameraTrack
from previs.sim.walker import TickCmd
from previs.testing.checks import golden_diff
from previs.testing.runner import Session, run_file

from expectkit import beat_at, duel, failure, passes, results, speed

GOLDEN = '[golden]\ntrack = "duel.golden.csv"\n'


def recorded(tmp_path, expect=GOLDEN, *edits) -> Path:
    """The duel with its golden track recorded from the unedited fight, then ``edits``
    applied to the level."""
    p = duel(tmp_path, expect)
    res = results(p, update=True)
    assert all(r.ok for r in res.values())
    return duel(tmp_path, expect, *edits)


def test_golden_passes_on_the_same_fight(tmp_path):
    p = recorded(tmp_path)
    golden = tmp_path / "duel.golden.csv"
    assert golden.read_text().startswith("frame,time,x,y,z,yaw,pitch,roll,hfov\n")
    assert golden.read_text().count("\n") == 289  # header + 288 frames, the full track
    passes(p)


def test_golden_divergence_names_frame_timecode_beat_and_yaw_first(tmp_path):
    p = recorded(tmp_path, GOLDEN, beat_at("whip left", 3.5))
    msg = failure(p, "golden")
    # The old whip started at 3.0 s; frame 72 is its first frame (eased: no change yet),
    # frame 73 the first that differs. The lens rides his head 0.16 m ahead of his neck
    # (previs.sim.head_motion): the turn moves it on the same frame.
    assert "actual:   diverges first at 3.042 s (frame 73, 00:00:03:01): Henry's position x 5.7225" in msg
    assert "camera yaw -90.0000° vs golden -81.3130°" in msg
    assert "Henry's position and his yaw diverged on the same frame" in msg
    assert "no beat at or before that time" in msg
    assert "next beat: 3.5 s Henry look Goon 2 (beat 7)" in msg
    assert "turn cuts only in the golden track: 3.125 s left; only in the replay: 3.625 s left" in msg
    assert "if the change is intended: previs test --update-golden" in msg


def test_golden_divergence_from_a_performer_names_who_henry_tracks(tmp_path):
    p = recorded(tmp_path, GOLDEN, speed("Goon 2", 4.0))
    msg = failure(p, "golden")
    # Goon 2 sets off at t = 4 s: the first frame after it, Henry's head (tracking him) differs.
    assert "diverges first at 4.042 s (frame 97, 00:00:04:01): Henry's position" in msg  # the lens turns with him
    assert "camera yaw 40.3299° vs golden 41.0160°" in msg
    assert "nearest beat at or before: 3 s Henry look Goon 2 (beat 7)" in msg
    assert "Henry is tracking Goon 2 then (since 3 s Henry look Goon 2 (beat 7))" in msg
    assert "turn cuts only" not in msg  # same cuts, only the tracking differs


def test_golden_divergence_of_henrys_walk_says_position_diverged_first(tmp_path):
    p = recorded(tmp_path, GOLDEN, speed("Henry", 1.6))
    msg = failure(p, "golden")
    # Henry sets off at t = 1 s; frame 25 is the first where the faster walk shows.
    assert "diverges first at 1.042 s (frame 25, 00:00:01:01): Henry's position x" in msg
    assert "Henry's position diverged first" in msg


def test_golden_tolerances(tmp_path):
    # A different walking speed moves Henry by millimetres over the first frames only.
    loose = GOLDEN + "position_tolerance = 5\nangle_tolerance = 360\n"
    passes(recorded(tmp_path, loose, speed("Henry", 1.6)))


def test_golden_length_mismatch(tmp_path):
    def longer(root):
        for prop in root.find("properties"):
            if prop.get("name") == "duration":
                prop.set("value", "13")

    msg = failure(recorded(tmp_path, GOLDEN, longer), "golden")
    assert "identical where both have frames" in msg
    assert "length: replay 312 frames (13.000 s), golden 288 frames (12.000 s)" in msg


def test_missing_golden_says_how_to_record_it(tmp_path):
    msg = failure(duel(tmp_path, GOLDEN), "golden")
    assert "duel.golden.csv does not exist" in msg
    assert "record it on purpose: previs test --update-golden" in msg


def test_unreadable_golden(tmp_path):
    p = duel(tmp_path, GOLDEN)
    (tmp_path / "duel.golden.csv").write_text("not,a,track\n1,2,3\n")
    msg = failure(p, "golden")
    assert "duel.golden.csv cannot be read" in msg and "header lacks column(s)" in msg


def test_update_golden_rewrites_only_on_change(tmp_path):
    p = recorded(tmp_path)
    g = tmp_path / "duel.golden.csv"
    before = g.stat().st_mtime_ns
    os.utime(g, ns=(before - 10**9, before - 10**9))
    data = g.read_bytes()
    res = results(p, update=True)
    assert res["golden"].updated is None and res["golden"].ok  # passes: not even compared for rewriting
    assert g.stat().st_mtime_ns == before - 10**9  # not rewritten
    assert g.read_bytes() == data
    p = duel(tmp_path, GOLDEN, beat_at("whip left", 3.5))
    assert not results(p)["golden"].ok
    res = results(p, update=True)
    assert res["golden"].updated == "updated" and res["golden"].ok
    passes(p)
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []  # no temp files left


def test_golden_diff_unit():
    n = 48
    z = np.zeros(n)
    pos = np.zeros((n, 3))
    a = CameraTrack(fps=24.0, pos=pos, yaw=z, pitch=z, roll=z, hfov=np.full(n, 90.0))
    assert golden_diff(a, a, 0.001, 0.01) is None
    yaw = z.copy()
    yaw[30:] = 0.02
    p2 = pos.copy()
    p2[35:, 0] = 0.002
    b = CameraTrack(fps=24.0, pos=p2, yaw=yaw, pitch=z, roll=z, hfov=np.full(n, 90.0))
    d = golden_diff(b, a, 0.001, 0.01)
    assert (d["first"], d["ang_first"], d["pos_first"], d["angle"]) == (30, 30, 35, "yaw")


# -- takes -------------------------------------------------------------------------------


def whip_take(level_path: Path, take_path: Path, whip_tick: int = 50):
    """Walk forward, whip left 90 degrees over 4 ticks at ``whip_tick``, walk on (6 s)."""
    lv = load_level(level_path)
    cmds = ([TickCmd(forward=100)] * whip_tick + [TickCmd(turn=2250)] * 4
            + [TickCmd(forward=60)] * (144 - whip_tick - 4))
    take_path.parent.mkdir(parents=True, exist_ok=True)
    if take_path.exists():
        take_path.unlink()
    write_take(take_path, lv, cmds)


TAKE = """
[shots]
count = 3

[[take]]
file = "takes/duel-1.take"

[[take.cut]]
time = 2.15
direction = "left"

[take.cuts]
exact = true

[take.shots]
count = 2

[[take.position]]
who = "Henry"
time = 1.0
x = 3.73
z = 6.5

[take.golden]
track = "duel-1.golden.csv"
"""


def test_take_expectations_apply_to_the_takes_replay(tmp_path):
    p = duel(tmp_path, TAKE)
    whip_take(tmp_path / "duel.tmx", tmp_path / "takes" / "duel-1.take")
    res = results(p, update=True)
    assert sorted(res) == ["shots.count", "take[1].cut[1]", "take[1].cuts.exact", "take[1].golden",
                           "take[1].position[1]", "take[1].shots.count"]
    assert all(r.ok for r in res.values()), {k: r.text() for k, r in res.items() if not r.ok}
    assert (tmp_path / "duel-1.golden.csv").read_text().count("\n") == 145
    passes(p)


def test_a_different_take_fails_its_expectations(tmp_path):
    p = duel(tmp_path, TAKE)
    whip_take(tmp_path / "duel.tmx", tmp_path / "takes" / "duel-1.take")
    results(p, update=True)
    whip_take(tmp_path / "duel.tmx", tmp_path / "takes" / "duel-1.take", whip_tick=60)  # re-recorded later
    res = results(p)
    assert res["shots.count"].ok  # the scripted replay is untouched
    msg = res["take[1].cut[1]"].text()
    assert "no turn cut there; nearest cut: 2.500 s (frame 60, 00:00:02:12), left" in msg
    assert "look beat" not in msg  # a walked take's head does not follow the look beats
    msg = res["take[1].golden"].text()
    assert "diverges first at 2.083 s (frame 50, 00:00:02:02): Henry's position x 5.1698" in msg  # lens 0.16 m ahead
    assert "camera yaw -90.0000° vs golden -67.5000°" in msg
    assert "Henry's position and his yaw diverged on the same frame" in msg


def test_a_take_of_a_changed_level_replays_with_a_warning(tmp_path):
    p = duel(tmp_path, TAKE)
    whip_take(tmp_path / "duel.tmx", tmp_path / "takes" / "duel-1.take")
    duel(tmp_path, TAKE, beat_at("whip right", 6.5))
    rep = run_file(Session(), p)
    take_set = rep.sets[1]
    assert take_set.results[0].ok  # the take's ticks still replay
    (w,) = take_set.warnings
    assert "duel-1.take: recorded on an earlier version of duel.tmx (revision " in w
    # a beat moved; Henry's walk is his ticks on unchanged walls: it does not depart
    assert w.endswith("Henry's walk matches the recorded one on every frame (the rest of the fight may differ).")
    rep = run_file(Session(strict=True), p)
    msg = rep.sets[1].results[0].text()
    assert "the take cannot be replayed" in msg and "which --strict refuses" in msg


def test_a_missing_take_fails_its_expectations_only(tmp_path):
    p = duel(tmp_path, TAKE)
    res = results(p)
    assert res["shots.count"].ok
    assert "take file" in res["take[1].cut[1]"].text() and "does not exist" in res["take[1].cut[1]"].text()


def test_the_session_replays_each_level_once(tmp_path, monkeypatch):
    import previs.pipeline as pipeline

    calls = []
    real = pipeline.replay
    monkeypatch.setattr(pipeline, "replay", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    p = duel(tmp_path, (Path(__file__).parent / "data" / "expect" / "duel.toml").read_text())
    s = Session()
    run_file(s, p, update=True)
    run_file(s, p)
    assert calls == [None]


@pytest.mark.parametrize("bad", ["", "frame,time\n"])
def test_update_golden_replaces_a_broken_file(tmp_path, bad):
    p = duel(tmp_path, GOLDEN)
    (tmp_path / "duel.golden.csv").write_text(bad)
    res = results(p, update=True)
    assert res["golden"].updated == "updated" and res["golden"].ok
