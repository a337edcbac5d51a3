"""SMPTE non-drop timecode."""

import pytest

from previs.errors import PrevisError
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


@pytest.mark.parametrize("bad", ["1:00:00", "00:00:00:24", "24:00:00:00", "00:60:00:00", "00;00;00;00", "x"])
def test_bad_timecodes_are_refused(bad):
    with pytest.raises(PrevisError):
        parse_timecode(bad, 24)
