"""The scripted simulation against answers worked out by hand."""

import math

import numpy as np
import pytest

from previs.level import route
from previs.sim.script import simulate

from levelkit import beat, henry, level, path, performer

FPS = 24


def frame(t):
    return int(round(t * FPS))


def test_straight_path_position_and_start_time():
    # 10 m east at 2 m/s from t = 1 s: x = 2 (t - 1) until t = 6, then stays at x = 10.
    lv = level(henry(path=path(5, (0, 10), (10, 10)), speed=2.0, start=1.0), duration=8)
    m = simulate(lv)
    x = m.henry_xz[:, 0]
    assert x[frame(0.5)] == pytest.approx(0.0, abs=1e-3)
    assert x[frame(3.0)] == pytest.approx(4.0, abs=1e-3)
    assert x[frame(5.5)] == pytest.approx(9.0, abs=1e-3)
    assert x[frame(7.0)] == pytest.approx(10.0, abs=1e-3)
    assert np.all(m.henry_xz[:, 1] == 10.0)
    # The lens on the mouth mount: 0.1 m under eye height, 0.16 m ahead of the neck over his feet.
    assert np.all(m.track.pos[:, 1] == pytest.approx(1.6))
    f = frame(3.0)  # walking east (yaw -90): the lens leads his feet by 0.16 m
    assert m.track.pos[f, 0] - x[f] == pytest.approx(0.16) and m.track.pos[f, 2] == pytest.approx(10.0)


def test_hold_at_vertex():
    # (0,0) -> (4,0) -> (4,4) at 2 m/s, holding 1.5 s at vertex 1: arrive t=2, leave t=3.5.
    p = path(5, (0, 0), (4, 0), (4, 4), holds=[(1, 1.5)])
    lv = level(henry(path=p, speed=2.0), duration=8)
    xz = simulate(lv).henry_xz
    assert xz[frame(1.0)] == pytest.approx([2.0, 0.0], abs=1e-3)
    assert xz[frame(2.5)] == pytest.approx([4.0, 0.0], abs=1e-3)
    assert xz[frame(3.4)] == pytest.approx([4.0, 0.0], abs=1e-3)
    assert xz[frame(4.5)] == pytest.approx([4.0, 2.0], abs=1e-3)
    assert xz[frame(7.0)] == pytest.approx([4.0, 4.0], abs=1e-3)


def test_loop_repeats_with_hold_at_vertex_zero_each_lap():
    # Square loop 4 m a side at 1 m/s, holding 2 s at vertex 0: a lap is 2 + 16 = 18 s.
    p = path(5, (2, 2), (6, 2), (6, 6), (2, 6), closed=True, holds=[(0, 2.0)])
    perf = performer(10, "Guard", (2, 2), path=p, speed=1.0)
    lv = level(henry(), performers=[perf], duration=40)
    xz = simulate(lv).perf_xz[:, 0]
    assert xz[frame(1.0)] == pytest.approx([2, 2], abs=1e-3)  # holding
    assert xz[frame(3.0)] == pytest.approx([3, 2], abs=1e-3)
    assert xz[frame(9.0)] == pytest.approx([6, 5], abs=1e-3)
    assert xz[frame(17.5)] == pytest.approx([2, 2.5], abs=1e-3)  # last side, going north
    assert xz[frame(18 + 3.0)] == pytest.approx([3, 2], abs=1e-3)  # second lap
    assert xz[frame(36 + 9.0 - 18)] == pytest.approx(xz[frame(9.0 + 18)], abs=1e-3)


def test_actor_without_path_stands_still():
    perf = performer(10, "Goon", (3.5, 4.25))
    m = simulate(level(henry(), performers=[perf], duration=3))
    assert np.all(m.perf_xz[:, 0] == [3.5, 4.25])


def test_faces_walking_direction_and_heading_before_start():
    # Heading 0 (north) while standing; walking east means yaw -90.
    lv = level(henry(path=path(5, (0, 10), (19, 10)), speed=1.0, start=2.0, heading=0.0), duration=10)
    yaw = simulate(lv).track.yaw
    assert yaw[frame(0.5)] == pytest.approx(0.0, abs=1e-9)
    assert yaw[frame(6.0)] == pytest.approx(-90.0, abs=1e-6)


def test_corner_turn_is_eased_below_cut_speed():
    # A 90 deg corner turns over max(0.5, 90/90) = 1 s: peak speed 1.5 * 90 = 135 deg/s < 150.
    p = path(5, (2, 10), (10, 10), (10, 2))
    lv = level(henry(path=p, speed=2.0, heading=-90.0), duration=10)
    yaw = simulate(lv).track.yaw
    assert yaw[frame(1.0)] == pytest.approx(-90.0, abs=1e-6)
    assert yaw[frame(8.0)] == pytest.approx(0.0, abs=1e-6)  # north after the corner
    speed = np.abs(np.diff(yaw)) * FPS
    assert speed.max() == pytest.approx(135.0, abs=3.0)


def test_look_turns_short_way_with_ease_then_tracks_moving_target():
    # Henry at (10,10) faces north (0). Goon walks east along z=14 (south of Henry).
    goon = performer(20, "Goon 1", (4, 14), path=path(6, (4, 14), (16, 14)), speed=1.0)
    b = beat(30, 2.0, 1, "look", target=20, duration=0.5)
    lv = level(henry(heading=0.0), performers=[goon], beats=[b], duration=10)
    m = simulate(lv)
    yaw, xz = m.track.yaw, m.perf_xz[:, 0]

    def target_yaw(f):
        d = xz[f] - np.array([10.0, 10.0])
        return math.degrees(math.atan2(-d[0], -d[1]))

    f0 = frame(2.0)
    assert yaw[f0 - 1] == pytest.approx(0.0)
    # Goon at x = 6 at t = 2: target yaw = atan2(4, -4) = 135 deg (south-west, to the left),
    # the short way from 0 is +135 (a left turn).
    # Mid-turn (t = 2.25): smoothstep(0.5) = 0.5 of the way to the target at that frame.
    fm = frame(2.25)
    assert yaw[fm] == pytest.approx(0.5 * target_yaw(fm), abs=0.1)
    # After the turn: tracks the moving target to 0.1 deg.
    for t in (2.5, 3.0, 5.0, 8.0):
        off = (yaw[frame(t)] - target_yaw(frame(t)) + 180) % 360 - 180
        assert off == pytest.approx(0.0, abs=0.1), t
    # The goon passes behind Henry's left (yaw 180) and on: yaw keeps rising past 180,
    # unwrapped, instead of jumping to -180.
    assert yaw[frame(8.0)] == pytest.approx(360 + target_yaw(frame(8.0)), abs=0.1)
    # Pitch aims at the chest: 0.75 * 1.8 = 1.35 m from eye 1.7 m.
    f = frame(5.0)
    dist = float(np.hypot(*(xz[f] - [10, 10])))
    assert m.track.pitch[f] == pytest.approx(math.degrees(math.atan2(1.35 - 1.7, dist)), abs=0.1)


def test_look_goes_the_short_way_across_180():
    # Facing 170 deg; a target at yaw -170 is 20 deg further left, not 340 deg right.
    a = math.radians(-170.0)
    tx, tz = 10 - 5 * math.sin(a), 10 - 5 * math.cos(a)
    goon = performer(20, "Goon", (tx, tz))
    lv = level(henry(heading=170.0), performers=[goon], beats=[beat(30, 1.0, 1, "look", 20, 0.5)],
               duration=4)
    yaw = simulate(lv).track.yaw
    assert yaw[frame(3.0)] == pytest.approx(190.0, abs=1e-6)  # unwrapped: never jumps by 360
    assert np.all(np.abs(np.diff(yaw)) < 30)


def test_two_looks_chain_continuously():
    g1 = performer(20, "Goon 1", (9, 5))  # north-north-west: yaw 11.3
    g2 = performer(21, "Goon 2", (5, 10))  # west: yaw 90
    g3 = performer(22, "Goon 3", (10, 15))  # south: yaw 180
    beats = [beat(30, 1.0, 1, "look", 21, 0.25), beat(31, 3.0, 1, "look", 22, 0.25),
             beat(32, 5.0, 1, "look", 20, 0.25)]
    lv = level(henry(heading=-80.0), performers=[g1, g2, g3], beats=beats, duration=7)
    yaw = simulate(lv).track.yaw
    assert yaw[frame(2.0)] == pytest.approx(90.0, abs=1e-6)  # -80 -> 90: +170, the short way
    assert yaw[frame(4.0)] == pytest.approx(180.0, abs=1e-6)
    g1_yaw = math.degrees(math.atan2(1, 5))
    assert yaw[frame(6.0)] == pytest.approx(g1_yaw, abs=1e-6)  # 180 -> 11.3: 168.7 to the right
    assert np.all(np.abs(np.diff(yaw)) * FPS < 1.5 * 180 / 0.25 + 1)


def test_fall_freezes_performer_and_marks_down():
    goon = performer(20, "Goon", (0, 5), path=path(6, (0, 5), (20, 5)), speed=2.0)
    lv = level(henry(), performers=[goon], beats=[beat(30, 3.0, 20, "fall", duration=0.5)], duration=8)
    m = simulate(lv)
    fd = int(math.ceil(3.5 * FPS))
    assert not m.perf_down[fd - 1, 0] and m.perf_down[fd, 0]
    assert np.all(m.perf_xz[fd:, 0] == m.perf_xz[fd, 0])
    assert m.perf_xz[fd, 0, 0] == pytest.approx(7.0, abs=1e-3)


def test_walk_end_time_counts_holds_and_start():
    p = path(5, (0, 0), (4, 0), (4, 4), holds=[(1, 1.5)])
    assert route.walk_end_time(henry(path=p, speed=2.0, start=1.0)) == pytest.approx(1 + 2 + 1.5 + 2)
    loop = path(6, (0, 0), (4, 0), (4, 4), closed=True)
    assert route.walk_end_time(henry(path=loop)) is None
    assert route.walk_end_time(henry()) is None


def test_walk_seconds_counts_every_hold_and_one_lap():
    # Open: 8 m at 2 m/s + 1.5 s at vertex 1 + 0.5 s at the last vertex (held, then done).
    p = path(5, (0, 0), (4, 0), (4, 4), holds=[(1, 1.5), (2, 0.5)])
    assert route.walk_seconds(henry(path=p, speed=2.0, start=1.0)) == pytest.approx(4 + 1.5 + 0.5)
    # Loop: 4 + 4 + sqrt(32) m at 1 m/s, plus the hold at vertex 0 once per lap.
    loop = path(6, (0, 0), (4, 0), (4, 4), closed=True, holds=[(0, 2.0)])
    assert route.walk_seconds(henry(path=loop, speed=1.0)) == pytest.approx(8 + math.sqrt(32) + 2.0)
    assert route.route_length(loop) == pytest.approx(8 + math.sqrt(32))
    assert route.walk_seconds(henry()) == 0.0


def test_same_level_gives_identical_bytes():
    goon = performer(20, "Goon", (4, 14), path=path(6, (4, 14), (16, 14), (16, 2), closed=True))
    lv = level(henry(path=path(5, (1, 1), (18, 18))), performers=[goon],
               beats=[beat(30, 2.0, 1, "look", 20, 0.3)], duration=30)
    assert simulate(lv).track.to_csv_text() == simulate(lv).track.to_csv_text()


def test_facing_a_chunk_of_frames_at_a_time_is_the_same_facing(monkeypatch):
    # The chase (walkers, looks, falls) faced 7 frames at a time (CHUNK_SLOTS 50 over its
    # performers) gives the very bytes of the whole-fight pass.
    from pathlib import Path

    from previs import pipeline
    from previs.sim import facing

    lv = pipeline.load(Path(__file__).resolve().parents[1] / "levels" / "chase.tmx")
    whole = pipeline.replay(lv).perf_facing
    assert len(lv.performers) * 7 <= 50 < len(lv.performers) * 8
    monkeypatch.setattr(facing, "CHUNK_SLOTS", 50)
    assert pipeline.replay(lv).perf_facing.tobytes() == whole.tobytes()


def test_a_walk_is_timed_once_and_shared_read_only():
    p = path(5, (0, 0), (3, 0), (3, 4))
    goon = performer(10, "Goon", (0, 0), path=p, speed=1.0)
    first = route.schedule(goon)
    assert route.schedule(goon) is first
    assert first.arrive.tolist() == [0.0, 3.0, 7.0]
    with pytest.raises(ValueError):
        first.arrive[0] = 1.0
