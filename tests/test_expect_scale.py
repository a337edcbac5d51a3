"""``previs test`` is linear in the number of expectations (issue 21: 20 000 expected cuts
took 64 s, compared pairwise). Work is counted, not timed: the Python lines executed in
``previs/testing`` for a scaled pair of sizes must grow like the size, not its square."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.track import CameraTrack
from previs.testing.checks import Replay, check
from previs.testing.expect import overlapping_windows, parse_text

TESTING = str(Path(__file__).resolve().parent.parent / "previs" / "testing")


def whips(n: int, period: int = 12) -> CameraTrack:
    """A 24 fps track whose head whips 90° in 4 frames every ``period`` frames,
    alternately left and right: ``n`` turn cuts, at frames period * k + period // 2."""
    frames = (n + 1) * period
    yaw = np.zeros(frames)
    cur = 0.0
    for k in range(n):
        s = k * period + period // 2
        d = 90.0 if k % 2 == 0 else -90.0
        yaw[s:s + 4] = np.linspace(cur, cur + d, 5)[1:]
        cur += d
        yaw[s + 4:] = cur
    z = np.zeros(frames)
    return CameraTrack(fps=24.0, pos=np.tile([0.0, 1.7, 0.0], (frames, 1)), yaw=yaw, pitch=z, roll=z,
                       hfov=np.full(frames, 90.0))


def run(n: int, tmp_path: Path):
    """Parse an expectation file of ``n`` expected cuts (plus ``exact``) and check each
    against a replay with exactly those cuts; returns the failures."""
    track = whips(n)
    plan = build_plan(track, settings=PlanSettings(), title="whips")
    assert len(plan.cuts) == n
    text = "[cuts]\nexact = true\ntolerance = 0.1\n" + "".join(
        f"[[cut]]\ntime = {c.frame / 24:.6f}\n" for c in plan.cuts)
    ef = parse_text(text, tmp_path / "whips.expect.toml")
    r = Replay(level=None, motion=SimpleNamespace(track=track, source="take"), plan=plan,
               expect_path=tmp_path / "whips.expect.toml")
    return [f for e in ef.expectations for f in check(e, r)], len(ef.expectations)


def lines_executed(fn) -> int:
    """Python lines executed in previs/testing while ``fn`` runs."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(TESTING):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_work_grows_linearly_with_expected_cuts(tmp_path):
    small = lines_executed(lambda: run(500, tmp_path))
    large = lines_executed(lambda: run(2000, tmp_path))
    # 4x the expectations: linear work is ~4x (pairwise comparison was ~16x)
    assert 3.5 < large / small < 4.6, (small, large)


def test_twenty_thousand_expected_cuts_all_check(tmp_path):
    failures, count = run(20_000, tmp_path)
    assert count == 20_001 and failures == []


def test_a_missed_and_an_extra_cut_are_still_found(tmp_path):
    track = whips(50)
    plan = build_plan(track, settings=PlanSettings(), title="whips")
    times = [c.frame / 24 for c in plan.cuts]
    text = "[cuts]\nexact = true\n" + "".join(f"[[cut]]\ntime = {t:.6f}\n" for t in times[:-1])
    text += f"[[cut]]\ntime = {times[-1] + 0.25:.6f}\n"  # between the last cut and the end: no cut there
    ef = parse_text(text, tmp_path / "w.expect.toml")
    r = Replay(level=None, motion=SimpleNamespace(track=track, source="take"), plan=plan, expect_path=tmp_path)
    failed = {e.id: check(e, r) for e in ef.expectations}
    assert [k for k, v in failed.items() if v] == ["cut[50]", "cuts.exact"]
    assert failed["cut[50]"][0].actual == (f"no turn cut there; nearest cut: {times[-1]:.3f} s (frame {plan.cuts[-1].frame}, "
                                           f"{plan.cuts[-1].timecode}), {plan.cuts[-1].direction}, 90.0° at "
                                           f"{plan.cuts[-1].peak_speed:.1f} deg/s, 0.250 s early")
    assert failed["cuts.exact"][0].actual == "1 unexpected turn cut"


def test_overlapping_windows_in_one_sweep():
    assert overlapping_windows([(0, 1, 1), (2, 3, 2), (2.5, 4, 3)]) == {3: 2}
    assert overlapping_windows([(0, 10, 3), (1, 2, 1), (3, 4, 2)]) == {3: 1}
    assert overlapping_windows([(0, 1, 1), (1, 2, 2)]) == {2: 1}  # closed intervals touch
    assert overlapping_windows([(i, i + 0.5, i) for i in range(10_000)]) == {}
