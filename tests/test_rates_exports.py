"""Production frame rates in every export (issue 16): 23.976 and 29.97 drop-frame plans,
read back with the real libraries (OTIO and its cmx_3600 adapter, pxr).

The plans are built from synthetic tracks (``plankit``) whose whip turns peak on chosen
frames, so the cuts and shots start exactly where the timecodes are asked for: frame 1000
at 23.976 from 01:00:00:00 is 01:00:41:16 (1000 frames counted at 24 from 01:00:00:00);
at 29.97 drop-frame frame 1800 is 00:01:00;02 and frame 17982 is 00:10:00;00.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pytest

from plankit import ease, make_track
from previs.export import edl, otio as otio_export, shotplan_json, track_csv, usd
from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.track import CameraTrack
from previs.timebase import TimeBase

otio = pytest.importorskip("opentimelineio")

FILM = Fraction(24000, 1001)
NTSC = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)
EVENT = re.compile(r"^(\d{3})\s+(\S+)\s+V\s+C\s+(\S+) (\S+) (\S+) (\S+)$", re.M)


def whips(frames: int, peaks, rate) -> CameraTrack:
    """A still camera with a 90-degree whip turn over 10 frames centred on each of
    ``peaks`` (alternating left and right): the turn-cut rule cuts on each peak frame."""
    f = np.arange(frames, dtype=float)
    yaw = sum(ease(f, p - 5, 10, 90.0 if i % 2 == 0 else -90.0) for i, p in enumerate(peaks))
    return make_track(np.asarray(yaw, float) + np.zeros(frames), fps=float(rate))


def plan_of(frames, peaks, rate, start_tc):
    plan = build_plan(whips(frames, peaks, rate), settings=PlanSettings(start_tc=start_tc), title="Rates")
    assert [c.frame for c in plan.cuts] == list(peaks)  # the shots start on the asked frames
    return plan


def edl_events(text):
    return EVENT.findall(text)


def edl_read_back(text, rate):
    """The EDL through OTIO's cmx_3600 adapter: (source in, record in) timecodes of each clip."""
    tl = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=float(rate))
    out = []
    for clip in tl.tracks[0].find_clips():
        out.append((otio.opentime.to_timecode(clip.source_range.start_time, float(rate)),
                    clip.metadata["cmx_3600"]["reel"]))
    return out


@pytest.fixture(scope="module")
def film():
    return plan_of(1100, [1000], FILM, "01:00:00:00")


@pytest.fixture(scope="module")
def ntsc_df():
    return plan_of(18100, [1800, 17982], NTSC, "00:00:00;00")


# -- 23.976 --------------------------------------------------------------------------------

def test_2398_frame_1000_is_01_00_41_16_in_the_edl(film):
    assert film.time_base.fps == FILM and film.timecode(1000) == "01:00:41:16"
    text = edl.to_text(film)
    assert text.splitlines()[1] == "FCM: NON-DROP FRAME"
    ev = edl_events(text)
    assert [e[2] for e in ev] == ["01:00:00:00", "01:00:41:16"]  # source in
    assert [e[4] for e in ev] == ["01:00:00:00", "01:00:41:16"]  # record in
    assert ev[-1][5] == film.timecode(1100) == "01:00:45:20"  # record out: the end, exclusive
    back = edl_read_back(text, FILM)
    assert back == [("01:00:00:00", "PREVIS"), ("01:00:41:16", "PREVIS")]  # no level: the default reel


def test_2398_frame_1000_in_the_otio_read_back(film):
    tl = otio.adapters.read_from_string(otio_export.to_text(film), adapter_name="otio_json")
    clips = list(tl.tracks[0].find_clips())
    start = clips[1].source_range.start_time
    assert start.rate == float(FILM) and abs(start.rate - 24000 / 1001) == 0.0
    assert otio.opentime.to_timecode(start) == "01:00:41:16" and start.value == 86400 + 1000
    assert otio.opentime.to_timecode(tl.global_start_time) == "01:00:00:00"
    meta = tl.metadata["previs"]
    assert (meta["rate"], meta["drop_frame"], meta["reel"]) == ("24000/1001", False, "PREVIS")
    cut = [m for m in clips[1].markers if m.metadata["previs"]["kind"] == "cut"][0]
    assert otio.opentime.to_timecode(cut.marked_range.start_time) == "01:00:41:16"


def test_2398_shotplan_json_usd_and_track_csv_carry_the_exact_rate(film, tmp_path):
    doc = json.loads(shotplan_json.to_text(film))
    assert (doc["rate"], doc["drop_frame"], doc["fps"]) == ("24000/1001", False, 24000 / 1001)
    assert [s["start_tc"] for s in doc["shots"]] == ["01:00:00:00", "01:00:41:16"]
    assert doc["cuts"][0]["timecode"] == "01:00:41:16"

    from pxr import Usd

    p = tmp_path / "camera.usda"
    usd.write(film, p)
    stage = Usd.Stage.Open(str(p))
    assert stage.GetTimeCodesPerSecond() == stage.GetFramesPerSecond() == 24000 / 1001
    assert Fraction(stage.GetTimeCodesPerSecond()).limit_denominator(1001) == FILM

    text = track_csv.to_text(film)
    assert "# rate: 24000/1001 fps (23.976); frame f is sampled at time = f / rate seconds" in text
    assert "# timecode: frame 0 = 01:00:00:00 (non-drop, counted at 24); reel PREVIS" in text
    p = tmp_path / "track.csv"
    p.write_text(text)
    back = CameraTrack.read_csv(p)
    assert back == film.track and TimeBase(back.fps).fps == FILM
    rows = [ln.split(",") for ln in text.splitlines() if not ln.startswith("#")]
    assert rows[0][-1] == "focal_mm" and float(rows[1 + 1000][1]) == 1000 * 1001 / 24000  # 41.708333 s
    assert float(rows[1][-1]) == pytest.approx(18.0)  # 90 degrees on a 36 mm back


def test_track_csv_header_is_skipped_by_numpy_and_pandas(film, tmp_path):
    p = tmp_path / "track.csv"
    p.write_text(track_csv.to_text(film))
    n_comments = sum(1 for ln in p.read_text().splitlines() if ln.startswith("#"))
    data = np.loadtxt(p, delimiter=",", comments="#", skiprows=n_comments + 1)
    assert data.shape == (1100, 10) and data[1000, 1] == 1000 * 1001 / 24000
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(p, comment="#")
    assert list(df.columns)[-1] == "focal_mm" and len(df) == 1100


def test_a_track_without_the_header_still_reads_its_rate_from_times(film, tmp_path):
    p = tmp_path / "old.csv"
    p.write_text(film.track.to_csv_text())  # the old shape: no comment lines, no focal_mm
    assert TimeBase(CameraTrack.read_csv(p).fps).fps == FILM


# -- 29.97 drop-frame ----------------------------------------------------------------------

def test_2997_drop_frame_labels_in_the_edl(ntsc_df):
    assert ntsc_df.time_base.drop_frame
    text = edl.to_text(ntsc_df)
    assert text.splitlines()[1] == "FCM: DROP FRAME"
    ev = edl_events(text)
    assert [e[4] for e in ev] == ["00:00:00;00", "00:01:00;02", "00:10:00;00"]
    assert [e[2] for e in ev] == ["00:00:00;00", "00:01:00;02", "00:10:00;00"]
    back = edl_read_back(text, NTSC)
    assert [tc for tc, _ in back] == ["00:00:00;00", "00:01:00;02", "00:10:00;00"]


def test_2997_drop_frame_labels_in_the_otio_and_shotplan(ntsc_df):
    tl = otio.adapters.read_from_string(otio_export.to_text(ntsc_df), adapter_name="otio_json")
    clips = list(tl.tracks[0].find_clips())
    starts = [c.source_range.start_time for c in clips]
    assert [s.value for s in starts] == [0, 1800, 17982]
    assert [otio.opentime.to_timecode(s) for s in starts] == ["00:00:00;00", "00:01:00;02", "00:10:00;00"]
    assert tl.metadata["previs"]["drop_frame"] is True and tl.metadata["previs"]["rate"] == "30000/1001"
    doc = json.loads(shotplan_json.to_text(ntsc_df))
    assert [s["start_tc"] for s in doc["shots"]] == ["00:00:00;00", "00:01:00;02", "00:10:00;00"]
    assert doc["drop_frame"] is True and doc["settings"]["start_tc"] == "00:00:00;00"


def test_2997_non_drop_counts_every_label():
    plan = plan_of(1900, [1800], NTSC, "00:00:00:00")
    text = edl.to_text(plan)
    assert text.splitlines()[1] == "FCM: NON-DROP FRAME"
    assert [e[4] for e in edl_events(text)] == ["00:00:00:00", "00:01:00:00"]
    assert json.loads(shotplan_json.to_text(plan))["drop_frame"] is False


def test_5994_drop_frame_in_the_edl():
    plan = plan_of(3700, [3600], NTSC60, "00:00:00;00")
    text = edl.to_text(plan)
    assert text.splitlines()[1] == "FCM: DROP FRAME"
    assert [e[4] for e in edl_events(text)] == ["00:00:00;00", "00:01:00;04"]
    assert [tc for tc, _ in edl_read_back(text, NTSC60)] == ["00:00:00;00", "00:01:00;04"]


def test_drop_frame_only_at_2997_and_5994():
    from previs.errors import PrevisError

    with pytest.raises(PrevisError, match="drop-frame timecode exists only at 30000/1001"):
        build_plan(whips(48, [], 24), settings=PlanSettings(start_tc="01:00:00;00"))


def test_a_track_csv_with_its_header_serves_as_a_golden_track(film, tmp_path):
    """Golden tracks (previs/testing/golden.py) read either shape: the plain one the bundled
    goldens have and the commented one replay writes now."""
    from previs.testing.golden import golden_diff, read_golden

    for name, text in (("new.csv", track_csv.to_text(film)), ("old.csv", film.track.to_csv_text())):
        p = tmp_path / name
        p.write_text(text)
        assert golden_diff(film.track, read_golden(p), 1e-9, 1e-9) is None


def test_a_take_at_23976_keeps_its_exact_rate(tmp_path):
    """A take's header says the level's rate: a number for whole rates (as before), exact
    text for NTSC ones; replaying checks it against the level's exact rate."""
    from levelkit import henry, level
    from previs.errors import TakeError
    from previs.sim.take import check_take, read_take, replay_take, write_take
    from previs.sim.walker import TickCmd

    lv = level(henry(), fps=FILM, duration=2.0)
    p = tmp_path / "a.take"
    write_take(p, lv, [TickCmd(forward=100)] * 30)
    assert json.loads(p.read_text().splitlines()[0])["fps"] == "24000/1001"
    take = read_take(p)
    check_take(take, lv)
    motion = replay_take(lv, take)
    assert motion.time_base.fps == FILM and TimeBase(motion.track.fps).fps == FILM
    with pytest.raises(TakeError, match="recorded at 23.976 fps but test.tmx runs at 24 fps"):
        check_take(take, level(henry(), fps=24, duration=2.0))
    p24 = tmp_path / "b.take"
    write_take(p24, level(henry(), fps=24, duration=2.0), [TickCmd()] * 3)
    assert json.loads(p24.read_text().splitlines()[0])["fps"] == 24


def test_previs_plan_of_a_track_csv_keeps_its_stated_rate_and_timecode(film, tmp_path):
    # previs plan reads tracks through the rehearsal reader (issue 18), which drops the
    # comment lines before parsing: the '# rate:' and '# timecode:' lines must still count.
    from previs.cli import main

    src = tmp_path / "film.csv"
    src.write_text(track_csv.to_text(film))
    assert main(["plan", str(src), "-o", str(tmp_path / "out")]) == 0
    doc = json.loads((tmp_path / "out" / "shotplan.json").read_text())
    assert (doc["rate"], doc["fps"]) == ("24000/1001", 24000 / 1001)
    assert [s["start_tc"] for s in doc["shots"]] == ["01:00:00:00", "01:00:41:16"]
