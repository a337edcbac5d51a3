"""Issue 20: a battle. The generated melee (tools/make_battle.py) keeps everyone within
10 m of Henry; the streamed clearance check finds exactly the encounters an all-pairs
reference finds, however the frames are cut into blocks; a replay whose crowd overlaps
past MAX_CLEARANCE_FINDINGS stops with one line instead of running the machine out of
memory; 1000 performers load, 1001 are refused before anything is simulated."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from previs.cli import main
from previs.level import limits as L
from previs.level.loader import load_level
from previs.plan import safety
from previs.sim.script import simulate

sys.path.insert(0, str(Path(__file__).parent))
from battlekit import battle, reference  # noqa: E402


@pytest.fixture(scope="module")
def melee(tmp_path_factory):
    path = battle(tmp_path_factory.mktemp("battle") / "melee.tmx", performers=40, layout="dense", seconds=12.0)
    level = load_level(path)
    return path, level, simulate(level)


def test_the_dense_battle_keeps_everyone_within_10_m_of_henry(melee):
    _, level, motion = melee
    assert len(level.performers) == 40
    d = np.linalg.norm(np.asarray(motion.perf_xz) - np.asarray(motion.henry_xz)[:, None, :], axis=2)
    # loops within 10 m of the centre, Henry on a 2 m square around it: at most 10 + 1.42 m apart
    assert d.max() <= 10.0 + 2 ** 0.5 + 1e-9
    assert d.max() > 7.0  # and it is a crowd, not a huddle


@pytest.mark.parametrize("slots", [100_000, 500, 41])
def test_streamed_clearance_equals_all_pairs_however_the_frames_are_cut(melee, monkeypatch, slots):
    _, level, motion = melee
    monkeypatch.setattr(safety, "CHUNK_SLOTS", slots)  # 41 slots: one frame a block
    names = safety.body_names(level)
    got = sorted((c.frame, c.who, c.distance) for c in safety.clearance_findings(level, motion, 0.5))
    want = sorted((f, tuple(sorted((names[a], names[b]))), g) for f, (a, b), g in reference(level, motion, 0.5))
    assert len(got) > 50
    assert got == want


def test_a_crowd_past_the_findings_limit_stops_with_one_line(melee, monkeypatch, capsys, tmp_path):
    path, level, motion = melee
    n = len(safety.clearance_findings(level, motion, 0.5))
    monkeypatch.setattr(safety, "MAX_CLEARANCE_FINDINGS", n - 1)
    rc = main(["replay", str(path), "-o", str(tmp_path / "out"), "--no-report"])
    err = capsys.readouterr().err
    errors = [line for line in err.strip().splitlines() if not line.startswith("previs replay: warning:")]
    assert rc == 1 and "Traceback" not in err and len(errors) == 1
    assert f"melee.tmx: the clearance check found more than {n - 1} encounters of two bodies closer than 0.5 m by" in err
    assert "the performers overlap everywhere; spread them out (each body is about 0.6 m across)" in err
    assert not (tmp_path / "out").exists()
    monkeypatch.setattr(safety, "MAX_CLEARANCE_FINDINGS", n)
    assert main(["replay", str(path), "-o", str(tmp_path / "out"), "--no-report"]) == 0


@pytest.mark.slow
def test_a_thousand_performers_load_and_one_more_is_refused_before_simulating(tmp_path, capsys):
    assert L.MAX_PERFORMERS == 1000
    ok = battle(tmp_path / "ok.tmx", performers=L.MAX_PERFORMERS, layout="spread", seconds=5.0)
    assert len(load_level(ok).performers) == 1000
    past = battle(tmp_path / "past.tmx", performers=L.MAX_PERFORMERS + 1, layout="spread", seconds=5.0)
    assert main(["replay", str(past), "-o", str(tmp_path / "out"), "--no-report"]) == 1
    err = capsys.readouterr().err
    assert f"has {L.MAX_PERFORMERS + 1} performers, more than the {L.MAX_PERFORMERS}" in err
    assert not (tmp_path / "out").exists()


def test_posing_the_melee_prints_no_numpy_warning(melee):
    # A step of duty 0 divided by zero in the gait (values never used) and numpy printed
    # "RuntimeWarning: divide by zero" under every report and animatic of a crowd.
    import warnings

    from previs.pose.evaluate import BodyPoses

    _, _, motion = melee
    poses = BodyPoses(motion)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in range(0, motion.frames, 7):
            poses.at(f)


@pytest.mark.parametrize("env, want", [({}, "False"), ({"NUMPY_MADVISE_HUGEPAGE": "1"}, "True")])
def test_previs_turns_off_numpys_huge_page_advice_unless_the_user_asked(env, want):
    # On transparent-huge-page "madvise" kernels the advice cost 3-5 s of system time in
    # the poses of a 1000-performer battle (previs/__init__.py); a user's setting wins.
    import os
    import subprocess

    code = "import previs, numpy; from numpy._core import multiarray as m; print(m._get_madvise_hugepage())"
    base = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    out = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True,
                         cwd=str(Path(__file__).resolve().parent.parent), timeout=60)
    assert out.stdout.strip() == want, out.stderr


@pytest.mark.parametrize("frames", [2, 3, 255, 256, 257, 600])
def test_ground_speed_in_blocks_is_the_whole_fight_gradient_bit_for_bit(frames, monkeypatch):
    from previs.sim import gait_rule

    monkeypatch.setattr(gait_rule, "SPEED_BLOCK", 256)
    xz = np.random.default_rng(frames).normal(size=(frames, 5, 2)) * 7.0
    want = np.linalg.norm(np.gradient(xz, axis=0), axis=-1) * 23.976
    assert gait_rule.ground_speed(xz, 23.976).tobytes() == want.tobytes()


def test_henry_is_guarded_against_the_same_threats_counted_pair_by_pair(melee):
    # The threat test now measures angles only for close pairs: the same frames as the
    # whole (frames x performers) rule.
    from previs.pose.schedule import HENRY_THREAT_ANGLE, HENRY_THREAT_DISTANCE
    from previs.pose.evaluate import BodyPoses
    from previs.sim.script import wrap180, yaw_towards

    _, _, motion = melee
    bp = BodyPoses(motion)
    xz, facing = bp.xz, bp.facing
    P = xz.shape[1] - 1
    down = np.zeros(xz.shape[:2], bool)
    down[:, :P] = np.asarray(motion.perf_down, bool)
    d = xz[:, :P] - xz[:, P:P + 1]
    to_perf = yaw_towards(xz[:, P:P + 1], xz[:, :P])
    want = ((np.hypot(d[..., 0], d[..., 1]) < HENRY_THREAT_DISTANCE)
            & (np.abs(wrap180(to_perf - facing[:, P:P + 1])) < HENRY_THREAT_ANGLE)
            & (np.abs(wrap180(to_perf + 180 - facing[:, :P])) < HENRY_THREAT_ANGLE) & ~down[:, :P]).any(axis=1)
    assert want.any() and not want.all()
    from previs.pose import schedule

    got = schedule._guard(motion.level, xz, np.zeros(xz.shape[:2]), facing, down, motion.track.time_base,
                          {})[:, P]
    raw = np.concatenate([np.zeros((len(want), P)), want[:, None].astype(float)], axis=1)
    smooth = schedule._smooth(raw, max(1, int(round(schedule.GUARD_SMOOTH * float(motion.track.fps)))))[:, P]
    assert got.tobytes() == smooth.tobytes()
