"""Timecoded animatics (issue 16): the MP4 carries a tmcd timecode track from the source
timecode of its first frame and the reel name the EDL and OTIO use; ``previs render
--start/--end`` renders a stretch with its own source timecode. Read back with PyAV.

Small levels written with ``tmxkit`` (a Henry on an open floor, the rate as Tiled text),
rendered a few frames at 64x36 in one process: each render is about a second.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from fractions import Fraction

import pytest

from previs.cli import main
from tmxkit import make_map

av = pytest.importorskip("av")

pytestmark = pytest.mark.slow


def level(tmp_path, fps, start_tc, duration, name="Take 2b.tmx"):
    return make_map(tmp_path, props={"fps": fps, "start_tc": start_tc, "duration": duration}, name=name)


def render(lv, out, *extra):
    return main(["render", str(lv), "-o", str(out), "--size", "64x36", "--workers", "1", "-q", *extra])


def timecode_facts(path):
    """(video stream's timecode tag, tmcd stream's tag, the tmcd sample's frame count,
    reel_name, average rate, time base, frames decoded)."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        data = [s for s in c.streams if s.type == "data"]
        assert len(data) == 1
        d = data[0]
        samples = [bytes(p) for p in c.demux(d) if p.size]
        assert len(samples) == 1 and len(samples[0]) == 4  # one big-endian uint32: the frame count
        count = struct.unpack(">I", samples[0])[0]
        facts = (v.metadata.get("timecode"), d.metadata.get("timecode"), count, c.metadata.get("reel_name"),
                 v.average_rate, v.time_base)
    with av.open(str(path)) as c:
        n = sum(1 for _ in c.decode(video=0))
    return facts + (n,)


def test_2398_stretch_from_frame_1000_starts_at_01_00_41_16(tmp_path):
    lv = level(tmp_path, "23.976", "01:00:00:00", 42.5)
    out = tmp_path / "a.mp4"
    assert render(lv, out, "--start", "01:00:41:16", "--end", "01:00:41:19") == 0
    tc, tmcd, count, reel, rate, tb, n = timecode_facts(out)
    assert (tc, tmcd) == ("01:00:41:16", "01:00:41:16")
    assert count == (3600 + 41) * 24 + 16 == 87400  # frames since 00:00:00:00, counted at 24
    assert reel == "TAKE2B"  # "Take 2b.tmx": letters and digits, upper case, 8 at most
    assert rate == Fraction(24000, 1001) and tb == Fraction(1, 24000) and n == 3
    # The same stretch in seconds: frame 1000 is sampled at 1000 * 1001 / 24000 = 41.7083 s.
    out2 = tmp_path / "b.mp4"
    assert render(lv, out2, "--start", "41.7084", "--end", "41.8") == 0
    assert timecode_facts(out2)[:3] == ("01:00:41:16", "01:00:41:16", 87400)


def test_whole_animatic_timecode_track_starts_at_start_tc(tmp_path):
    lv = level(tmp_path, 25, "10:00:00:00", 0.2, name="corridor.tmx")
    out = tmp_path / "whole.mp4"
    assert render(lv, out) == 0
    tc, tmcd, count, reel, rate, tb, n = timecode_facts(out)
    assert (tc, tmcd, count, reel, rate, n) == ("10:00:00:00", "10:00:00:00", 36000 * 25, "CORRIDOR", 25, 5)


def test_2997_drop_frame_stretch_carries_drop_frame_timecode(tmp_path):
    lv = level(tmp_path, "30000/1001", "00:00:00;00", 61.0)
    out = tmp_path / "df.mp4"
    assert render(lv, out, "--start", "00:01:00;02", "--end", "00:01:00;04") == 0
    tc, tmcd, count, reel, rate, tb, n = timecode_facts(out)
    # ';' in the tag: FFmpeg read the tmcd track's drop-frame flag back; frame 1800 is 00:01:00;02.
    assert (tc, tmcd, count, rate, n) == ("00:01:00;02", "00:01:00;02", 1800, Fraction(30000, 1001), 2)


def test_a_stretch_outside_the_fight_is_refused(tmp_path, capsys):
    lv = level(tmp_path, "23.976", "01:00:00:00", 2.0)
    out = tmp_path / "x.mp4"
    assert render(lv, out, "--start", "01:00:05:00") == 1
    err = capsys.readouterr().err
    assert ("--start 01:00:05:00: frame 120 is outside the fight; the fight runs from 0 to 2.002 s, timecode "
            "01:00:00:00 to 01:00:01:23 (frames 0-47; --end may be 01:00:02:00, its out point)") in err
    assert render(lv, out, "--start", "1", "--end", "3") == 1
    assert "--end 3: frame 72 is past the fight's end" in capsys.readouterr().err
    assert render(lv, out, "--start", "01:00:01:00", "--end", "01:00:01:00") == 1
    assert ("--end 01:00:01:00 is not after --start 01:00:01:00 (frames 24 to 24): nothing to render"
            in capsys.readouterr().err)
    assert render(lv, out, "--start", "1.5", "--end", "0.5") == 1
    assert "--end 0.5 is not after --start 1.5 (frames 35 to 12)" in capsys.readouterr().err
    assert render(lv, out, "--start", "00:00:01;00") == 1
    assert "--start 00:00:01;00: timecode '00:00:01;00' is drop-frame (';') but 23.976 fps counts non-drop" in \
        capsys.readouterr().err
    assert not out.exists()


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (Debian's ffmpeg) is not installed")
def test_ffprobe_reads_the_same_timecode_track(tmp_path):
    """An independent reader: the system's FFmpeg, not PyAV's bundled one."""
    lv = level(tmp_path, "29.97", "00:00:00;00", 61.0, name="ntsc.tmx")
    out = tmp_path / "df.mp4"
    assert render(lv, out, "--start", "00:01:00;02", "--end", "00:01:00;04") == 0
    text = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                           "stream=codec_tag_string,r_frame_rate,time_base:stream_tags=timecode:format_tags=reel_name",
                           "-of", "compact", str(out)], capture_output=True, text=True, check=True).stdout
    assert text.splitlines() == [
        "stream|codec_tag_string=avc1|r_frame_rate=30000/1001|time_base=1/30000|tag:timecode=00:01:00;02",
        "stream|codec_tag_string=tmcd|r_frame_rate=0/0|time_base=1/30000|tag:timecode=00:01:00;02",
        "format|tag:reel_name=NTSC",
    ]


def test_still_and_walk_times_use_the_exact_rate(tmp_path, capsys):
    """``previs still --time`` (and ``walk --start``, the same TimeBase.frame_containing)
    at 23.976: frame 1000 is sampled at 1000 x 1001 / 24000 = 41.708333 s, so 41.7084 s
    shows frame 1000 and 41.7083 s still frame 999 (a rate of 23.976 exactly would put
    frame 1000 at 41.708375 s and show 999 at 41.7084)."""
    lv = level(tmp_path, "24000/1001", "01:00:00:00", 42.5)
    assert main(["still", str(lv), "--time", "41.7084", "-o", str(tmp_path / "a.png"), "--size", "64x36"]) == 0
    assert "frame 1000, 01:00:41:16)" in capsys.readouterr().out
    assert main(["still", str(lv), "--time", "41.7083", "-o", str(tmp_path / "b.png"), "--size", "64x36"]) == 0
    assert "frame 999, 01:00:41:15)" in capsys.readouterr().out
    from previs.level.loader import load_level
    from previs.timebase import time_base_of

    assert time_base_of(load_level(lv).settings).frame_containing(41.7084) == 1000  # walk --start's rule
