"""Performers in view: frustum (horizontal and vertical), walls, per-shot 25% rule."""

import math

import numpy as np
import pytest

from previs.plan.visibility import in_frustum, in_view_per_shot, occluded, visible_frames
from plankit import EYE, make_level, make_motion, make_track, walls_with

# Henry stands at (10, 10) looking north (yaw 0 = -Z); 5 m ahead is (10, 5).
HENRY = (10.0, 10.0, 10.0)


def still_track(n=24, yaw=0.0, pitch=0.0, hfov=90.0, at=(10.0, 10.0)):
    pos = np.array([at[0], EYE, at[1]])
    return make_track(np.full(n, yaw), pos=pos, pitch=pitch, hfov=hfov)


def vis(performers, walls=None, **track_kw):
    level = make_level(performers, walls=walls)
    motion = make_motion(level, still_track(**track_kw))
    return visible_frames(level, motion)


def test_straight_ahead_is_visible_behind_is_not():
    v = vis([("Ahead", (10.0, 5.0)), ("Behind", (10.0, 15.0)), ("Left", (5.0, 9.0)), ("Right edge out", (16.0, 4.5))])
    assert v[:, 0].all()
    assert not v[:, 1].any()
    assert not v[:, 2].any()  # 79 degrees to the left, outside a 90 degree hfov
    assert not v[:, 3].any()  # 47.5 degrees to the right


def test_turning_brings_a_performer_into_view():
    # yaw +90 looks west (-X): the performer at (5, 10) is straight ahead.
    assert vis([("West", (5.0, 10.0))], yaw=90.0).all()
    assert not vis([("West", (5.0, 10.0))], yaw=-90.0).any()


def test_wall_between_hides_a_performer():
    wall = walls_with([(7, 9), (7, 10)])  # z in [7, 8), x in [9, 11), 3 m tall
    assert not vis([("Hidden", (10.0, 5.0))], walls=wall).any()
    assert vis([("Beside", (13.5, 5.0))], walls=wall).all()  # sight line passes the wall's end
    assert not vis([("Corner", (12.0, 5.0))], walls=wall).any()  # crosses x = 10.8 at z = 8


def test_low_wall_does_not_block_but_hides_a_body_on_the_floor():
    low = walls_with([(7, 9), (7, 10), (7, 11)], height=1.0)  # a 1 m counter
    level = make_level([("Goon", (10.0, 5.0))], walls=low)
    motion = make_motion(level, still_track(n=4))
    assert visible_frames(level, motion).all()  # eye 1.7 m, chest 1.35 m: line stays above 1 m
    down = np.ones((4, 1), bool)
    motion_down = make_motion(level, still_track(n=4), down=down)
    assert not visible_frames(level, motion_down).any()  # lying at 0.2 m behind the counter
    # Without the counter a body on the floor 5 m ahead is in view (down performers count).
    open_level = make_level([("Goon", (10.0, 5.0))])
    assert visible_frames(open_level, make_motion(open_level, still_track(n=4), down=down)).all()


def test_vertical_frustum():
    # Looking 60 degrees up, the frame's lower edge is ~30 degrees above the horizon.
    assert not vis([("Ahead", (10.0, 5.0))], pitch=60.0).any()
    assert not vis([("Ahead", (10.0, 5.0))], pitch=-60.0).any()
    assert vis([("Ahead", (10.0, 5.0))], pitch=-10.0).all()


def test_head_counts_when_chest_is_hidden():
    # A 1.5 m wall right in front of the performer hides the chest line, not the head line.
    wall = walls_with([(5, 10)], height=1.5)
    level = make_level([("Tall", (10.5, 4.6))], walls=wall)
    motion = make_motion(level, still_track(n=2))
    assert visible_frames(level, motion).all()


def test_in_frustum_matches_angles():
    tr = still_track(n=1, hfov=60.0)
    angles = np.radians(np.array([-31.0, -29.0, 0.0, 29.0, 31.0]))
    pts = np.stack([10 - 10 * np.sin(angles), np.full(5, EYE), 10 - 10 * np.cos(angles)], axis=1)[None]
    assert in_frustum(tr, pts)[0].tolist() == [False, True, True, True, False]


def exact_blocked(walls, eye, target, y):
    """Reference: 3D slab test of the sight segment against every wall block."""
    p0 = np.array(eye, float)
    d = np.array([target[0] - eye[0], y - eye[1], target[1] - eye[2]])
    c = walls.cell
    for r, k in zip(*np.nonzero(walls.solid)):
        lo = np.array([k * c, -1e9, r * c])
        hi = np.array([(k + 1) * c, walls.height[r, k], (r + 1) * c])
        ta, tb, ok = 0.0, 1.0, True
        for a in range(3):
            if abs(d[a]) < 1e-15:
                ok &= lo[a] <= p0[a] <= hi[a]
                continue
            u1, u2 = (lo[a] - p0[a]) / d[a], (hi[a] - p0[a]) / d[a]
            ta, tb = max(ta, min(u1, u2)), min(tb, max(u1, u2))
        if ok and tb - ta > 1e-9:
            return True
    return False


def test_dda_matches_an_exact_reference():
    rng = np.random.default_rng(11)
    cells = [(r, k, rng.uniform(0.5, 3.0)) for r in range(10) for k in range(12) if rng.random() < 0.15]
    walls = walls_with(cells, rows=10, cols=12, cell=0.75)
    n = 400
    eye = np.c_[rng.uniform(-2, 11, n), rng.uniform(0.3, 2.5, n), rng.uniform(-2, 9, n)]
    tgt = np.c_[rng.uniform(-2, 11, n), rng.uniform(-2, 9, n)]
    ty = np.c_[rng.uniform(0, 3, n), rng.uniform(0, 3, n)]
    got = occluded(walls, eye, tgt, ty)
    for i in range(n):
        for k in range(2):
            assert got[i, k] == exact_blocked(walls, eye[i], tgt[i], ty[i, k]), (i, k)


def test_dda_axis_aligned_and_degenerate_rays():
    walls = walls_with([(5, 5)])
    eye = np.array([[5.5, 1.7, 8.0], [5.5, 1.7, 8.0], [2.0, 1.7, 5.5], [5.5, 1.7, 5.5]])
    tgt = np.array([[5.5, 2.0], [3.5, 2.0], [9.0, 5.5], [5.5, 5.5]])
    y = np.full((4, 1), 1.0)
    assert occluded(walls, eye, tgt, y)[:, 0].tolist() == [True, False, True, True]


def test_in_view_per_shot_quarter_rule():
    v = np.zeros((100, 3), bool)
    v[:25, 0] = True   # exactly a quarter of shot 1
    v[:24, 1] = True   # just under
    v[50:, 2] = True   # all of shot 2 only
    assert in_view_per_shot(v, [(0, 100)]) == [[0, 2]]
    assert in_view_per_shot(v, [(0, 50), (50, 100)]) == [[0, 1], [2]]


def test_moving_performer_vectorised_over_frames():
    n = 48
    level = make_level([("Walker", (0.0, 0.0))])
    # Walks from straight ahead (x = 10) to far right (x = 20) at 5 m depth.
    xs = np.linspace(10, 20, n)
    motion = make_motion(level, still_track(n=n), perf_xz=np.stack([xs, np.full(n, 5.0)], 1)[:, None, :])
    v = visible_frames(level, motion)[:, 0]
    bearing = np.degrees(np.arctan2(xs - 10, 5.0))
    np.testing.assert_array_equal(v, bearing <= 45.0 + 1e-9)
    assert math.isclose(v.mean(), (bearing <= 45).mean())


def test_fast_frustum_path_equals_the_general_one():
    from previs.plan.visibility import _in_frustum_xz

    rng = np.random.default_rng(2)
    n, p = 30, 7
    tr = make_track(rng.uniform(-180, 180, n), pos=np.c_[rng.uniform(0, 20, n), rng.uniform(1, 2, n), rng.uniform(0, 20, n)],
                    pitch=rng.uniform(-40, 40, n), roll=rng.uniform(-20, 20, n), hfov=rng.uniform(40, 110, n))
    xz = rng.uniform(0, 20, (n, p, 2))
    ys = rng.uniform(0, 2, (n, p, 2))
    pts = np.stack([np.broadcast_to(xz[..., None, 0], ys.shape), ys, np.broadcast_to(xz[..., None, 1], ys.shape)], axis=-1)
    from previs.plan.orientation import rotation_matrices

    R = rotation_matrices(tr.yaw, tr.pitch, tr.roll)
    np.testing.assert_array_equal(_in_frustum_xz(R, tr.pos, tr.hfov, xz, ys, 16 / 9), in_frustum(tr, pts))


def test_chunked_frames_give_the_same_answer(monkeypatch):
    from previs.plan import visibility
    from plankit import crowd

    level, motion = crowd(frames=300, performers=12, seed=4)
    whole = visible_frames(level, motion)
    monkeypatch.setattr(visibility, "CHUNK_POINTS", 12 * 7)  # 7 frames per chunk
    np.testing.assert_array_equal(visible_frames(level, motion), whole)
