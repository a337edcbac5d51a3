"""Issue 20: a crowd posed per view. BodyPoses.rows_at poses some bodies of one frame with the
same bytes as the whole block; the bounds before posing hold every vertex of every body;
CulledPoses keeps the bodies a known camera can see; the window draws the same pixels."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from levelkit import henry, level, performer
from previs.gl import body_cull, body_mesh
from previs.gl.body_cull import CulledPoses, boxes_in_view
from previs.level.loader import load_level
from previs.pose.evaluate import BodyPoses
from previs.pose.props import PROPS
from previs.sim.script import simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_battle import battle  # noqa: E402

SIZE = (320, 180)


@pytest.fixture(scope="module")
def melee(tmp_path_factory):
    path = battle(tmp_path_factory.mktemp("melee") / "melee.tmx", performers=60, layout="dense", seconds=8.0)
    motion = simulate(load_level(path))
    return motion, BodyPoses(motion)


@pytest.fixture(scope="module")
def finale():
    motion = simulate(load_level(ROOT / "levels" / "finale.tmx"))
    return motion, BodyPoses(motion)


def _strike_frames(bp, n):
    """Frames where some performer strikes someone (its IK reads the target's head)."""
    s = bp.sched
    f, a = np.nonzero((s.aim >= 0) & (s.clip >= 0))
    return sorted(set(f[:: max(1, len(f) // n)].tolist()))[:n]


@pytest.mark.slow
def test_rows_at_is_the_whole_blocks_bytes_for_strikers_props_and_henry(finale):
    motion, bp = finale
    whole = BodyPoses(motion)
    frames = _strike_frames(bp, 6) + [0, motion.frames // 2, motion.frames - 1]
    checked_strikers = 0
    for f in frames:
        s = bp.sched
        strikers = np.flatnonzero((s.aim[f] >= 0) & (s.clip[f] >= 0))
        # the strikers (Henry is always posed) without their targets, plus a few others
        rows = np.union1d(strikers[strikers < bp.P], [1, 7, 30])
        rows = rows[~np.isin(rows, s.aim[f][s.aim[f] >= 0])]
        posed = np.union1d(rows, [bp.P])
        checked_strikers += int(sum(a in posed and s.aim[f, a] not in posed for a in strikers))
        bp._cache.clear()
        sub = bp.rows_at(f, rows)
        full = whole.at(f)
        assert sub.rows.tolist() == np.union1d(rows, [bp.P]).tolist()
        assert np.array_equal(sub.world, full.world[sub.rows])  # bytes, not a tolerance
        held = [k for k, h in enumerate(bp.props.holders) if h[0] in set(sub.rows.tolist()) or f >= h[2]]
        assert sub.prop_names == tuple(full.prop_names[k] for k in held)
        assert np.array_equal(sub.prop_world, full.prop_world[held])
    assert checked_strikers >= 3


def _vertices(world: np.ndarray) -> np.ndarray:
    """(A, V, 3) world positions of every vertex of both meshes on posed bodies."""
    t = np.concatenate([body_mesh.body_template(), body_mesh.body_template_far()])
    bone = t[:, 7].astype(int)
    m = world[:, bone]  # (A, V, 4, 4)
    return np.einsum("avij,vj->avi", m[..., :3, :3], t[:, :3].astype(np.float64)) + m[..., :3, 3]


@pytest.mark.parametrize("which", ["melee", "finale"])
def test_the_renderers_sphere_about_each_posed_pelvis_holds_every_vertex_and_little_more(which, request):
    """BodyDrawer culls each body per view (per prism face) by a sphere about its pelvis
    joint made from its posed joints: every vertex of both meshes is inside it, standing,
    striking or down, and it is within 0.2 m of the farthest one (a sphere for any pose
    needs 2 m: a wide lens drew 57 bodies a frame of the finale, 48 with these)."""
    from previs.gl.body_draw import BodyDrawer

    motion, bp = request.getfixturevalue(which)
    slack = []
    for f in range(0, motion.frames, 13):
        world = bp.at(f).world
        far = np.linalg.norm(_vertices(world) - world[:, None, 0, :3, 3], axis=2).max(axis=1)
        r = BodyDrawer._bound_radius(world)[:, 0]
        assert (far <= r + 1e-9).all()
        slack.append(r - far)
    slack = np.concatenate(slack)
    assert slack.max() < 0.2 and np.median(slack) < 0.15  # measured: 0.16 and 0.13 (finale)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["melee", "finale"])
def test_the_bounds_before_posing_hold_every_vertex_of_every_body(which, request):
    motion, bp = request.getfixturevalue(which)
    worst = np.inf
    props_checked = 0
    for f in range(0, motion.frames, 11):
        _, slack, _ = bp.pelvis_bounds(f)
        boxes = CulledPoses(bp, f).boxes()
        fp = bp.at(f)
        v = _vertices(fp.world)[: bp.P]  # Henry's bound is infinite: he is always posed
        margin = np.minimum((v - boxes[: bp.P, None, 0]).min(axis=(1, 2)), (boxes[: bp.P, None, 1] - v).min(axis=(1, 2)))
        worst = min(worst, float(margin.min()))
        for k, (row, name, release, *_) in enumerate(bp.props.holders):  # held props: in their holder's box
            if row < bp.P and f < release:
                t = body_mesh.prop_mesh(PROPS[name])[:, :3].astype(np.float64)
                pv = t @ fp.prop_world[k, :3, :3].T + fp.prop_world[k, :3, 3]
                # a bat held low dips 0.22 m into the floor (finale, frame 132): the floor hides that
                pv[:, 1] = np.maximum(pv[:, 1], boxes[row, 0, 1] + body_cull.SINK)
                worst = min(worst, float(np.minimum(pv - boxes[row, 0], boxes[row, 1] - pv).min()))
                props_checked += 1
        assert np.isinf(slack[bp.P])
    assert worst >= 0.0
    assert props_checked > 0 if which == "finale" else props_checked == 0
    # and the bound is not vacuous: the boxes are a few metres, not the whole arena
    assert body_cull.REACH == pytest.approx(1.306, abs=0.01)


def test_culling_keeps_exactly_the_bodies_a_known_camera_can_see():
    """Henry at (10, 10) facing north (-Z) with a 90 degree lens; performers 4 m ahead, 6 m
    ahead and 2 m right, 3 m ahead and 2 m left (in view); 4 m behind him, 8 m to his left,
    8 m to his right and 1 m ahead (their bounds, 1.31 m either side, wholly outside)."""
    from previs.gl.renderer import _frustum_planes
    from previs.gl.view_camera import NEAR, Camera, view_projection

    spots = {2: (10.0, 6.0), 3: (12.0, 4.0), 4: (10.0, 14.0), 5: (2.0, 10.0), 6: (18.0, 9.0), 7: (8.0, 7.0)}
    lv = level(henry(position=(10.0, 10.0), heading=0.0),
               performers=[performer(i, f"G{i}", xz) for i, xz in spots.items()], duration=1.0)
    motion = simulate(lv)
    bp = BodyPoses(motion)
    fs = dataclasses.replace(motion.snapshot(0), hfov=90.0, pitch=0.0)
    cam = Camera.from_frame(fs)
    vp = view_projection(cam, 16 / 9, NEAR, 200.0)
    planes = _frustum_planes(vp)
    cp = CulledPoses(bp, 0)
    fp = cp.for_view(vp, planes, np.asarray(cam.eye), (1280, 720), NEAR)
    rows = [p.id for p in lv.performers]
    assert [rows[r] for r in fp.rows[:-1]] == [2, 3, 7]
    assert (cp.last.in_view, cp.last.posed) == (3, 4)
    assert fp.rows[-1] == bp.P  # Henry always
    # boxes_in_view itself: one box straddling the left plane is in, one wholly left is out
    inside = boxes_in_view(np.array([[[5.0, 0.0, 4.0], [7.0, 2.0, 6.0]], [[-2.0, 0.0, 9.0], [1.0, 2.0, 11.0]]]), planes)
    assert inside.tolist() == [True, False]


@pytest.fixture(scope="module")
def gl():
    from previs.gl.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.close()


@pytest.mark.slow
def _culled_draws_the_same(r, fs, every, culled, performers: int) -> int:
    """Draw frame ``fs`` with every body posed, then with ``culled`` (a CulledPoses): the
    same pixels, some performers culled and some drawn; returns how many were in view."""
    r.draw(fs, poses=every)
    want = r.read_pixels().copy()
    r.draw(fs, poses=culled)
    assert 0 < culled.last.in_view < performers  # some culled, some drawn
    assert np.array_equal(r.read_pixels(), want)
    return culled.last.in_view


def test_the_window_draws_the_same_pixels_posing_only_what_it_sees(gl, melee):
    from previs.gl.renderer import Renderer

    motion, bp = melee
    r = Renderer(motion.level, SIZE)
    try:
        drawn = 0
        for f in (12, motion.frames // 2, motion.frames - 5):
            fs = motion.snapshot(f)
            drawn += _culled_draws_the_same(r, fs, bp.at(f), CulledPoses(bp, f), bp.P)
        assert drawn > 30
    finally:
        r.close()


def test_the_window_poses_a_crowd_per_view_and_a_small_cast_whole(monkeypatch, melee):
    from previs.window import poses as wp

    motion, _ = melee
    w = wp.WindowPoses()
    assert not isinstance(w.watched(motion, 3), CulledPoses)  # 61 bodies < CULL_FROM
    monkeypatch.setattr(wp, "CULL_FROM", 61)
    got = w.watched(motion, 3)
    assert isinstance(got, CulledPoses) and got.frame == 3
    w.work_ahead(motion, 3)  # no block is evaluated ahead for a crowd posed per view
    assert w._of(motion)._ahead is None and list(w._of(motion)._cache) == [0]  # block 0: the whole cast's at(3)


def test_walk_mode_draws_the_same_pixels_posing_only_what_it_may_see(gl, melee, monkeypatch):
    # Walk mode moves the script's poses to where the walk has everyone: Henry 1.5 m off his
    # path and turned, every performer turned 40 degrees to watch him, two of them moved.
    from previs.gl.renderer import Renderer
    from previs.window import poses as wp

    motion, bp = melee
    monkeypatch.setattr(wp, "CULL_FROM", 61)
    w = wp.WindowPoses()
    r = Renderer(motion.level, SIZE)
    try:
        drawn = 0
        for f in (12, motion.frames // 2):
            scripted = motion.snapshot(f)
            pxz = np.array(scripted.perf_xz, float)
            pxz[[3, 7]] += (0.8, -0.6)
            live = dataclasses.replace(scripted, henry_xz=np.asarray(scripted.henry_xz) + (1.5, 0.5),
                                       yaw=scripted.yaw + 25.0, perf_xz=pxz,
                                       perf_facing=np.asarray(scripted.perf_facing) + 40.0)
            culled = w.walked(motion, live)
            assert isinstance(culled, wp.MovedCulledPoses)
            drawn += _culled_draws_the_same(r, live, wp.moved(w._of(motion).at(f), scripted, live), culled, bp.P)
        assert drawn > 20
    finally:
        r.close()
