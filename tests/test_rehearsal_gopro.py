"""The GoPro MAX sample (tests/data/gopro): real walking, read through telemetry-parser."""

from pathlib import Path

import numpy as np
import pytest

from previs.cli import main

tp = pytest.importorskip("telemetry_parser", reason="needs the optional extra previs[rehearsal] (telemetry-parser)")

from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from previs.rehearsal import read_rehearsal  # noqa: E402
from previs.rehearsal.gopro import camera_orientation  # noqa: E402
from previs.rehearsal.imu_to_track import imu_to_track  # noqa: E402

SAMPLE = Path(__file__).parent / "data" / "gopro" / "max-heromode-gpmf.mp4"
VIDEO_SECONDS = 10.510  # the sample's video: 315 frames at 29.97 fps (tests/data/gopro/README.md)


def test_track_lasts_the_clip_and_heading_matches_the_cameras_own():
    log = read_rehearsal(SAMPLE)
    assert log.fmt == "GoPro MP4" and 197 < log.rate < 199  # GYRO ~198 Hz on the camera's clock
    track, facts = imu_to_track(log, 29.97)
    assert abs(track.duration - VIDEO_SECONDS) < 2 / 29.97
    # The camera's heading: CORI's twist about the vertical (GRAV's axes: raw IMU with y negated).
    t, q = camera_orientation(str(SAMPLE))
    acc0 = log.accel[:100].mean(axis=0) * np.array([1, -1, 1])
    up0 = acc0 / np.linalg.norm(acc0)
    twist = np.degrees(np.unwrap(2 * np.arctan2(q[:, 1:] @ up0, q[:, 0])))
    ours = np.interp(t, track.time, track.yaw)
    inside = (t >= 0) & (t <= track.time[-1])
    err = (ours - twist)[inside]
    err -= err[0]
    rms = float(np.sqrt(np.mean(err ** 2)))
    assert np.ptp(twist[inside]) > 15  # the walk turns: the comparison is not of two flat lines
    assert rms < 2.0, rms


def test_walking_clip_has_no_cut():
    track, facts = imu_to_track(read_rehearsal(SAMPLE), 30.0)
    plan = build_plan(track, settings=PlanSettings(), title="walk")
    assert 85 < facts.peak_yaw_rate < 100  # ordinary walking peaks near 91 deg/s about gravity
    assert plan.cuts == () and len(plan.shots) == 1


def test_cli_plans_the_sample(tmp_path, capsys):
    assert main(["plan", str(SAMPLE), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "GoPro MP4" in out and "turn cuts: 0" in out and "316 frames at 30 fps" in out


def _refusal(capsys, path) -> str:
    assert main(["plan", str(path), "-o", str(path.parent / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_truncated_mp4_is_refused(tmp_path, capsys):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(SAMPLE.read_bytes()[:30000])
    line = _refusal(capsys, cut)
    assert "cut.mp4: truncated" in line and "copy it from the card again" in line


def test_mp4_without_telemetry_is_refused(tmp_path, capsys):
    av = pytest.importorskip("av")
    path = tmp_path / "phone.mp4"
    with av.open(str(path), "w") as o:
        s = o.add_stream("mpeg4", rate=10)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for _ in range(5):
            for pkt in s.encode(av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")):
                o.mux(pkt)
        for pkt in s.encode():
            o.mux(pkt)
    line = _refusal(capsys, path)
    assert "phone.mp4: no camera telemetry found" in line
