"""Takes: per-tick commands in, the same walked track out, every time."""

import dataclasses
import math

import numpy as np
import pytest

from previs.errors import TakeError
from previs.plan.orientation import rotation_matrices
from previs.level.revision import replay_revision
from previs.sim.take import departure, read_take, replay_take, write_take
from previs.sim.track import CameraTrack
from previs.sim.walker import RUN, TickCmd, start_state, step, walk_states

from levelkit import henry, level, path, performer, walls


def corridor():
    # A 20 x 20 m room with a wall row at z in [5, 6) except a door at x in [9, 11).
    cells = [(5, c) for c in range(20) if c not in (9, 10)]
    return level(henry(position=(10.0, 15.0), heading=0.0), performers=[performer(7, "Goon", (10, 2))],
                 walls_=walls(solid_cells=cells), duration=10)


def test_walking_forward_two_seconds_north():
    lv = corridor()
    st = walk_states(lv, [TickCmd(forward=127)] * 48)
    # 1.4 m/s for 2 s north (-z): from z = 15 to z = 12.2.
    assert st[-1, 0] == pytest.approx(10.0)
    assert st[-1, 1] == pytest.approx(15.0 - 2.8, abs=1e-9)


def test_turn_units_are_centidegrees_left_positive_and_strafe_right():
    lv = corridor()
    s = step(lv, start_state(lv), TickCmd(turn=9000))  # 90 deg left: now facing west
    assert s.yaw == 90.0
    s2 = step(lv, s, TickCmd(forward=127))
    assert s2.x == pytest.approx(10.0 - 1.4 / 24) and s2.z == pytest.approx(15.0)
    s3 = step(lv, start_state(lv), TickCmd(strafe=127, buttons=RUN))  # right of north = east
    assert s3.x == pytest.approx(10.0 + 3.5 / 24) and s3.z == pytest.approx(15.0)


def test_walls_stop_the_walker_and_he_slides():
    lv = corridor()
    # Walk north from x = 4: the wall's south face is z = 6, Henry's radius 0.3 -> stops at z >= 6.3.
    lv = dataclasses.replace(lv, henry=henry(position=(4.0, 8.0)))
    st = walk_states(lv, [TickCmd(forward=127)] * 96)
    assert st[-1, 1] >= 6.3 - 1e-9 and st[-1, 1] < 6.3 + 1.4 / 24
    # Diagonal into the wall (north-west) keeps sliding west.
    st2 = walk_states(lv, [TickCmd(turn=4500)] + [TickCmd(forward=127)] * 96)
    assert st2[-1, 0] < 2.0 and st2[-1, 1] >= 6.3 - 1e-9
    # Through the door he passes.
    lv3 = dataclasses.replace(lv, henry=henry(position=(10.0, 8.0)))
    st3 = walk_states(lv3, [TickCmd(forward=127)] * 96)
    assert st3[-1, 1] < 5.0


def _cmds(n=120):
    out = []
    for k in range(n):
        out.append(TickCmd(forward=127 if k < 60 else 40, strafe=-30 if k % 7 == 0 else 0,
                           turn=250 if 30 <= k < 50 else -120 if k > 90 else 0, look=-20 if k < 10 else 0,
                           buttons=RUN if 60 <= k < 80 else 0))
    return out


def test_take_file_replays_to_the_walked_track(tmp_path):
    lv = corridor()
    cmds = _cmds()
    f = tmp_path / "t.take"
    write_take(f, lv, cmds)
    take = read_take(f)
    assert take.cmds == tuple(cmds) and take.warnings == ()
    m = replay_take(lv, take)
    st = walk_states(lv, cmds)
    assert len(m.track) == len(cmds)
    # The lens on his head: neck 1.61 m over his feet, lens 0.01 m under and 0.16 m ahead of it.
    R = rotation_matrices(st[:, 2], st[:, 3], np.zeros(len(st)))
    neck = np.column_stack([st[:, 0], np.full(len(st), 1.61), st[:, 1]])
    assert np.allclose(m.track.pos, neck + R @ np.array([0.0, -0.01, -0.16]), atol=1e-12)
    assert np.array_equal(m.track.yaw, st[:, 2]) and np.array_equal(m.track.pitch, st[:, 3])
    assert m.perf_xz.shape == (len(cmds), 1, 2)
    again = replay_take(lv, read_take(f))
    assert again.track.to_csv_text() == m.track.to_csv_text()


def test_a_take_is_fsynced_once_per_second_of_fight_counted_in_ticks(tmp_path, monkeypatch):
    """No clock in sim/: at 24 fps ticks 24, 48 and 72 are fsynced, then close syncs the rest."""
    import os

    from previs.sim import take as take_mod

    synced = []
    monkeypatch.setattr(take_mod.os, "fsync", lambda fd: synced.append(w.ticks))
    lv = corridor()
    assert lv.settings.fps == 24
    with take_mod.TakeWriter(tmp_path / "t.take", lv) as w:
        for cmd in _cmds(80):
            w.write(cmd)
    assert synced == [23, 47, 71, 80]  # ticks already counted before each fsync
    assert os.path.getsize(tmp_path / "t.take") > 0


def test_take_cut_mid_line_replays_whole_ticks_with_warning(tmp_path):
    lv = corridor()
    f = tmp_path / "t.take"
    write_take(f, lv, _cmds(50))
    data = f.read_bytes()
    f.write_bytes(data[: data.rstrip(b"\n").rfind(b"\n") + 4])  # last line cut after 3 chars
    take = read_take(f)
    assert len(take.cmds) == 49
    assert "cut short" in take.warnings[0] and "49 whole ticks" in take.warnings[0]


def test_take_outlives_a_resave_and_warns_after_a_real_change(tmp_path):
    lv = corridor()
    f = tmp_path / "t.take"
    write_take(f, lv, _cmds(10))
    take = read_take(f)
    assert take.header["level_revision"] == replay_revision(lv)
    assert take.positions is not None and len(take.positions) == 10
    # Other bytes, same fight (a re-save): replays, no warning.
    resaved = dataclasses.replace(lv, content_hash="f" * 64)
    warnings = []
    replay_take(resaved, take, warn=warnings.append)
    assert warnings == []
    # A new title: the same replay revision.
    retitled = dataclasses.replace(resaved, settings=dataclasses.replace(lv.settings, title="Take two"))
    assert replay_revision(retitled) == replay_revision(lv)
    # A performer moved: a real change; replays with a warning, refused under strict.
    goon = dataclasses.replace(lv.performers[0], position=(12.0, 2.0))
    changed = dataclasses.replace(resaved, performers=(goon,))
    replay_take(changed, take, warn=warnings.append)
    (w,) = warnings
    assert w.startswith(f"{f}: recorded on an earlier version of {take.level} (revision {replay_revision(lv)}, "
                        f"now revision {replay_revision(changed)}); its ticks replay on the level as it is now: ")
    with pytest.raises(TakeError) as e:
        replay_take(changed, take, strict=True)
    assert "which --strict refuses" in str(e.value) and "Re-record" in str(e.value).replace("re-record", "Re-record")
    # A take of another level says so.
    other = dataclasses.replace(changed, source="/x/other.tmx")
    with pytest.raises(TakeError) as e:
        replay_take(other, take)
    assert f"a take of {take.level}, not of other.tmx" in str(e.value)


def test_departure_names_the_first_frame_off_by_more_than_2_mm(tmp_path):
    lv = corridor()
    f = tmp_path / "t.take"
    write_take(f, lv, _cmds(10))
    take = read_take(f)
    xz = np.asarray(take.positions, dtype=float) / 1000.0
    assert departure(take, xz, 24.0).startswith("Henry's walk matches the recorded one on every frame")
    xz[6, 1] += 0.0025
    assert departure(take, xz, 24.0).startswith("the run departs from the recorded one first at frame 6 (0.250 s)")
    old = dataclasses.replace(take, positions=None)
    assert "holds no recorded positions" in departure(old, xz, 24.0)


@pytest.mark.parametrize("body,msg", [
    ("", "empty"),
    ("hello\n", "line 1 is not a take header"),
    ('{"format": "other"}\n', "does not say format"),
    ('{"format": "previs-take/1", "level": "x", "level_hash": "0", "fps": 24}\n0 1 2\n', "expected 6 numbers"),
    ('{"format": "previs-take/1", "level": "x", "level_hash": "0", "fps": 24}\n0 1 2 3 4 x\n', "not six whole numbers"),
    ('{"format": "previs-take/1", "level": "x", "level_hash": "0", "fps": 24}\n1 0 0 0 0 0\n', "tick 1 where tick 0"),
    ('{"format": "previs-take/1", "level": "x", "level_hash": "0", "fps": 24}\n0 500 0 0 0 0\n', "forward = 500"),
    ('{"format": "previs-take/1", "level": "x", "level_hash": "0", "fps": 24}\n', "holds no ticks"),
])
def test_bad_takes_are_refused_with_line_numbers(tmp_path, body, msg):
    f = tmp_path / "bad.take"
    f.write_text(body)
    with pytest.raises(TakeError) as e:
        read_take(f)
    assert msg in str(e.value) and str(f) in str(e.value)


def test_track_csv_is_lossless_and_has_the_contract_header(tmp_path):
    rng = np.random.default_rng(7)
    n = 50
    tr = CameraTrack(fps=24.0, pos=rng.normal(size=(n, 3)) * 100, yaw=np.cumsum(rng.normal(size=n)) * 77,
                     pitch=rng.normal(size=n), roll=np.zeros(n), hfov=np.full(n, 90.0))
    text = tr.to_csv_text()
    assert text.splitlines()[0] == "frame,time,x,y,z,yaw,pitch,roll,hfov"
    assert text.splitlines()[2].startswith("1,0.041666666666666664,")
    f = tmp_path / "track.csv"
    f.write_text(text)
    back = CameraTrack.read_csv(f)
    assert back == tr and back.fps == 24.0
    assert back.to_csv_text() == text
    assert math.isclose(back.duration, n / 24)


def test_a_take_of_one_shot_records_henrys_feet_from_its_own_start(tmp_path):
    # A shot take walks from its header's start_state, not from Henry's mark on the map:
    # the recorded positions (what a changed level's departure is measured against) too.
    import levelkit
    from previs.sim.shot_take import shot_header
    from previs.sim.take import TakeWriter, read_take
    from previs.sim.walker import TickCmd, WalkState

    lv = levelkit.level(levelkit.henry((2.0, 2.0)), duration=2.0)
    start = WalkState(5.0, 3.0, 90.0, 0.0)
    p = tmp_path / "s.take"
    with TakeWriter(p, lv, shot_header(2, 10, start, 1)) as w:
        for _ in range(3):
            w.write(TickCmd())
    take = read_take(p)
    assert take.positions == ((5000, 3000),) * 3  # standing still where the shot starts
