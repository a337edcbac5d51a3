"""The edit (issue 19): takes of single shots assembled at the script's turn cuts, and the
match at every cut. The level is the bundled corridor fight (cuts at frames 195, 253,
879 and 946 of 1080 at 24 fps: five shots)."""

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from previs import pipeline
from previs.errors import TakeError
from previs.sim.edit import EditEntry, read_edit, write_edit
from previs.sim.script import simulate
from previs.sim.shot_take import set_circled, state_at, takes_of
from previs.sim.take import MAX_TICKS, read_take, replay_take

sys.path.insert(0, str(Path(__file__).parent))
from takekit import write_shot_take  # noqa: E402

LEVEL = Path(__file__).parent.parent / "levels" / "corridor.tmx"
HANDLE = 6


@pytest.fixture(scope="module")
def corridor():
    lv = pipeline.load(LEVEL)
    script = simulate(lv)
    cuts = [c.frame for c in pipeline.plan(script).cuts]
    assert cuts == [195, 253, 879, 946]
    return lv, script, [0] + cuts + [script.frames]


def _takes(tmp_path, lv, script, b, shots=(2, 3, 4)):
    for k in shots:
        write_shot_take(tmp_path / f"corridor-shot{k:03d}-take01.take", lv, script, k, b[k - 1],
                        min(b[k] + HANDLE, script.frames))
    write_edit(tmp_path / "corridor.edit.toml",
               [EditEntry(k, f"corridor-shot{k:03d}-take01.take") for k in shots], "corridor.tmx")
    return tmp_path / "corridor.edit.toml"


def test_an_edit_of_three_takes_and_the_script_equals_each_piece_on_its_frames_byte_for_byte(corridor, tmp_path):
    lv, script, b = corridor
    asm, plan = pipeline.replay_edit(lv, _takes(tmp_path, lv, script, b))
    m = asm.motion
    assert [(p.shot, p.start, p.end, p.name) for p in asm.pieces] == [
        (1, 0, 195, "script"), (2, 195, 253, "corridor-shot002-take01"), (3, 253, 879, "corridor-shot003-take01"),
        (4, 879, 946, "corridor-shot004-take01"), (5, 946, 1080, "script")]
    for p in asm.pieces:
        src = script if p.take is None else replay_take(lv, read_take(tmp_path / p.source))
        f = slice(p.start, p.end)
        for get in (lambda x: x.track.pos, lambda x: x.track.yaw, lambda x: x.track.pitch, lambda x: x.track.roll,
                    lambda x: x.track.hfov, lambda x: x.henry_xz, lambda x: x.perf_xz, lambda x: x.perf_facing,
                    lambda x: x.perf_down):
            assert get(m)[f].tobytes() == get(src)[f].tobytes()
    # The takes are not the script (they walk it by hand, to 0.01 degree of turn).
    assert not np.array_equal(m.track.yaw[195:253], script.track.yaw[195:253])
    # Every cut of this edit matches and hides; the plan says so, per cut.
    assert [c.frame for c in plan.edit.cuts] == [195, 253, 879, 946]
    assert all(c.matches and c.hides for c in plan.edit.cuts), plan.edit.findings
    d = plan.to_dict()["edit"]
    assert d["file"] == "corridor.edit.toml"
    assert d["pieces"][1] == {"shot": 2, "start_frame": 195, "end_frame": 253, "source": "corridor-shot002-take01"}


def test_a_take_20_cm_off_at_its_cut_is_reported_with_that_difference(corridor, tmp_path):
    lv, script, b = corridor
    _takes(tmp_path, lv, script, b, shots=(2,))
    # Shot 3 starts where shot 2's take has Henry on the cut, moved 20 cm south.
    t2 = replay_take(lv, read_take(tmp_path / "corridor-shot002-take01.take"))
    s = state_at(t2, 253)
    write_shot_take(tmp_path / "corridor-shot003-take01.take", lv, script, 3, 253, 879 + HANDLE,
                    start=dataclasses.replace(s, z=s.z + 0.2))
    write_edit(tmp_path / "e.edit.toml", [EditEntry(2, "corridor-shot002-take01.take"),
                                          EditEntry(3, "corridor-shot003-take01.take")])
    _, plan = pipeline.replay_edit(lv, tmp_path / "e.edit.toml")
    cut = plan.edit.cuts[1]
    assert (cut.frame, cut.outgoing, cut.incoming) == (253, "corridor-shot002-take01", "corridor-shot003-take01")
    assert cut.position == pytest.approx(0.2, abs=0.0005)
    assert (cut.heading, cut.pitch) == (0.0, 0.0)
    assert cut.hides and not cut.matches
    assert cut.problems == ("camera 0.200 m off (over 0.1 m)",)
    # It stays 20 cm off to its end: the next cut, back to the script, is off by as much.
    assert plan.edit.findings == (cut, plan.edit.cuts[2])
    assert plan.edit.cuts[2].position == pytest.approx(0.2, abs=0.0005)
    j = plan.to_dict()["edit"]["cuts"][1]
    assert j["position"] == 0.2 and j["matches"] is False


def test_a_take_whose_incoming_turn_is_slow_is_a_cut_that_no_longer_hides(corridor, tmp_path):
    lv, script, b = corridor
    # Shot 3 rolls on the cut with the head turning 1 degree a tick (24 deg/s) for 4 frames.
    write_shot_take(tmp_path / "corridor-shot003-take01.take", lv, script, 3, 253, 879 + HANDLE,
                    slow_turn_frames=4)
    write_edit(tmp_path / "e.edit.toml", [EditEntry(3, "corridor-shot003-take01.take")])
    _, plan = pipeline.replay_edit(lv, tmp_path / "e.edit.toml")
    cut = plan.edit.cuts[1]
    assert cut.frame == 253 and cut.speed_out >= 150
    assert cut.speed_in == pytest.approx(24.0, abs=0.05)  # 1 degree a frame at 24 fps
    assert not cut.hides and not cut.matches
    assert "incoming turn 24\u00b0/s within 3 frames of the cut, under 150\u00b0/s: the cut no longer hides" in cut.problems
    # The unslowed take hides: the finding is the slow turn, not the take itself.
    write_shot_take(tmp_path / "corridor-shot003-take02.take", lv, script, 3, 253, 879 + HANDLE)
    write_edit(tmp_path / "f.edit.toml", [EditEntry(3, "corridor-shot003-take02.take")])
    _, plan2 = pipeline.replay_edit(lv, tmp_path / "f.edit.toml")
    assert plan2.edit.cuts[1].hides


def test_a_take_that_does_not_cover_its_shot_is_refused_naming_the_shot_and_the_fix(corridor, tmp_path):
    lv, script, b = corridor
    write_shot_take(tmp_path / "short.take", lv, script, 3, 253, 600)
    write_edit(tmp_path / "e.edit.toml", [EditEntry(3, "short.take"), EditEntry(9, "script")])
    with pytest.raises(TakeError) as e:
        pipeline.replay_edit(lv, tmp_path / "e.edit.toml")
    assert e.value.problems == [
        f"{tmp_path / 'e.edit.toml'}: shot 9 is not a shot of corridor.tmx: its script has 5 shots; "
        "renumber the [[shot]] or remove it."]
    write_edit(tmp_path / "e.edit.toml", [EditEntry(3, "short.take")])
    with pytest.raises(TakeError) as e:
        pipeline.replay_edit(lv, tmp_path / "e.edit.toml")
    assert e.value.problems == [
        f"{tmp_path / 'e.edit.toml'}: shot 3 (frames 253-879) is filled by short.take, which covers frames 253-600; "
        "record a take from the cut at frame 253 to frame 879 or later ('previs walk', key C), or fill shot 3 "
        "with \"script\"."]


def test_edit_file_mistakes_are_one_line_each(tmp_path):
    p = tmp_path / "x.edit.toml"
    p.write_text('format = "previs-edit/1"\nlevle = "a"\n[[shot]]\nshot = 0\ntake = "a.take"\n'
                 '[[shot]]\nshot = 2\n\n[[shot]]\nshot = 3\ntake = "b.take"\n[[shot]]\nshot = 3\ntake = "c.take"\n')
    with pytest.raises(TakeError) as e:
        read_edit(p)
    assert e.value.problems == [
        f"{p}: unknown key 'levle'; an edit has 'format', 'level' and [[shot]] tables.",
        f"{p}: [[shot]] #1: 'shot' must be a shot number (1 is the first shot).",
        f"{p}: [[shot]] #2: 'take' must be a take file (relative to the edit) or \"script\".",
        f"{p}: [[shot]] #4: shot 3 is filled twice; keep one [[shot]] per shot."]
    p.write_text("shot = [")
    with pytest.raises(TakeError, match="not a TOML edit"):
        read_edit(p)


def test_takes_are_listed_per_shot_and_circling_rewrites_only_the_header(corridor, tmp_path):
    lv, script, b = corridor
    for n in (1, 2):
        write_shot_take(tmp_path / f"corridor-shot002-take{n:02d}.take", lv, script, 2, 195, 259, take_number=n)
    p = tmp_path / "corridor-shot002-take02.take"
    ticks = p.read_bytes().split(b"\n", 1)[1]
    set_circled(p, True)
    assert p.read_bytes().split(b"\n", 1)[1] == ticks
    listed = takes_of(tmp_path, str(LEVEL))
    assert list(listed) == [2]
    assert [(i.take_number, i.circled, i.frames, i.operator) for i in listed[2]] == [(1, False, 64, "test"),
                                                                                  (2, True, 64, "test")]
    assert read_take(p).header["circled"] is True
    assert math.isclose(read_take(p).start_walk_state(lv).x, float(script.henry_xz[195, 0]))


def test_a_take_of_one_shot_replays_as_the_script_before_its_start_frame(corridor, tmp_path):
    lv, script, b = corridor
    p = write_shot_take(tmp_path / "t.take", lv, script, 3, 253, 300)
    m = replay_take(lv, read_take(p))
    assert m.frames == 300
    for get in (lambda x: x.track.pos, lambda x: x.track.yaw, lambda x: x.henry_xz, lambda x: x.perf_xz):
        assert get(m)[:253].tobytes() == get(script)[:253].tobytes()
    # Its own frames start where its header says, after its first command.
    assert tuple(m.henry_xz[253]) == pytest.approx(tuple(script.henry_xz[253]), abs=1e-3)


def test_bad_shot_fields_in_a_take_header_are_named(tmp_path, corridor):
    from previs.sim.take import header_line

    lv = corridor[0]
    p = tmp_path / "bad.take"
    p.write_text(header_line(lv, {"start_frame": -3, "start_state": [1, 2, "x", 0], "circled": "yes",
                                  "shot": True}) + "0 0 0 0 0 0\n")
    with pytest.raises(TakeError) as e:
        read_take(p)
    assert e.value.problems == [
        f"{p}: header field 'start_frame' = -3 is not a whole number from 0 to {MAX_TICKS}.",
        f"{p}: header field 'start_state' is not [x, z, yaw, pitch] (four finite numbers).",
        f"{p}: header field 'shot' is not a whole number.",
        f"{p}: header field 'circled' is not true or false."]


def test_the_match_meter_reads_the_live_frame_against_the_outgoing_one(corridor):
    from previs.plan.cut_match import MatchSettings, meter

    lv, script, b = corridor
    out = script.snapshot(400)
    live = dataclasses.replace(out, eye=(out.eye[0] + 0.12, out.eye[1], out.eye[2] + 0.16), yaw=out.yaw + 9.0,
                               pitch=out.pitch - 2.0)
    r = meter(lv, out, live, MatchSettings.from_level(lv.settings))
    assert (r.position, r.heading, r.pitch) == pytest.approx((0.2, 9.0, -2.0))
    assert (r.position_ok, r.heading_ok, r.pitch_ok, r.ok) == (False, False, True, False)
    assert r.then == ("Goon 5",)
    same = meter(lv, out, out, MatchSettings.from_level(lv.settings))
    assert same.ok and same.now == same.then == ("Goon 5",)


def test_the_takes_of_an_edit_are_checked_as_replay_checks_one_and_reuse_the_script(corridor, tmp_path, monkeypatch):
    lv, script, b = corridor
    edit = _takes(tmp_path, lv, script, b)
    # The script is replayed once for the edit (its shots), not again for each take's earlier frames.
    import previs.sim.script as script_mod

    calls = []
    real = script_mod.simulate
    monkeypatch.setattr(script_mod, "simulate", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    monkeypatch.setattr(pipeline, "simulate", script_mod.simulate)
    warnings = []
    asm, _ = pipeline.replay_edit(lv, edit, warn=warnings.append)
    assert len(calls) == 1 and warnings == []
    # A performer moved since the takes were walked: each take warns, and --strict refuses.
    goon = dataclasses.replace(lv.performers[0], position=(lv.performers[0].position[0] + 1.0,
                                                           lv.performers[0].position[1]))
    changed = dataclasses.replace(lv, performers=(goon, *lv.performers[1:]), content_hash="f" * 64)
    asm, _ = pipeline.replay_edit(changed, edit, warn=warnings.append)
    assert len(warnings) == 3 and all("recorded on an earlier version of corridor.tmx" in w for w in warnings)
    with pytest.raises(TakeError) as e:
        pipeline.replay_edit(changed, edit, strict=True)
    assert "which --strict refuses" in str(e.value)
