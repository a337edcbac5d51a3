"""The top-down plan shows which way every body faces at the start (issue 13)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.quiver import Quiver

from levelkit import beat, henry, level, performer
from previs.report.topdown import draw_plan
from previs.sim.script import simulate


def _ticks(ax) -> list[np.ndarray]:
    """(N, 4) x, z, u, v of each facing-tick collection drawn into ``ax``."""
    return [np.column_stack([q.X, q.Y, q.U, q.V]) for q in ax.collections if isinstance(q, Quiver)]


def test_facing_ticks_point_the_way_each_body_faces():
    # Henry at (5, 5) heading west (yaw +90); Goon 1 east of him faces him (west too);
    # Goon 2 south of him faces him: north, up the page.
    lv = level(henry(position=(5.0, 5.0), heading=90.0),
               performers=[performer(2, "Goon 1", (8.0, 5.0)), performer(3, "Goon 2", (5.0, 9.0))],
               beats=[beat(10, 0.5, 2, "look", 1), beat(11, 0.5, 3, "look", 1)], duration=2.0)
    motion = simulate(lv)
    ax = Figure().add_subplot()
    draw_plan(ax, lv, motion=motion, labels=False)
    henry_ticks, perf_ticks = _ticks(ax)
    # angles="uv": v is up the page, which is north (-z) because z grows down the page.
    np.testing.assert_allclose(henry_ticks, [[5.0, 5.0, -1.0, 0.0]], atol=1e-9)
    yaw0 = np.asarray(motion.perf_facing[0])
    np.testing.assert_allclose(yaw0, [90.0, 0.0])  # both face Henry from the first frame
    want = np.column_stack([np.asarray(motion.perf_xz[0]), -np.sin(np.radians(yaw0)), np.cos(np.radians(yaw0))])
    np.testing.assert_allclose(perf_ticks, want, atol=1e-9)


def test_without_a_motion_only_henrys_heading_is_drawn():
    lv = level(henry(position=(3.0, 4.0), heading=-90.0), performers=[performer(2, "Goon", (6.0, 4.0))])
    ax = Figure().add_subplot()
    draw_plan(ax, lv, labels=False)
    (ticks,) = _ticks(ax)
    np.testing.assert_allclose(ticks, [[3.0, 4.0, 1.0, 0.0]], atol=1e-9)  # east: right on the page
