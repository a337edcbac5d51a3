"""Synthetic rehearsals in every format previs reads (the GoPro MP4 one written as GPMF
payloads in an MP4): 55 whips among walking sway and bob, slow pans, gyro noise and bias,
a tilted mount and a sensor clock 0.7 % fast."""

import numpy as np
import pytest

from previs.cli import main
from previs.plan.shotplan import PlanSettings, build_plan
from previs.rehearsal import read_rehearsal
from previs.rehearsal.imu import ImuLog
from previs.rehearsal.imu_to_track import imu_to_track
from rehearsalkit import (imu_from_head, precision_recall, random_head, write_gcsv, write_gopro_mp4, write_phyphox,
                          write_phyphox_zip, write_sensor_logger, write_track_csv)

WRITERS = {
    "gcsv": lambda log, d: write_gcsv(log, d / "take.gcsv"),
    "sensor-logger-folder": lambda log, d: write_sensor_logger(log, d / "take"),
    "sensor-logger-zip": lambda log, d: write_sensor_logger(log, d / "take.zip", zipped=True),
    "phyphox-comma": lambda log, d: write_phyphox(log, d / "take.csv"),
    "phyphox-semicolon": lambda log, d: write_phyphox(log, d / "take.csv", "semicolon"),
    "phyphox-tab": lambda log, d: write_phyphox(log, d / "take.csv", "tab"),
    "phyphox-zip": lambda log, d: write_phyphox_zip(log, d / "take.zip"),
    "track-csv": lambda log, d: write_track_csv(log.truth, d / "track.csv", clock=log.clock),
    "gopro-mp4": lambda log, d: write_gopro_mp4(log, d / "GX010042.MP4"),
    "gopro-mp4-without-stmp": lambda log, d: write_gopro_mp4(log, d / "GOPR0042.MP4", stamps=False),
}


@pytest.fixture(scope="module")
def rehearsal():
    head = random_head(seed=7, n_whips=55)
    return imu_from_head(head, seed=7, clock_error=0.007)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_whip_cuts_and_nothing_else_does(fmt, rehearsal, tmp_path):
    if fmt.startswith("gopro"):
        pytest.importorskip("telemetry_parser", reason="needs the optional extra previs[rehearsal] (telemetry-parser)")
        pytest.importorskip("av")
    path = WRITERS[fmt](rehearsal, tmp_path)
    got = read_rehearsal(path)
    if isinstance(got, ImuLog):
        # the file's own clock (to the ms of the MP4 sample table without STMP)
        tol = 0.01 if fmt == "gopro-mp4-without-stmp" else 1e-3
        assert got.t[0] == 0.0 and abs(got.duration - rehearsal.t[-1] + rehearsal.t[0]) < tol
        track, facts = imu_to_track(got, 30.0)
        # the gyro bias is found in the still start (0.8, -0.6, 0.5 deg/s in device axes, +- noise)
        assert facts.still is not None and np.allclose(np.degrees(facts.bias), (0.8, -0.6, 0.5), atol=0.15)
    else:
        track = got
    plan = build_plan(track, settings=PlanSettings(), title=fmt)
    # the whips' peaks on the file's own clock, from its first sample
    truth = rehearsal.file_time(rehearsal.truth.cut_times) - rehearsal.t[0]
    found = np.array([c.time for c in plan.cuts])
    precision, recall = precision_recall(found, truth, tol=0.1)
    assert len(truth) == 55 and precision >= 0.95 and recall >= 0.95, (precision, recall, len(found))
    # and each cut turns the way its whip did (+ yaw = left)
    want = {round(t, 1): ("left" if a > 0 else "right") for t, (_, a, _) in zip(truth, rehearsal.truth.whips)}
    for c in plan.cuts:
        near = min(want, key=lambda t: abs(t - c.time))
        assert want[near] == c.direction


@pytest.mark.slow
def test_cli_reads_a_sensor_logger_zip(rehearsal, tmp_path, capsys):
    path = write_sensor_logger(rehearsal, tmp_path / "Rehearsal-2026.zip", zipped=True)
    assert main(["plan", str(path), "-o", str(tmp_path / "out"), "--fps", "25"]) == 0
    out = capsys.readouterr().out
    assert "Sensor Logger" in out and "at 25 fps" in out and "turn cuts: 55" in out
