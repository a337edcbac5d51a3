"""The one time base: t -> frame, frame -> t, timecode (non-drop and drop-frame)."""

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from previs import pipeline
from previs.errors import PrevisError
from previs.export.otio import build_timeline
from previs.sim.script import _regimes
from previs.timebase import TimeBase, split_timecode, time_base_of

NTSC = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)
FILM = Fraction(24000, 1001)


def test_rate_is_exact():
    assert TimeBase(24).fps == Fraction(24) and TimeBase(24.0).fps == Fraction(24)
    assert TimeBase(30000 / 1001).fps == NTSC and TimeBase("24000/1001").fps == FILM
    assert TimeBase(29.97).fps == Fraction(2997, 100)
    assert [TimeBase(r).nominal_rate for r in (24, 25, 30, FILM, NTSC, NTSC60)] == [24, 25, 30, 24, 30, 60]
    assert [TimeBase(r).label for r in (24, FILM, NTSC, NTSC60)] == ["24", "23.976", "29.97", "59.94"]


@pytest.mark.parametrize("bad", [0, -24, "fast", float("nan")])
def test_bad_rates_are_refused(bad):
    with pytest.raises(PrevisError, match="frame rate"):
        TimeBase(bad)


def test_frame_at_is_the_first_frame_at_or_after_t():
    tb = TimeBase(24)
    assert [tb.frame_at(t) for t in (0.0, 1.0, 3.3, 5.8, 1 / 24, 0.04, 0.0417)] == [0, 24, 80, 140, 1, 1, 2]
    # float noise on a boundary does not push an event a frame late
    assert 0.1 * 3 != 0.3 and TimeBase(10).frame_at(0.1 * 3) == 3 and TimeBase(10).frame_at(0.3) == 3
    assert TimeBase(24).frame_at(0.1 * 3) == 8  # 7.2000000000000002 frames
    assert TimeBase(25).frame_at(0.1 * 3) == 8 and TimeBase(25).frame_at(0.04 * 3) == 3
    assert TimeBase(30).frame_at(0.1 * 3) == 9 and TimeBase(30).frame_at(0.1 * 3 + 1e-6) == 10
    # 1001-rates: frame 1001 of 30000/1001 is at 33.366... s; 1.001 s is exactly frame 30
    assert TimeBase(NTSC).frame_at(1.001) == 30 and TimeBase(NTSC).frame_at(1.0) == 30
    assert TimeBase(NTSC).frame_at(0.999) == 30 and TimeBase(NTSC).frame_at(0.99) == 30
    assert TimeBase(NTSC).frame_at(0.966) == 29 and TimeBase(FILM).frame_at(1.001) == 24
    assert TimeBase(FILM).frame_at(1.0) == 24  # 23.976 frames -> the 24th frame at 1.001 s


def test_vectorised_variants_match_the_scalar_ones():
    t = np.array([0.0, 0.1 * 3, 1.0, 3.3, 5.8, 1.001, 41.35])
    for rate in (24, 25, 30, FILM, NTSC):
        tb = TimeBase(rate)
        assert tb.frames_at(t).tolist() == [tb.frame_at(x) for x in t]
        assert tb.frames_at(t).dtype == np.int64
        assert tb.times(5).tolist() == [tb.time_of(f) for f in range(5)]


@pytest.mark.parametrize("fps, start_tc", [
    (24, "00:00:00:00"), (24, "23:59:50:00"), (25, "10:00:00:00"), (Fraction(24000, 1001), "01:00:00:00"),
    (Fraction(30000, 1001), "00:00:00;00"), (Fraction(30000, 1001), "00:09:59;28"), (Fraction(30000, 1001), "01:00:00:00"),
    (Fraction(60000, 1001), "23:59:00;04"), (48, "00:00:00:00"), (60, "12:34:56:59"), (7.5, "00:00:00:00"),
    (100, "00:00:00:99"), (120, "00:00:00:00"), (240, "23:59:59:00")])
def test_vectorised_timecodes_are_the_scalar_rule(fps, start_tc):
    tb = TimeBase(fps, start_tc)
    r = tb.nominal_rate
    # every frame of the first and the tenth minute (drop-frame skips), around the 24 h wrap
    # (from the start and backwards), and a scattering far out
    frames = np.concatenate([np.arange(-2 * r, 70 * r), np.arange(9 * 60 * r - 5, 10 * 60 * r + 5 * r),
                             tb.day_frames() - tb.start_frame + np.arange(-3 * r, 3 * r),
                             np.random.default_rng(1).integers(-10**9, 10**9, 5000)])
    got = tb.timecodes(frames)
    assert got == [tb.timecode(f) for f in frames.tolist()]
    assert all(type(t) is str for t in got[:5])
    assert tb.format_counts(frames[:100].reshape(10, 10)) == [tb.format_count(c) for c in frames[:100].tolist()]
    assert tb.timecodes([]) == []


def test_frame_containing_is_the_half_open_frame_holding_t():
    tb = TimeBase(24)
    assert [tb.frame_containing(t) for t in (0.0, 0.04, 1 / 24, 29.96, 29.999, 1.0)] == [0, 0, 1, 719, 719, 24]
    assert TimeBase(10).frame_containing(0.1 * 3) == 3


def test_time_of_and_lengths():
    assert TimeBase(24).time_of(75) == 3.125 and TimeBase(25).time_of(1) == 0.04
    assert TimeBase(NTSC).time_of(30) == 1.001 and TimeBase(FILM).time_of(24000) == 1001.0
    assert TimeBase(24).seconds(12) == 0.5
    assert np.array_equal(TimeBase(NTSC).seconds(np.array([0, 30000])), [0.0, 1001.0])
    # bit for bit what the simulation always wrote: frame / fps
    assert TimeBase(24).times(1000).tolist() == (np.arange(1000, dtype=np.float64) / 24).tolist()
    assert [TimeBase(24).frames_in(d) for d in (45.0, 0.1, 1 / 48, 0.0625)] == [1080, 2, 0, 2]
    assert TimeBase(NTSC).frames_in(1001.0) == 30000


def test_span_and_window():
    tb = TimeBase(24)
    assert tb.span(5.8, 0.5) == range(140, 152)  # [139.2, 151.2) frames: samples 140..151
    assert tb.span(3.0, 0.5) == range(72, 84) and tb.span(2.0, 0.83) == range(48, 68)
    assert tb.span(3.0, 0.0) == range(72, 72)
    assert tb.frames_within(3.0, 3.5) == range(72, 85)  # closed: both ends sampled
    assert tb.frames_within(5.8, 6.3) == range(140, 152)
    assert tb.frames_within(3.01, 3.02) == range(73, 73)  # no sample inside


def test_non_drop_timecode():
    tb = TimeBase(24, "01:00:00:00")
    assert tb.start_frame == 86400 and tb.timecode(0) == "01:00:00:00" and tb.timecode(75) == "01:00:03:03"
    assert TimeBase(24, "23:59:59:23").timecode(1) == "00:00:00:00"
    assert TimeBase(25).format_count(25 * 61 + 24) == "00:01:01:24"
    assert TimeBase(NTSC).format_count(30) == "00:00:01:00"  # non-drop 29.97 counts at 30
    assert TimeBase(FILM).timecode(24 * 3600) == "01:00:00:00"
    for f in (0, 1, 23, 24, 86399 * 24 + 23):
        assert TimeBase(24).parse_timecode(TimeBase(24).format_count(f)) == f


@pytest.mark.parametrize("frame, tc", [
    (0, "00:00:00;00"), (1799, "00:00:59;29"), (1800, "00:01:00;02"), (1801, "00:01:00;03"),
    (3598, "00:02:00;02"), (17981, "00:09:59;29"), (17982, "00:10:00;00"), (17983, "00:10:00;01"),
    (19782, "00:11:00;02"), (107892, "01:00:00;00"), (2589407, "23:59:59;29"), (2589408, "00:00:00;00"),
])
def test_drop_frame_2997(frame, tc):
    tb = TimeBase(NTSC, "00:00:00;00", drop_frame=True)
    assert tb.timecode(frame) == tc
    if frame < 2589408:
        assert tb.parse_timecode(tc) == frame


def test_drop_frame_5994_and_round_trip():
    tb = TimeBase(NTSC60, "00:00:00;00", drop_frame=True)
    assert tb.timecode(3600) == "00:01:00;04" and tb.timecode(35964) == "00:10:00;00"
    assert tb.timecode(215784) == "01:00:00;00"
    df = TimeBase(NTSC, "01:00:00;00", drop_frame=True)
    assert df.start_frame == 107892
    counts = list(range(0, 40000, 7)) + list(range(107800, 108000))
    assert all(df.parse_timecode(df.format_count(n)) == n for n in counts)


def test_drop_frame_refusals():
    with pytest.raises(PrevisError) as e:
        TimeBase(24, drop_frame=True)
    assert e.value.problems == ["drop-frame timecode exists only at 30000/1001 (29.97) and 60000/1001 (59.94) "
                                "fps, not at 24 fps; use non-drop timecode."]
    with pytest.raises(PrevisError) as e:
        TimeBase(NTSC, "00:01:00;01", drop_frame=True)
    assert e.value.problems == ["timecode '00:01:00;01' does not exist in drop-frame: frames 00-01 are "
                                "skipped at the start of every minute not divisible by 10."]
    assert TimeBase(NTSC, "00:10:00;00", drop_frame=True).start_frame == 17982
    with pytest.raises(PrevisError, match=r"is non-drop \(':'\) .* write HH:MM:SS;FF"):
        TimeBase(NTSC, "00:00:00:00", drop_frame=True)


@pytest.mark.parametrize("text, message", [
    ("1:00:00:00", "timecode '1:00:00:00' is not HH:MM:SS:FF (two digits each, e.g. 01:00:00:00)."),
    (" 01:00:00:00", "timecode ' 01:00:00:00' is not HH:MM:SS:FF (two digits each, e.g. 01:00:00:00)."),
    ("1:00", "timecode '1:00' is not HH:MM:SS:FF (two digits each, e.g. 01:00:00:00)."),
    ("001:00:00:00", "timecode '001:00:00:00' is not HH:MM:SS:FF (two digits each, e.g. 01:00:00:00)."),
    ("24:00:00:00", "timecode '24:00:00:00' is out of range: hours < 24, minutes and seconds < 60."),
    ("00:60:00:00", "timecode '00:60:00:00' is out of range: hours < 24, minutes and seconds < 60."),
    ("00:00:00:24", "timecode '00:00:00:24' is out of range: frames < 24 at 24 fps."),
    ("00:00:00;00", "timecode '00:00:00;00' is drop-frame (';') but 24 fps counts non-drop: "
                    "write HH:MM:SS:FF with colons."),
])
def test_parse_errors(text, message):
    with pytest.raises(PrevisError) as e:
        TimeBase(24).parse_timecode(text)
    assert e.value.problems == [message]


def test_two_digit_hours_only():
    assert split_timecode("09:59:59:23") == (9, 59, 59, 23, False)
    assert split_timecode("10:00:00;02") == (10, 0, 0, 2, True)
    with pytest.raises(PrevisError):
        split_timecode("9:59:59:23")
    assert TimeBase(25).parse_timecode("00:00:00:24") == 24


def test_level_settings_time_base():
    lv = pipeline.load("levels/corridor.tmx")
    tb = time_base_of(lv.settings)
    assert tb == TimeBase(24, lv.settings.start_tc) and lv.settings.frames == tb.frames_in(lv.settings.duration)


def test_beat_markers_sit_on_the_frames_the_simulation_fires_them():
    lv = pipeline.load("levels/corridor.tmx")
    motion = pipeline.replay(lv, None)
    plan = pipeline.plan(motion)
    tb = motion.time_base
    refs = [b for s in plan.shots for b in s.beats]
    assert len(refs) == len(lv.beats) == 29
    by_t = {(b.t, b.action): b for b in refs}
    # Henry's looks: the frame each look's regime starts in the simulation
    fired = {(round(b.t, 3), b.action): f0 for f0, b in _regimes(lv, motion.frames)}
    assert fired and all(by_t[k].frame == f for k, f in fired.items())
    # falls: the performer is down from the frame after [t, t + duration)
    falls = [b for b in lv.beats if b.downs_actor and b.actor != lv.henry.id]
    assert falls
    for b in falls:
        p = lv.performer_index(b.actor)
        first_down = int(np.argmax(motion.perf_down[:, p]))
        assert first_down == by_t[(round(b.t, 3), b.action)].end_frame == tb.frame_at(b.end)
    # the 5.8 s hit: floor(139.2) was the old marker; the simulation acts on frame 140
    assert by_t[(5.8, "hit")].frame == 140
    # OTIO markers carry the same frames
    tl = build_timeline(plan)
    base = plan.start_frame
    otio_frames = {(m.metadata["previs"]["t"], m.name): m.marked_range.start_time.value - base
                   for clip in tl.tracks[0] for m in clip.markers if m.metadata["previs"]["kind"] == "beat"}
    assert sorted(otio_frames.values()) == sorted(b.frame for b in refs)


def test_a_look_moves_the_head_first_on_its_marker_frame():
    lv = pipeline.load("levels/corridor.tmx")
    motion = pipeline.replay(lv, None)
    # an off-frame look (10.4 s = frame 249.6): the old floor() marker (249) is a frame early
    look = next(b for s in pipeline.plan(motion).shots for b in s.beats
                if b.action == "look" and b.by_henry and (b.t * 24) % 1)
    assert (look.t, look.frame) == (10.4, 250)
    others = tuple(b for b in lv.beats if not (b.t == look.t and b.action == "look"))
    without = pipeline.replay(replace(lv, beats=others), None)
    yaw, yaw0 = motion.track.yaw, without.track.yaw
    assert np.array_equal(yaw[: look.frame], yaw0[: look.frame])
    assert yaw[look.frame] != yaw0[look.frame]
