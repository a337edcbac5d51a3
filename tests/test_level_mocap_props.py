"""Actors' ``prop``, ``mocap`` and ``mocap_start``: loading, warnings, refusals naming the map,
the object, the BVH file and its line, and the BVH bytes in the level's content hash."""

from __future__ import annotations

import numpy as np
import pytest

from bvhkit import build, ours_spec, ours_text, write
from previs.errors import LevelError
from previs.level.loader import load_level
from previs.level.model import PROP_KINDS
from previs.pose.props import PROPS
from tmxkit import HENRY, make_map, obj


def _goon(props: dict) -> str:
    return HENRY + obj(2, "performer", "Goon", 96, 96, props)


def _problems(path) -> list[str]:
    with pytest.raises(LevelError) as e:
        load_level(path)
    return e.value.problems


def test_the_level_knows_the_pose_layers_props():
    assert PROP_KINDS == tuple(PROPS)


def test_prop_and_mocap_load(tmp_path):
    (tmp_path / "mocap").mkdir()
    b = build(ours_spec(), 30)
    write(tmp_path / "mocap" / "goon.bvh", b)
    level = load_level(make_map(tmp_path, _goon({"prop": "Knife", "mocap": ("file", "mocap/goon.bvh"),
                                                 "mocap_start": 2.5}), {"duration": 10.0}))
    goon = level.performers[0]
    assert goon.prop == "knife" and goon.mocap_start == 2.5
    assert goon.mocap.path == "mocap/goon.bvh" and goon.mocap.frames == 30
    assert np.array_equal(goon.mocap.motion, b.motion)
    assert level.henry.prop == "" and level.henry.mocap is None and level.henry.mocap_start == 0.0
    assert level.notices == ()


def test_henry_may_hold_a_prop(tmp_path):
    level = load_level(make_map(tmp_path, obj(1, "henry", "Henry", 48, 48, {"prop": "pistol"})))
    assert level.henry.prop == "pistol"


def test_misspelt_prop_is_a_warning_and_loads_with_none(tmp_path):
    level = load_level(make_map(tmp_path, _goon({"prop": "knfie"})))
    assert level.performers[0].prop == ""
    assert level.notices == (
        f"{tmp_path / 'level.tmx'}: object 2 'Goon' (performer): prop = 'knfie' is not a prop previs draws, "
        "so it holds nothing; did you mean 'knife'?",)
    level = load_level(make_map(tmp_path, _goon({"prop": "sword"})))
    assert level.notices[0].endswith("so it holds nothing; pick one of knife, bat, pipe, bottle, cleaver, pistol.")


def test_a_broken_bvh_refuses_the_level_with_its_line(tmp_path):
    text = ours_text(3).replace("Frames: 3", "Frames: 4")
    (tmp_path / "bad.bvh").write_text(text)
    n = len(text.split("\n"))
    assert _problems(make_map(tmp_path, _goon({"mocap": "bad.bvh"}))) == [
        f"{tmp_path / 'level.tmx'}: object 2 'Goon' (performer): mocap = 'bad.bvh': bad.bvh:{n}: ends after 3 "
        "motion rows, but 'Frames:' says 4: the file is cut off; re-export it, or set 'Frames: 3' to keep the "
        "rows it has."]


def test_mocap_outside_the_project_or_missing_is_refused(tmp_path):
    (tmp_path / "project").mkdir()
    write(tmp_path / "outside.bvh", build(ours_spec(), 2))
    msgs = _problems(make_map(tmp_path / "project", _goon({"mocap": "../outside.bvh"})))
    assert len(msgs) == 1 and "object 2 'Goon' (performer): mocap = '../outside.bvh' " in msgs[0]
    assert msgs[0].endswith("; keep mocap files inside the project (the folder holding the .tiled-project file, "
                            "else the map's folder).")
    msgs = _problems(make_map(tmp_path / "project", _goon({"mocap": "gone.bvh"})))
    assert len(msgs) == 1 and "mocap = 'gone.bvh' (gone.bvh) " in msgs[0]


def test_negative_mocap_start_is_refused(tmp_path):
    write(tmp_path / "a.bvh", build(ours_spec(), 2))
    msgs = _problems(make_map(tmp_path, _goon({"mocap": "a.bvh", "mocap_start": -1.0})))
    assert len(msgs) == 1 and "mocap_start = -1" in msgs[0]


def test_the_bvh_bytes_are_in_the_content_hash(tmp_path):
    plain = load_level(make_map(tmp_path, HENRY)).content_hash
    write(tmp_path / "a.bvh", build(ours_spec(), 5, seed=1))
    path = make_map(tmp_path, _goon({"mocap": "a.bvh"}))
    first = load_level(path).content_hash
    assert load_level(path).content_hash == first
    write(tmp_path / "a.bvh", build(ours_spec(), 5, seed=2))
    assert load_level(path).content_hash not in (first, plain)
    # One file used by two actors is read once and hashed once.
    two = _goon({"mocap": "a.bvh"}) + obj(3, "performer", "Cook", 128, 96, {"mocap": "./a.bvh"})
    level = load_level(make_map(tmp_path, two))
    assert level.performers[0].mocap is level.performers[1].mocap


def test_a_take_that_starts_after_the_end_is_a_warning(tmp_path):
    write(tmp_path / "a.bvh", build(ours_spec(), 2))
    level = load_level(make_map(tmp_path, _goon({"mocap": "a.bvh", "mocap_start": 5.0}), {"duration": 5.0}))
    assert level.performers[0].mocap_start == 5.0
    assert level.notices == (
        f"{tmp_path / 'level.tmx'}: object 2 'Goon' (performer): mocap_start = 5 s is not before the end of the "
        "replay (5 s), so its take never plays; start the take earlier, or make the map's duration longer.",)


@pytest.mark.parametrize("damage", ["cut", "nan"])
def test_previs_check_prints_the_bvh_refusal_without_a_traceback(tmp_path, capsys, damage):
    from tmxkit import refused

    text = ours_text(5000)
    if damage == "cut":
        text = text.replace("Frames: 5000", "Frames: 200000")
        needle = "bad.bvh:"
    else:
        lines = text.split("\n")
        lines[-2] = lines[-2].replace(" ", " nan ", 1).rsplit(" ", 1)[0]
        text = "\n".join(lines)
        needle = f"bad.bvh:{len(lines) - 1}: motion row 5000 has nan in channel 2"
    (tmp_path / "bad.bvh").write_text(text)
    err = refused(make_map(tmp_path, _goon({"mocap": "bad.bvh"})), capsys, "object 2 'Goon' (performer): mocap = 'bad.bvh': ", needle)
    assert len(err.strip().splitlines()) == 1
