"""Walking and running with planted feet: no skating, strides that follow the speed."""

from __future__ import annotations

import numpy as np
import pytest

import levelkit as lk
from previs.pose.evaluate import BodyPoses
from previs.pose.limbs import HEEL_POINT
from previs.pose.locomotion import gait_at, stride_length
from previs.pose.skeleton import INDEX, TOE_IN_FOOT, point_in
from previs.sim.script import simulate


def walker(speed: float, duration: float = 6.0, fps: int = 24):
    p = lk.performer(2, "A", (2.0, 18.0), path=lk.path(10, (2.0, 18.0), (2.0, 1.0)), speed=speed, start=1.0)
    level = lk.level(lk.henry(position=(15.0, 18.0)), [p], duration=duration, fps=fps)
    m = simulate(level)
    bp = BodyPoses(m)
    world = np.stack([bp.at(f).world for f in range(m.frames)])
    return m, bp, world


def stance_runs(mask: np.ndarray):
    """[(start, end)) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


def planted_slides(bp, world, row: int = 0):
    """Per planted step, metres the point the foot stands on moved: the heel while the
    foot is toe-up or flat, the ball of the foot while it is flat or heel-up."""
    g = gait_at(bp.steps, np.arange(bp.F))
    out = []
    for side, foot in enumerate(("l_foot", "r_foot")):
        heel = point_in(world[:, row], INDEX[foot], HEEL_POINT)
        ball = point_in(world[:, row], INDEX[foot], TOE_IN_FOOT)
        toe_dir = -world[:, row, INDEX[foot], :3, 2]
        up = toe_dir[:, 1] / np.linalg.norm(toe_dir, axis=1)
        for a, b in stance_runs(g.stance[:, row, side]):
            h = heel[a:b][up[a:b] > -1e-9]
            k = ball[a:b][up[a:b] < 1e-9]
            s = 0.0
            if len(h):
                s = max(s, np.linalg.norm(h - h[0], axis=1).max())
            if len(k):
                s = max(s, np.linalg.norm(k - k[0], axis=1).max())
            out.append(s)
    return np.array(out)


@pytest.mark.parametrize("speed", [1.4, 4.0])
def test_planted_feet_slide_under_5_cm_per_step(speed):
    m, bp, world = walker(speed)
    slides = planted_slides(bp, world)
    assert len(slides) >= 6
    assert slides.max() < 0.05
    # and the planted point is on the floor
    g = gait_at(bp.steps, np.arange(bp.F))
    ball = point_in(world[:, 0], INDEX["l_foot"], TOE_IN_FOOT)
    assert np.abs(ball[g.stance[:, 0, 0], 1]).min() < 0.01


@pytest.mark.parametrize("speed", [1.4, 4.0])
def test_stride_follows_the_path_speed(speed):
    m, bp, world = walker(speed, duration=5.0)
    g = gait_at(bp.steps, np.arange(bp.F))
    moving = np.flatnonzero(g.speed[:, 0] > speed * 0.99)
    f0, f1 = moving[3], moving[-3]
    strides = g.phase[f1, 0] - g.phase[f0, 0]
    metres = speed * (f1 - f0) / 24
    assert metres / strides == pytest.approx(float(stride_length(speed)), rel=0.02)
    assert float(stride_length(1.4)) == pytest.approx(1.50, abs=0.01)  # 112 steps/min
    assert float(stride_length(4.0)) == pytest.approx(2.80, abs=0.01)


def test_a_stopped_body_stands_on_both_feet_under_it():
    m, bp, world = walker(1.4, duration=16.0)
    end = m.perf_xz[-1, 0]
    g = gait_at(bp.steps, np.arange(bp.F))
    assert g.stance[-1, 0].all()
    for foot in ("l_foot", "r_foot"):
        ankle = world[-1, 0, INDEX[foot], :3, 3]
        assert np.hypot(*(ankle[[0, 2]] - end)) < 0.2
        assert ankle[1] < 0.08


def test_turning_in_place_takes_steps():
    p = lk.performer(2, "A", (10.0, 10.0))
    h = lk.henry(position=(10.0, 5.0), path=lk.path(20, (10.0, 5.0), (15.0, 10.0), (10.0, 15.0)), speed=1.4)
    level = lk.level(h, [p], duration=10.0)
    bp = BodyPoses(simulate(level))  # A keeps facing Henry: it turns ~180 deg on the spot
    g = gait_at(bp.steps, np.arange(bp.F))
    assert g.speed[:, 0].max() < 1e-9
    assert g.phase[-1, 0] - g.phase[0, 0] > 1.0  # at least two steps
    assert (~g.stance[:, 0]).any(axis=0).all()  # both feet were lifted at some point


def test_a_stop_settles_to_double_support_whether_the_walk_starts_on_frame_0_or_later():
    from previs.sim.gait_rule import gait_phase

    F = 200
    v = np.zeros((F, 2))
    v[:60, 0] = 1.4  # moving on frame 0
    v[1:61, 1] = 1.4  # from frame 1
    phi = gait_phase(v, np.zeros((F, 2)), 24.0) - np.arange(F)[:, None] * 1e-9
    assert (phi[-1] * 2) == pytest.approx(np.round(phi[-1] * 2), abs=1e-9)  # both feet down
    assert phi[-1, 0] == pytest.approx(phi[-1, 1], abs=1e-9)
