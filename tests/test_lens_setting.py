"""The map property ``lens`` and the ``--lens`` override (issue 14): loaded, refused when
misspelt or too wide, kept out of the revision at its default, and applied by ``previs
replay``."""

from __future__ import annotations

import argparse

import pytest

from previs import pipeline
from previs.cli import cmd_replay
from previs.errors import PrevisError
from previs.level.loader import load_level
from previs.level.revision import revision
from tmxkit import make_map, refused


def test_the_lens_loads_and_defaults_to_rectilinear(tmp_path):
    assert load_level(make_map(tmp_path)).settings.lens == "rectilinear"
    wide = load_level(make_map(tmp_path, props={"lens": "actioncam", "hfov": 150.0}, name="wide.tmx"))
    assert (wide.settings.lens, wide.settings.hfov) == ("actioncam", 150.0)


def test_a_misspelt_lens_is_refused_with_the_closest_name_and_the_list(tmp_path, capsys):
    refused(make_map(tmp_path, props={"lens": "actoncam"}), capsys,
            "map properties: lens = 'actoncam' is not a lens model; did you mean 'actioncam'? "
            "use one of rectilinear, equidistant, actioncam.")


def test_a_wide_lens_over_150_degrees_is_refused_and_a_pinhole_is_not(tmp_path, capsys):
    refused(make_map(tmp_path, props={"lens": "equidistant", "hfov": 160.0}), capsys,
            "hfov = 160 degrees is too wide for the equidistant lens; a wide lens takes at most 150 degrees")
    assert load_level(make_map(tmp_path, props={"hfov": 160.0}, name="pin.tmx")).settings.hfov == 160.0


def test_the_default_lens_keeps_the_revision_and_another_changes_it(tmp_path):
    for d in ("a", "b", "c"):  # the title is the file name: one name, three folders
        (tmp_path / d).mkdir()
    plain = make_map(tmp_path / "a")
    same = make_map(tmp_path / "b", props={"lens": "rectilinear"})
    wide = make_map(tmp_path / "c", props={"lens": "equidistant"})
    revs = [revision(load_level(p)) for p in (plain, same, wide)]
    assert revs[0] == revs[1] != revs[2]


def test_the_override_replaces_the_lens_and_refuses_unknown_or_too_wide(tmp_path):
    src = make_map(tmp_path, props={"hfov": 160.0})
    assert pipeline.load(src).settings.lens == "rectilinear"
    assert pipeline.load(make_map(tmp_path, name="n.tmx"), lens="equidistant").settings.lens == "equidistant"
    with pytest.raises(PrevisError) as info:
        pipeline.load(src, lens="actioncam")
    assert info.value.problems == [f"--lens actioncam: {src}: hfov = 160 degrees is too wide for the actioncam lens; "
                                   "a wide lens takes at most 150 degrees: lower hfov, or use lens = rectilinear."]


def test_replay_takes_lens_and_refuses_a_typo_as_a_usage_error(capsys):
    p = argparse.ArgumentParser(prog="previs replay")
    cmd_replay.add_arguments(p)
    assert p.parse_args(["x.tmx", "-o", "out", "--lens", "actioncam"]).lens == "actioncam"
    assert p.parse_args(["x.tmx", "-o", "out"]).lens is None
    with pytest.raises(SystemExit) as info:
        p.parse_args(["x.tmx", "-o", "out", "--lens", "fisheye"])
    assert info.value.code == 2
    assert ("--lens 'fisheye' is not a lens model; use one of rectilinear, equidistant, actioncam"
            in capsys.readouterr().err)


def test_an_overridden_lens_gives_the_revision_of_a_map_that_says_it(tmp_path):
    # A printout of a --lens run names the fight as shot with that lens, never the file's
    # pinhole revision: the same revision as a map with the property set.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = make_map(tmp_path / "a")
    said = make_map(tmp_path / "b", props={"lens": "actioncam"})
    assert revision(pipeline.load(plain, lens="actioncam")) == revision(load_level(said)) != revision(load_level(plain))
