"""SMPTE timecode through the plan's façade, and one validation at every entry point."""

import argparse

import pytest

from previs.cli.options import add_plan_overrides
from previs.errors import PrevisError
from previs.plan.shotplan import PlanSettings
from previs.plan.timecode import frames_to_timecode, nominal_fps, parse_timecode, timecode


def test_frames_to_timecode():
    assert frames_to_timecode(0, 24) == "00:00:00:00"
    assert frames_to_timecode(75, 24) == "00:00:03:03"
    assert frames_to_timecode(24 * 3600, 24) == "01:00:00:00"
    assert frames_to_timecode(25 * 61 + 24, 25) == "00:01:01:24"


def test_start_tc_offset():
    assert timecode(75, 24, "01:00:00:00") == "01:00:03:03"
    assert timecode(0, 24, "01:00:00:00") == "01:00:00:00"
    assert timecode(1, 24, "00:59:59:23") == "01:00:00:00"
    assert timecode(4320, 24, "10:00:00:00") == "10:03:00:00"


def test_round_trip_and_wrap():
    for f in (0, 1, 23, 24, 86399 * 24 + 23):
        assert parse_timecode(frames_to_timecode(f, 24), 24) == f
    assert timecode(1, 24, "23:59:59:23") == "00:00:00:00"


def test_nominal_rate():
    assert nominal_fps(29.97) == 30 and nominal_fps(23.976) == 24 and nominal_fps(25.0) == 25
    assert frames_to_timecode(30, 29.97) == "00:00:01:00"


@pytest.mark.parametrize("bad", ["1:00:00", "1:00:00:00", " 01:00:00:00", "00:00:00:24", "24:00:00:00",
                                 "00:60:00:00", "00;00;00;00", "00:00:00;00", "x"])
def test_bad_timecodes_are_refused(bad):
    with pytest.raises(PrevisError):
        parse_timecode(bad, 24)


def _cli_start_tc(text):
    p = argparse.ArgumentParser(exit_on_error=False)
    add_plan_overrides(p)
    return p.parse_args(["--start-tc", text]).start_tc


@pytest.mark.parametrize("text, ok", [("01:00:00:00", True), ("23:59:59:00", True), ("1:00:00:00", False),
                                      ("01:00:00", False), ("24:00:00:00", False), (" 01:00:00:00", False)])
def test_plan_settings_and_cli_agree(text, ok):
    """``--start-tc`` and PlanSettings apply the time base's one shape check (two-digit
    fields); the level's ``start_tc`` goes through the same TimeBase (test_level_refusals)."""
    if ok:
        assert PlanSettings(start_tc=text).start_tc == text and _cli_start_tc(text) == text
        return
    with pytest.raises(PrevisError):
        PlanSettings(start_tc=text)
    with pytest.raises(argparse.ArgumentError, match="timecode"):
        _cli_start_tc(text)


def test_help_text_shows_the_contract_defaults():
    p = argparse.ArgumentParser()
    add_plan_overrides(p, safety=True)
    text = " ".join(p.format_help().split())
    for needle in ("(default 150)", "(default 40)", "(default 60)", "(default 00:00:00:00)", "(default 0.5)"):
        assert needle in text


@pytest.mark.parametrize("text, ok", [("01:00:00:00", True), ("1:00:00:00", False), ("00:00:00:23", True),
                                      ("00:00:00:24", False), ("00:00:00;00", False)])
def test_level_start_tc_uses_the_same_rule(tmp_path, text, ok):
    from tmxkit import make_map

    from previs import pipeline

    path = make_map(tmp_path, props={"start_tc": text})
    if ok:
        assert pipeline.load(str(path)).settings.start_tc == text
        return
    with pytest.raises(PrevisError) as e:
        pipeline.load(str(path))
    assert any(f"start_tc = {text!r} is not a timecode" in p for p in e.value.problems)
