"""``previs plan REHEARSAL --against PLAN``: offset, tempo map, matched/missed/extra cuts."""

import json

import numpy as np
import pytest

from previs.cli import main
from previs.rehearsal.dtw import banded_dtw
from rehearsalkit import HeadTrack, imu_from_head, random_head, warp, write_gcsv, write_track_csv

FPS = 30.0
LATE = {4: 0.4, 11: 0.6, 20: -0.4}  # whip index -> seconds late (- early) on top of the tempo


@pytest.fixture(scope="module")
def aligned(tmp_path_factory):
    d = tmp_path_factory.mktemp("align")
    head = random_head(seed=3, n_whips=30)
    write_track_csv(head, d / "plan.csv", fps=FPS)
    # the same fight 1.7 s later, its tempo swinging +-8 % over the take, three beats off
    reh, when = warp(head, shift=1.7, drift=0.08, period=head.duration, late=LATE)
    log = imu_from_head(reh, seed=5)
    write_gcsv(log, d / "rehearsal.gcsv")
    out = d / "out"
    assert main(["plan", str(d / "rehearsal.gcsv"), "-o", str(out), "--against", str(d / "plan.csv")]) == 0
    doc = json.loads((out / "alignment.json").read_text())
    true_r = [log.clock * (float(when(p)) + LATE.get(i, 0.0)) for i, (p, _, _) in enumerate(head.whips)]
    return doc, true_r, head


def test_every_planned_cut_is_found_within_two_frames(aligned):
    doc, true_r, head = aligned
    assert doc["format"] == "previs-alignment/1" and len(doc["cuts"]) == 30 == len(true_r)
    for c, want in zip(doc["cuts"], true_r):
        assert c["rehearsal_time"] is not None
        assert abs(c["rehearsal_time"] - want) <= 2 / FPS, (c, want)
        assert c["difference"] == pytest.approx(c["rehearsal_time"] - c["time"] - doc["offset"], abs=1.5e-3)
    assert doc["extra_cuts"] == []


def test_late_and_early_beats_are_reported_by_the_right_amount(aligned):
    doc, _, _ = aligned
    for i, c in enumerate(doc["cuts"]):
        if i in LATE:
            assert c["status"] == ("late" if LATE[i] > 0 else "early")
            assert abs(c["late_by"] - LATE[i]) <= 2 / FPS, (i, c)
        else:
            assert c["status"] == "on time" and abs(c["late_by"]) <= doc["tolerance"], (i, c)


def test_offset_and_tempo_map_follow_the_shift(aligned):
    doc, true_r, head = aligned
    tm = np.array(doc["tempo_map"])
    assert np.all(np.diff(tm[:, 1]) >= 0) and tm[0, 0] == 0.0
    # the tempo map predicts every cut to within the match window
    pred = np.interp([c["time"] for c in doc["cuts"]], tm[:, 0], tm[:, 1])
    assert np.max(np.abs(pred - np.array(true_r))) < 0.6
    # the global offset is a lag the rehearsal really runs at somewhere: the 1.7 s shift plus
    # what the +-8 % tempo (and the sensor clock's 0.7 %) add up to along the take
    lags = np.array(true_r) - np.array([c["time"] for c in doc["cuts"]])
    assert lags.min() >= 1.7 - 0.1 and lags.min() - 0.1 <= doc["offset"] <= lags.max() + 0.1


def test_missed_and_extra_cuts(tmp_path, capsys):
    head = random_head(seed=11, n_whips=12)
    write_track_csv(head, tmp_path / "plan.csv", fps=FPS)
    whips = list(head.whips)
    dropped = whips.pop(5)
    extra_t = (whips[7][0] + whips[8][0]) / 2
    whips.insert(8, (extra_t, 110.0, 0.3))
    reh = HeadTrack(duration=head.duration, whips=whips, pans=head.pans)
    write_track_csv(reh, tmp_path / "reh.csv", fps=FPS)
    out = tmp_path / "out"
    assert main(["plan", str(tmp_path / "reh.csv"), "-o", str(out), "--against", str(tmp_path / "plan.csv")]) == 0
    doc = json.loads((out / "alignment.json").read_text())
    missed = [c for c in doc["cuts"] if c["status"] == "missed"]
    assert [c["index"] for c in missed] == [6] and missed[0]["rehearsal_time"] is None
    assert abs(missed[0]["time"] - dropped[0]) < 2 / FPS
    assert len(doc["extra_cuts"]) == 1 and abs(doc["extra_cuts"][0]["time"] - extra_t) < 2 / FPS
    assert doc["offset"] == 0.0
    text = capsys.readouterr().out
    assert "11 of 12 planned cuts matched, 1 missed, 1 extra" in text and "cut 6 at" in text


def test_alignment_png_overlays_both_curves_and_goes_without_against(aligned, tmp_path, capsys):
    from PIL import Image

    head = random_head(seed=2, n_whips=5)
    write_track_csv(head, tmp_path / "t.csv", fps=FPS)
    out = tmp_path / "out"
    assert main(["plan", str(tmp_path / "t.csv"), "-o", str(out), "--against", str(tmp_path / "t.csv")]) == 0
    with Image.open(out / "alignment.png") as im:
        assert im.format == "PNG" and im.size == (1560, 468)
        px = np.asarray(im.convert("RGB")).reshape(-1, 3)
    colours = {tuple(c) for c in px}
    assert (0x6a, 0x1b, 0x9a) in colours and (0x15, 0x65, 0xc0) in colours  # rehearsal and plan lines
    doc = json.loads((out / "alignment.json").read_text())
    assert all(c["status"] == "on time" and c["difference"] == 0.0 for c in doc["cuts"]) and doc["offset"] == 0.0
    assert main(["plan", str(tmp_path / "t.csv"), "-o", str(out)]) == 0
    assert not (out / "alignment.json").exists() and not (out / "alignment.png").exists()


def test_banded_dtw_recovers_a_known_warp():
    rng = np.random.default_rng(0)
    a = np.convolve(rng.normal(size=400), np.ones(5) / 5, mode="same")
    j = np.round(25 + np.arange(400) * 1.06 + 6 * np.sin(np.arange(400) / 40)).astype(int)  # warp of a into b
    b = np.zeros(j[-1] + 40)
    b[j] = a
    b = np.interp(np.arange(len(b)), j, a)
    path = banded_dtw(a, b, j0=25, width=30, slope=1.06)
    assert np.all(np.diff(path) >= 0) and np.median(np.abs(path - j)) <= 1


@pytest.mark.slow
def test_against_a_level(tmp_path):
    """A rehearsal of a bundled level's own planned track, performed 1.7 s late with its
    tempo swinging +-8 %: aligned within 2 frames at every planned cut."""
    from previs import pipeline
    from rehearsalkit import SampledHead, tempo

    level = "levels/finale.tmx"
    plan = pipeline.plan(pipeline.replay(pipeline.load(level)))
    tr = plan.track
    assert len(plan.cuts) >= 5
    when = tempo(1.7, 0.08, tr.duration)
    head = SampledHead(tr.yaw, tr.pitch, tr.roll, tr.fps, when)
    log = imu_from_head(head, seed=9, clock_error=0.0)
    write_gcsv(log, tmp_path / "rehearsal.gcsv")
    out = tmp_path / "out"
    assert main(["plan", str(tmp_path / "rehearsal.gcsv"), "-o", str(out), "--fps", str(tr.fps),
                 "--against", level]) == 0
    doc = json.loads((out / "alignment.json").read_text())
    assert doc["plan"] == plan.title and len(doc["cuts"]) == len(plan.cuts)
    for c in doc["cuts"]:
        want = float(when(c["time"])) - log.t[0]
        assert c["rehearsal_time"] is not None and abs(c["rehearsal_time"] - want) <= 2 / tr.fps, (c, want)
        assert c["status"] == "on time", c
    # the level's beats, timed in the rehearsal from the cuts around them
    beats = [b for s in plan.shots for b in s.beats]
    assert len(doc["beats"]) == len(beats) > 0
    for b, got in zip(beats, doc["beats"]):
        assert got["t"] == b.t and got["beat"] == b.label
        assert abs(got["rehearsal_time"] - (float(when(b.t)) - log.t[0])) < 0.15, (got, b.t)


@pytest.mark.slow
def test_against_a_take(tmp_path, capsys):
    """``--against LEVEL --against-take TAKE``: the plan is the level as walked; its own
    track as the rehearsal lines up exactly (offset 0, every cut on time)."""
    from pathlib import Path

    from previs.level.loader import load_level
    from previs.sim.take import TickCmd, write_take

    level = Path("levels/corridor.tmx")
    take = tmp_path / "walk.take"
    whip = [TickCmd(turn=1800)] * 5 + [TickCmd()] * 40 + [TickCmd(turn=-1800)] * 5 + [TickCmd()] * 40  # 90° in 5 ticks
    write_take(take, load_level(level), [TickCmd()] * 24 + whip * 3)
    walked = tmp_path / "walked"
    assert main(["replay", str(level), "--take", str(take), "-o", str(walked), "--no-report"]) == 0
    out = tmp_path / "out"
    assert main(["plan", str(walked / "track.csv"), "-o", str(out), "--against", str(level),
                 "--against-take", str(take)]) == 0
    doc = json.loads((out / "alignment.json").read_text())
    assert len(doc["cuts"]) == 6 and doc["offset"] == 0.0
    assert all(c["status"] == "on time" and c["difference"] == 0.0 for c in doc["cuts"])
    capsys.readouterr()
    assert main(["plan", str(walked / "track.csv"), "-o", str(out), "--against", str(walked / "track.csv"),
                 "--against-take", str(take)]) == 1
    assert "a take is walked on a level" in capsys.readouterr().err
