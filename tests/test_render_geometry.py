"""Renderer maths without GL: camera convention, wall mesh, triangulation, HUD data."""

import math

import numpy as np
import pytest

from levelkit import beat, henry, level, performer, walls
from previs.gl import body_mesh, level_meshes, overlay_mesh
from previs.gl.view_camera import Camera, project, rotation, vfov


def test_camera_axes_follow_the_contract():
    # yaw 0 looks north (-Z); +90 looks west (-X); pitch + looks up.
    assert Camera((0, 0, 0), 0).forward() == pytest.approx([0, 0, -1])
    assert Camera((0, 0, 0), 90).forward() == pytest.approx([-1, 0, 0])
    assert Camera((0, 0, 0), -90).forward() == pytest.approx([1, 0, 0])
    assert Camera((0, 0, 0), 0, pitch=30).forward() == pytest.approx([0, 0.5, -math.sqrt(3) / 2])


def test_rotation_order_is_roll_then_pitch_then_yaw():
    R = rotation(30, 20, 10)

    def rz(a):
        a = math.radians(a)
        return np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])

    def rx(a):
        a = math.radians(a)
        return np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])

    def ry(a):
        a = math.radians(a)
        return np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])

    assert R == pytest.approx(ry(30) @ rx(20) @ rz(10))


def test_rotation_matches_the_exports():
    plan_camera = pytest.importorskip("previs.plan.orientation")
    for y, p, r in ((0, 0, 0), (123.0, -20.0, 5.0), (-400.0, 80.0, -30.0)):
        assert rotation(y, p, r) == pytest.approx(plan_camera.rotation_matrices([y], [p], [r])[0])


def test_projection_uses_the_horizontal_fov():
    cam = Camera((0, 1.7, 0), 0, hfov=90)
    # A point 45 deg to the right is on the right edge at any aspect.
    ndc = project(cam, 16 / 9, [[1.0, 1.7, -1.0], [-1.0, 1.7, -1.0]])
    assert ndc[:, 0] == pytest.approx([1.0, -1.0])
    # Something to the west (left of a camera looking north) is on the left; turning left
    # (+yaw) brings it toward the centre.
    p = [[-1.0, 1.7, -3.0]]
    assert project(cam, 16 / 9, p)[0, 0] < 0
    assert project(Camera((0, 1.7, 0), 10, hfov=90), 16 / 9, p)[0, 0] > project(cam, 16 / 9, p)[0, 0]
    assert vfov(90, 16 / 9) == pytest.approx(2 * math.degrees(math.atan(9 / 16)))


def quad_areas(v, normal):
    q = v.reshape(-1, 4, level_meshes.WALL_VERTEX)
    q = q[np.all(np.isclose(q[:, 0, 3:6], normal), axis=1)]
    return [float(np.linalg.norm(np.cross(x[1, :3] - x[0, :3], x[3, :3] - x[0, :3]))) for x in q]


def test_wall_mesh_drops_interior_faces_and_merges_coplanar_ones():
    # A 3 x 3 block of equal height: one top and one quad per outer side.
    w = walls(solid_cells=[(r, c) for r in range(3) for c in range(3)])
    v, idx = level_meshes.wall_mesh(w)
    # (Sides are split at 1.2 m, where the shading toward the floor has its corner.)
    assert len(idx) == 9 * 6 and len(v) == 9 * 4
    assert quad_areas(v, [0, 1, 0]) == [9.0]
    assert sorted(quad_areas(v, [0, 0, -1])) == pytest.approx([3 * 1.2, 3 * 1.8])  # 3 m long
    assert v[:, 0].min() == 0 and v[:, 0].max() == 3 and v[:, 1].max() == 3.0


def test_merged_walls_break_at_chunks_and_colours():
    # A 40-cell wall along row 1 crosses chunk boundaries at x = 16 and 32.
    w = walls(rows=4, cols=48, solid_cells=[(1, c) for c in range(40)])
    m = level_meshes.wall_mesh_chunked(w, chunk=16)
    assert sorted(quad_areas(m.vertices, [0, 1, 0])) == [8.0, 16.0, 16.0]
    assert len(m.chunks) == 3 and m.chunks[:, 1].sum() == len(m.indices)
    # Every chunk's box holds its own triangles.
    for first, count, x0, z0, x1, z1, y1, y0 in m.chunks:
        pts = m.vertices[m.indices[int(first): int(first + count)], 0:3]
        assert pts[:, 0].min() >= x0 and pts[:, 0].max() <= x1 and y0 == 0.0 <= pts[:, 1].min()
        assert pts[:, 1].max() <= y1
    # A cell of another colour splits the run.
    from previs.level.model import Walls

    col = np.array(w.color)
    col[1, 5] = (200, 0, 0)
    m2 = level_meshes.wall_mesh_chunked(Walls(w.solid, w.height, col, 1.0), chunk=16)
    assert sorted(quad_areas(m2.vertices, [0, 1, 0])) == [1.0, 5.0, 8.0, 10.0, 16.0]


def test_merged_tops_cover_exactly_the_solid_cells():
    rng = np.random.default_rng(3)
    cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(rng.random((30, 30)) < 0.4))]
    w = walls(rows=30, cols=30, solid_cells=cells)
    v, _ = level_meshes.wall_mesh(w)
    assert sum(quad_areas(v, [0, 1, 0])) == pytest.approx(len(cells))


def test_wall_mesh_keeps_the_step_between_heights():
    solid = np.zeros((1, 2), bool)
    solid[:] = True
    h = np.array([[3.0, 1.0]])
    col = np.full((1, 2, 3), 128, np.uint8)
    from previs.level.model import Walls

    v, idx = level_meshes.wall_mesh(Walls(solid, h, col, 1.0))
    # 2 tops + tall block: 3 outer sides (each split at 1.2 m) + the 2 m step over its
    # neighbour (split at 1.2 m too); low block: 3 sides below 1.2 m.
    assert len(idx) // 6 == 2 + 3 * 2 + 2 + 3
    quads = v.reshape(-1, 4, level_meshes.WALL_VERTEX)
    step = [q for q in quads if np.allclose(q[:, 3:6], [1, 0, 0]) and q[:, 0].min() == 1.0]
    assert len(step) == 2
    assert min(q[:, 1].min() for q in step) == 1.0 and max(q[:, 1].max() for q in step) == 3.0


def test_wall_faces_wind_counter_clockwise_outwards():
    v, idx = level_meshes.wall_mesh(walls(solid_cells=[(2, 2), (2, 3), (5, 5)]))
    tri = v[idx.reshape(-1, 3), 0:3]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    normals = v[idx.reshape(-1, 3)[:, 0], 3:6]
    assert np.all(np.einsum("ij,ij->i", n, normals) > 0)


def test_body_template_faces_outwards():
    t = body_mesh.body_template()
    pos = t[:, 0:3].reshape(-1, 3, 3)
    n = np.cross(pos[:, 1] - pos[:, 0], pos[:, 2] - pos[:, 0])
    assert np.all(np.einsum("ij,ij->i", n, t[0::3, 3:6]) > -1e-9)
    assert len(t) // 3 < 600  # cheap enough to instance a hundred times


def test_triangulate_concave_polygon_covers_its_area():
    # An L shape, clockwise: area 3.
    poly = [(0, 0), (0, 2), (1, 2), (1, 1), (2, 1), (2, 0)]
    tris = overlay_mesh.triangulate(poly)
    assert len(tris) == 4
    p = np.asarray(poly, float)
    def area2(a, b, c):
        (ax, az), (bx, bz), (cx, cz) = p[a], p[b], p[c]
        return abs((bx - ax) * (cz - az) - (bz - az) * (cx - ax))

    area = sum(area2(*t) / 2 for t in tris)
    assert area == pytest.approx(3.0)


def test_overlay_mesh_has_zones_then_paths():
    from previs.level.model import Zone

    from levelkit import path

    lv = level(henry(), performers=[performer(2, "G", (1, 1), path=path(9, (1, 1), (5, 1)))],
               zones=[Zone(3, "pit", "no-go", ((0, 0), (2, 0), (2, 2), (0, 2)))])
    v, nzone = overlay_mesh.overlay_mesh(lv)
    assert nzone > 0 and len(v) > nzone
    assert np.all(v[:nzone, 7][:6] == 1.0)  # no-go hatching
    assert np.all(v[nzone:, 1] > v[:nzone, 1].max())  # paths above zones


def test_hud_timeline_and_captions():
    from previs import pipeline
    from previs.plan.frame_truth import FrameTruths
    from previs.window.hud import Timeline, hud_state

    tl = Timeline.from_cuts([48, 120], frames=240, fps=24, max_take=2.5)
    assert tl.shots == 3 and tl.shot_at(0) == 1 and tl.shot_at(48) == 2 and tl.shot_at(239) == 3
    assert tl.next_cut(0) == 48 and tl.next_cut(48) == 120 and tl.next_cut(120) is None
    assert tl.jump(60, +1) == 120 and tl.jump(60, -1) == 48 and tl.jump(30, -1) == 0
    assert tl.over_max == (False, True, True)
    lv = level(henry(), performers=[performer(2, "Goon 3", (1, 1))],
               beats=[beat(5, 1.0, 1, "look", 2), beat(6, 1.2, 2, "punch", 1)])
    from previs.sim.script import simulate

    m = simulate(lv)
    truths = FrameTruths(pipeline.plan(m))
    fps = lv.settings.fps
    assert truths.at(round(0.5 * fps)).captions == ()
    assert truths.at(round(1.3 * fps)).captions == ("Henry: look \u2192 Goon 3", "Goon 3: punch \u2192 Henry")
    assert truths.at(round(2.6 * fps)).captions == ("Goon 3: punch \u2192 Henry",)
    hs = hud_state(lv, m.snapshot(42), tl)
    assert hs.timecode == "00:00:01:18" and hs.shot == 1 and hs.next_cut_in == pytest.approx(0.25)
    assert not hs.flash and hud_state(lv, m.snapshot(48), tl).flash


def test_floor_is_merged_rectangles_of_one_colour_with_a_darker_margin():
    from previs.level.model import Level

    lv = level(henry(), walls_=walls(rows=10, cols=20))
    fc = np.full((10, 20, 3), 100, np.uint8)
    fc[2:5, 3:9] = (200, 0, 0)  # one red rectangle on a grey floor
    lv2 = Level(**{**lv.__dict__, "floor_color": fc})
    v, idx = level_meshes.floor_mesh(lv2)
    quads = v.reshape(-1, 4, level_meshes.FLOOR_VERTEX)
    area = {}
    for q in quads:
        c = tuple(np.round(q[0, 2:5] * 255).astype(int))
        a = (q[:, 0].max() - q[:, 0].min()) * (q[:, 1].max() - q[:, 1].min())
        area[c] = area.get(c, 0) + a
    assert area[(200, 0, 0)] == pytest.approx(18)
    assert area[(100, 100, 100)] == pytest.approx(200 - 18)
    x0, z0, x1, z1 = level_meshes.floor_extent(lv2)
    assert area[(45, 45, 45)] == pytest.approx((x1 - x0) * (z1 - z0) - 200)
    assert len(quads) <= 4 + 4 + 1  # the grey around the red in a few rectangles
    # Counter-clockwise seen from above (+Y): cross product of (x, z) edges is negative.
    tri = v[idx.reshape(-1, 3), 0:2]
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    assert np.all(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0] < 0)
