"""Walk mode's poses: the script's poses moved to where the walk has everyone
(previs/window/poses.py), checked as numbers against poses evaluated there directly."""

from types import SimpleNamespace

import numpy as np
import pytest

from previs.pose.frame import FramePoses
from previs.pose.skeleton import HAND_GRIP, INDEX as I, PELVIS_HEIGHT, forward_kinematics, point_in, rest_local, rot_x
from previs.pose.skeleton import rot_y
from previs.window.poses import moved


def places(perf_xz, perf_facing, henry_xz, yaw):
    return SimpleNamespace(perf_xz=np.asarray(perf_xz, float), perf_facing=np.asarray(perf_facing, float),
                           henry_xz=tuple(henry_xz), yaw=float(yaw))


def posed(fs, local):
    xz = np.vstack([fs.perf_xz, fs.henry_xz])
    facing = np.append(fs.perf_facing, fs.yaw)
    root = np.column_stack([xz[:, 0], np.full(len(xz), PELVIS_HEIGHT), xz[:, 1]])
    return forward_kinematics(local, root, rot_y(facing), np.ones(len(xz)))


def with_props(world, names, grips):
    return FramePoses(world, tuple(names), np.asarray(grips, float).reshape(-1, 4, 4))


def knife_in(world, actor):
    g = np.eye(4)
    g[:3, :3] = rot_x(-90)
    g[:3, 3] = HAND_GRIP
    return world[actor, I["r_hand"]] @ g


def test_moved_poses_are_the_poses_evaluated_where_the_walk_has_everyone():
    local = rest_local(3)
    local[0, I["r_upperarm"]] = rot_x(90)  # a goon mid-punch
    local[2, I["l_forearm"]] = rot_x(100)  # Henry's guard hand
    scripted = places([(3.0, 4.0), (8.0, 1.0)], [180.0, 45.0], (5.0, 9.0), 0.0)
    live = places([(3.0, 4.0), (8.0, 1.0)], [120.0, 45.0], (6.5, 7.0), -30.0)
    out = moved(FramePoses(posed(scripted, local)), scripted, live)
    np.testing.assert_allclose(out.world, posed(live, local), atol=1e-9)
    assert out.prop_names == ()


def test_a_held_prop_moves_with_its_hand_and_a_thrown_one_stays():
    local = rest_local(2)
    local[0, I["r_upperarm"]] = rot_x(60)
    scripted = places([(3.0, 4.0)], [180.0], (5.0, 9.0), 0.0)
    live = places([(3.0, 4.0)], [90.0], (5.0, 9.0), 0.0)
    w = posed(scripted, local)
    thrown = np.eye(4)
    thrown[:3, 3] = (4.0, 0.05, 6.0)  # on the floor, far from every fist
    out = moved(with_props(w, ["knife", "bottle"], [knife_in(w, 0), thrown]), scripted, live)
    w_live = posed(live, local)
    np.testing.assert_allclose(out.prop_world[0], knife_in(w_live, 0), atol=1e-9)
    np.testing.assert_allclose(out.prop_world[1], thrown)
    fist = point_in(w_live, I["r_hand"], HAND_GRIP)[0]
    assert out.prop_world[0, :3, 3] == pytest.approx(fist)


def test_walk_mode_draws_posed_bodies_where_the_walk_has_them(tmp_path):
    """The real window, headless: walk east for a second, then the poses it draws put
    Henry's eye on the walked camera and every goon on his live spot."""
    from pathlib import Path

    import pygame

    from previs.pose.skeleton import EYE_IN_HEAD
    from previs.sim.head_motion import EYE_AHEAD_OF_PIVOT
    from previs.window.app import App
    from previs.window.clock import FakeClock

    arena = Path(__file__).parent / "data" / "render" / "arena.tmx"
    app = App(arena, size=(160, 90), takes_dir=tmp_path / "takes", echo=lambda m: None)
    try:
        pygame.event.clear()
        app.set_mode("walk")
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_w, mod=0))
        app.run(max_ticks=24, clock=FakeClock(1 / 24))
        fs = app.current_state()
        p = app.bodies.of_view(app, fs)
        assert not app.bodies.failed and p is not None
        assert fs.henry_xz[0] > 3.5 + 1.0  # he walked east
        # His eye over his walked feet as the mount puts it: 0.08 m ahead of his neck.
        eye = point_in(p.world, I["head"], EYE_IN_HEAD)[p.henry]
        ahead = np.radians(fs.yaw)
        want = np.asarray(fs.henry_xz) + EYE_AHEAD_OF_PIVOT * np.array([-np.sin(ahead), -np.cos(ahead)])
        assert eye[[0, 2]] == pytest.approx(want, abs=0.02)
        pelvis = p.world[: p.henry, 0, :3, 3]
        assert np.abs(pelvis[:, [0, 2]] - fs.perf_xz).max() < 0.3
    finally:
        app.close()
