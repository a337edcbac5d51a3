"""Replay tests can pin an edit (issue 19): ``[[edit]]`` in ``LEVEL.expect.toml`` with
``[edit.matches]``: every cut of the edit matches."""

import shutil
import sys
from pathlib import Path

import pytest

from previs import pipeline
from previs.errors import ExpectationError
from previs.sim.edit import EditEntry, write_edit
from previs.sim.script import simulate
from previs.testing.expect import parse_file

sys.path.insert(0, str(Path(__file__).parent))
from takekit import write_shot_take  # noqa: E402
from expectkit import results  # noqa: E402

LEVELS = Path(__file__).parent.parent / "levels"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    d = tmp_path_factory.mktemp("proj")
    for n in ("corridor.tmx", "previs-walls.tsx", "previs-walls.png", "previs.tiled-project"):
        shutil.copy(LEVELS / n, d / n)
    lv = pipeline.load(d / "corridor.tmx")
    script = simulate(lv)
    (d / "takes").mkdir()
    write_shot_take(d / "takes" / "corridor-shot002-take01.take", lv, script, 2, 195, 259)
    write_shot_take(d / "takes" / "corridor-shot003-take01.take", lv, script, 3, 253, 885)
    write_shot_take(d / "takes" / "corridor-shot003-take02.take", lv, script, 3, 253, 885, slow_turn_frames=4)
    write_edit(d / "good.edit.toml", [EditEntry(2, "takes/corridor-shot002-take01.take"),
                                      EditEntry(3, "takes/corridor-shot003-take01.take")])
    write_edit(d / "slow.edit.toml", [EditEntry(2, "takes/corridor-shot002-take01.take"),
                                      EditEntry(3, "takes/corridor-shot003-take02.take")])
    return d


def test_an_edit_whose_cuts_all_match_passes_and_a_slow_turn_fails_naming_the_cut(project):
    p = project / "corridor.expect.toml"
    p.write_text('[[edit]]\nfile = "good.edit.toml"\n[edit.matches]\n[edit.shots]\ncount = 5\n\n'
                 '[[edit]]\nfile = "slow.edit.toml"\n[edit.matches]\n\n'
                 '[[edit]]\nfile = "slow.edit.toml"\n[edit.matches]\nhide_only = true\n')
    res = results(p)
    assert sorted(res) == ["edit[1].matches", "edit[1].shots.count", "edit[2].matches", "edit[3].matches"]
    assert res["edit[1].matches"].ok and res["edit[1].shots.count"].ok
    text = res["edit[2].matches"].text()
    assert text.splitlines()[0] == "expected: cut 2 at frame 253 (01:00:10:13) matches"
    assert "corridor-shot002-take01 -> corridor-shot003-take02" in text
    assert "incoming turn 24\u00b0/s within 3 frames of the cut, under 150\u00b0/s: the cut no longer hides" in text
    assert len(res["edit[2].matches"].failures) == 1
    assert not res["edit[3].matches"].ok


def test_edit_tables_are_validated_like_take_tables(project):
    p = project / "corridor.expect.toml"
    p.write_text('[[edit]]\nfile = "good.edit.toml"\n[edit.matches]\nhide_onyl = true\n')
    with pytest.raises(ExpectationError) as e:
        parse_file(p)
    assert "unknown key 'hide_onyl' (did you mean 'hide_only'?)" in e.value.problems[0]
    p.write_text('[[edit]]\nfile = "good.edit.toml"\n')
    with pytest.raises(ExpectationError) as e:
        parse_file(p)
    assert e.value.problems[0].endswith("[[edit]] #1: has no expectations: add e.g. [edit.matches] below it.")
