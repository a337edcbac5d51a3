"""Floors with height (issue 14): the floor model read from a map, the floor under points,
Henry's camera and the bodies following it, sight lines over landings, the climb warning."""

from __future__ import annotations

import numpy as np
import pytest

from previs.level.floors import Floors
from previs.level.loader import load_level
from tmxkit import csv_rows, make_map

# Tiles of the test tileset (gid = id + 1): 0 a 2.5 m wall, 1 a 1.8 m landing,
# 2 a stair rising 1.8 m to the east in 6 steps, 3 a floor tile with a bad rise_to.
TILESET = (
    '<tileset firstgid="1" name="blocks" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
    '<tile id="0"><properties><property name="height" type="float" value="2.5"/></properties></tile>'
    '<tile id="1"><properties><property name="elevation" type="float" value="1.8"/></properties></tile>'
    '<tile id="2"><properties><property name="rise" type="float" value="1.8"/>'
    '<property name="rise_to" value="east"/><property name="steps" type="int" value="6"/></properties></tile>'
    '<tile id="3"><properties><property name="elevation" type="float" value="0.5"/>'
    '<property name="rise_to" value="up"/></properties></tile>'
    "</tileset>"
)


def floor_layer(grid) -> str:
    rows, cols = np.asarray(grid).shape
    return (f'<layer id="5" name="floor" width="{cols}" height="{rows}"><data encoding="csv">\n'
            f"{csv_rows(grid)}\n</data></layer>\n")


def test_floor_tiles_give_heights_and_walls_stand_on_them(tmp_path):
    grid = np.zeros((5, 6), int)
    grid[2, 1] = 3  # stair: 0 at x = 1, 1.8 at x = 2
    grid[2, 2:5] = 2  # landing at 1.8
    walls = np.zeros((5, 6), int)
    walls[1, 3] = 1  # a 2.5 m wall on open floor
    walls[2, 4] = 1  # a 2.5 m wall standing on the landing
    level = load_level(make_map(tmp_path, walls=walls, tilesets=TILESET, layers=floor_layer(grid)))
    f = level.walls.floors
    assert isinstance(f, Floors)
    assert f.height_at(np.array([1.0, 1.25, 1.5, 2.0, 0.5, 9.0]), np.array([2.5] * 5 + [2.5])).tolist() == \
        pytest.approx([0.0, 0.45, 0.9, 1.8, 0.0, 0.0])
    assert f.height_at(1.75, 2.0).shape == ()
    assert int(f.steps[2, 1]) == 6
    assert level.walls.top[2, 4] == pytest.approx(1.8 + 2.5)
    assert level.walls.top[1, 3] == pytest.approx(2.5)
    assert level.walls.top[2, 1] == 0.0  # a ramp blocks sight at its low edge
    assert level.walls.top[2, 2] == pytest.approx(1.8)


def test_a_flat_level_has_no_floors(tmp_path):
    level = load_level(make_map(tmp_path, tilesets=TILESET))
    assert level.walls.floors is None
    assert not level.walls.top.any()


def test_a_bad_rise_to_is_refused_with_the_fix(tmp_path):
    from previs.errors import LevelError

    grid = np.zeros((5, 6), int)
    grid[0, 0] = 4
    with pytest.raises(LevelError) as e:
        load_level(make_map(tmp_path, tilesets=TILESET, layers=floor_layer(grid)))
    assert "rise_to = 'up' is not a direction" in str(e.value)
    assert "north, east, south, west" in str(e.value)


# --------------------------------------------------------------------------------------
# Henry's camera and the bodies follow the floor
# --------------------------------------------------------------------------------------
TREAD, RISER = 0.28, 0.18


def stair_walls(cols: int = 30, rows: int = 6, landing_from: int = 11):
    """Ten 0.18 m steps on 0.28 m treads rising east (columns 1..10: one step per cell),
    a landing at 1.8 m from column ``landing_from``; cell = the tread."""
    import levelkit
    from previs.level.floors import Floors

    w = levelkit.walls(rows=rows, cols=cols, cell=TREAD)
    e = np.zeros((rows, cols))
    for k in range(1, 11):
        e[:, k] = RISER * k
    e[:, landing_from:] = 10 * RISER
    z = np.zeros((rows, cols))
    floors = Floors(elevation=e, rise=z, rise_to=np.zeros((rows, cols), np.int8),
                    steps=np.zeros((rows, cols), np.int16), cell=TREAD)
    import dataclasses

    return dataclasses.replace(w, floors=floors)


def climb(speed: float = 1.4):
    import levelkit
    from previs.sim.script import simulate

    z = 3 * TREAD + 0.14
    walk = levelkit.path(10, (0.14, z), (14 * TREAD + 0.14, z))
    lv = levelkit.level(levelkit.henry((0.14, z), path=walk, speed=speed, start=1.0, heading=-90.0),
                        walls_=stair_walls(), duration=5.0, stabilise=1.0)
    return lv, simulate(lv)


def test_walking_up_ten_steps_lifts_the_camera_1_8_m_without_a_jump():
    lv, m = climb()
    y = m.track.pos[:, 1]
    start = lv.settings.eye_height - lv.settings.rig_height
    assert y[0] == start  # on the ground floor, head level: the mount's height exactly
    assert abs(y[-1] - (start + 1.8)) < 1e-12  # standing on the landing: 1.8 m higher
    jumps = np.abs(np.diff(y))
    assert jumps.max() <= 0.04
    assert jumps.max() > 0.035  # the climb's mean is 3.75 cm a frame: it is really climbing
    # the feet: Henry's floor rises the same 1.8 m
    assert m.henry_floor[0] == 0.0 and abs(m.henry_floor[-1] - 1.8) < 1e-12


def test_a_flat_level_keeps_the_camera_at_the_mount_height():
    import levelkit
    from previs.sim.script import simulate

    walk = levelkit.path(10, (2.0, 2.0), (8.0, 2.0))
    lv = levelkit.level(levelkit.henry((2.0, 2.0), path=walk), duration=5.0)
    assert np.all(simulate(lv).track.pos[:, 1] == lv.settings.eye_height - lv.settings.rig_height)


def test_a_performer_on_the_landing_stands_on_it():
    import dataclasses

    import levelkit
    from previs.pose.evaluate import BodyPoses
    from previs.sim.script import simulate

    goon = levelkit.performer(2, "Goon", (20 * TREAD, 3 * TREAD))  # on the landing
    lv = levelkit.level(levelkit.henry((0.14, 0.5), heading=-90.0), performers=[goon],
                        walls_=stair_walls(), duration=2.0)
    flat = dataclasses.replace(lv, walls=dataclasses.replace(lv.walls, floors=None))
    up = BodyPoses(simulate(lv)).at(10).world
    down = BodyPoses(simulate(flat)).at(10).world
    lift = up[0, :, 1, 3] - down[0, :, 1, 3]  # every joint of the performer
    assert np.allclose(lift, 1.8, atol=1e-9)
    assert np.allclose(up[1, :, 1, 3], down[1, :, 1, 3], atol=1e-9)  # Henry on the ground floor


# --------------------------------------------------------------------------------------
# Sight lines over floors
# --------------------------------------------------------------------------------------
def landing_walls(elevation: float, parapet: float | None = None, cols: int = 12, rows: int = 6):
    """A landing ``elevation`` m high over columns 0..4 (x 0..5 m), ground beyond; with a
    ``parapet`` m wall block on its edge cells (column 4)."""
    import dataclasses

    import levelkit
    from previs.level.floors import Floors

    w = levelkit.walls(rows=rows, cols=cols, solid_cells=[(r, 4) for r in range(rows)] if parapet else (),
                       height=parapet or 3.0)
    e = np.zeros((rows, cols))
    e[:, :5] = elevation
    z = np.zeros((rows, cols))
    floors = Floors(elevation=e, rise=z, rise_to=np.zeros((rows, cols), np.int8),
                    steps=np.zeros((rows, cols), np.int16), cell=1.0)
    return dataclasses.replace(w, floors=floors)


def seen(walls, eye_x, eye_y, x):
    """Chest and head (1.35, 1.71 m over the ground) of a performer at ``(x, 3)`` are
    hidden from an eye at ``(eye_x, eye_y, 3)``, per point."""
    from previs.level.sightlines import occluded

    return ~occluded(walls, np.array([[eye_x, eye_y, 3.0]]), np.array([[x, 3.0]]), np.array([[1.35, 1.71]]))[0]


def test_a_wall_on_a_landing_hides_a_performer_below_it():
    # Henry's eye 1.6 m over a 1 m stage at x = 1.5; a 1.3 m parapet stands on the stage's
    # edge (top 2.3 m): the line to the chest of a performer 4 m below the edge passes at
    # 2.02 m there, to his head at 2.19 m: both under the parapet's top.
    on_stage = landing_walls(1.0, parapet=1.3)
    assert seen(on_stage, 1.5, 2.6, 9.0).tolist() == [False, False]
    # The same parapet on a flat floor (top 1.3 m) under an eye at 1.6 m hides neither.
    import dataclasses

    flat = dataclasses.replace(on_stage, floors=None)
    assert seen(flat, 1.5, 1.6, 9.0).tolist() == [True, True]
    # The stage without its parapet: its edge (1 m) is under both lines.
    assert seen(landing_walls(1.0), 1.5, 2.6, 9.0).tolist() == [True, True]


def test_a_landing_edge_hides_a_performer_below_it_in_the_plan():
    import dataclasses

    import levelkit
    from previs.plan.visibility import visible_frames
    from previs.sim.script import simulate

    goon = levelkit.performer(2, "Goon", (5.5, 3.0))  # on the ground, 0.5 m from a 3 m landing
    look = levelkit.beat(3, 0.0, 1, "look", 2, duration=0.5)
    lv = levelkit.level(levelkit.henry((2.0, 3.0), heading=-90.0), performers=[goon], beats=[look],
                        walls_=landing_walls(3.0), duration=2.0)
    m = simulate(lv)
    assert np.all(m.henry_floor == 3.0) and np.all(m.track.pos[:, 1] > 4.4)  # his lens over the landing
    assert m.track.pitch[-1] < -40.0  # he looks down over the edge at the goon's chest
    assert not visible_frames(lv, m).any()  # the landing's edge is in the way on every frame
    flat = dataclasses.replace(lv, walls=dataclasses.replace(lv.walls, floors=None))
    assert visible_frames(flat, simulate(flat))[12:].all()  # no landing: in view once he looks


# --------------------------------------------------------------------------------------
# previs check: a step too high for a path
# --------------------------------------------------------------------------------------
def test_a_path_up_a_landing_face_is_named_with_the_cell(tmp_path):
    from tmxkit import HENRY, obj

    grid = np.zeros((5, 6), int)
    grid[:, 3:] = 2  # a 1.8 m landing from column 3 east
    grid[4, 2] = 3  # row 4: a stair rising east from 0 to 1.8 m in column 2
    objects = (HENRY
               + obj(2, "path", "up the face", 16, 48, shape='<polyline points="0,0 128,0"/>')  # row 1
               + obj(3, "path", "up the stairs", 16, 144, shape='<polyline points="0,0 128,0"/>')  # row 4
               + obj(4, "path", "down", 176, 80, shape='<polyline points="0,0 -128,0"/>'))  # row 2, westward
    level = load_level(make_map(tmp_path, objects=objects, tilesets=TILESET, layers=floor_layer(grid)))
    notes = [n for n in level.notices if "with no stairs" in n]
    assert len(notes) == 2, level.notices
    assert ("object 2 'up the face' (path): climbs 1.80 m from column 2, row 1 into column 3, row 1 "
            "(x 3-4 m, z 1-2 m) with no stairs, a step over 0.5 m") in notes[0]
    assert "paint stair or ramp tiles (`rise`, `rise_to`)" in notes[0]
    assert "object 4 'down' (path): drops 1.80 m from column 3, row 2 into column 2, row 2" in notes[1]


# --------------------------------------------------------------------------------------
# Drawing: landings and stairs in the wall mesh
# --------------------------------------------------------------------------------------
def test_a_stair_tile_draws_its_steps_and_a_landing_its_box():
    import dataclasses

    import levelkit
    from previs.gl.level_meshes import wall_mesh_chunked
    from previs.level.floors import DIRECTIONS, Floors

    rows, cols = 4, 4
    e, rise = np.zeros((rows, cols)), np.zeros((rows, cols))
    to, steps = np.zeros((rows, cols), np.int8), np.zeros((rows, cols), np.int16)
    rise[2, 1], to[2, 1], steps[2, 1] = 0.9, DIRECTIONS.index("north"), 5  # z 2..3 climbs to z 2
    e[1, 1] = 0.9  # a landing at 0.9 m north of it
    w = dataclasses.replace(levelkit.walls(rows=rows, cols=cols), floors=Floors(e, rise, to, steps, 1.0))
    m = wall_mesh_chunked(w)
    quads = m.vertices.reshape(-1, 4, 9)
    up = quads[np.all(quads[:, :, 4] > 0.99, axis=1)]  # faces whose normal is +y: the treads and the landing's top
    tops = sorted({round(float(q[0, 1]), 3) for q in up})
    assert tops == [0.18, 0.36, 0.54, 0.72, 0.9]  # five 0.18 m steps, the last flush with the landing
    tread_z = sorted(round(float(q[:, 2].min()), 3) for q in up if q[0, 1] < 0.89)
    assert tread_z == [2.2, 2.4, 2.6, 2.8]  # 0.2 m treads climbing north (toward z = 2)
    # 5 treads + 5 risers + 10 sides + 1 back for the stair; the landing: its top and 4 sides
    assert len(quads) == 21 + 5


def test_a_misspelt_floor_property_is_a_look_alike_warning(tmp_path):
    tiles = TILESET.replace('name="elevation" type="float" value="1.8"', 'name="elevaton" type="float" value="1.8"')
    grid = np.zeros((5, 6), int)
    grid[0, 0] = 2
    level = load_level(make_map(tmp_path, tilesets=tiles, layers=floor_layer(grid)))
    assert any("elevaton" in n and "elevation" in n for n in level.notices), level.notices
    assert level.walls.floors is None  # the misspelt tile raises nothing


def test_a_look_at_someone_below_the_landing_edge_is_a_hidden_look():
    import dataclasses

    import levelkit
    from previs.level.diagnostics import Problems
    from previs.level.slips import hidden_looks

    goon = levelkit.performer(2, "Goon", (5.5, 3.0))  # on the ground, 0.5 m from a 3 m landing
    look = levelkit.beat(3, 0.5, 1, "look", 2, duration=0.5)
    lv = levelkit.level(levelkit.henry((2.0, 3.0), heading=-90.0), performers=[goon], beats=[look],
                        walls_=landing_walls(3.0), duration=2.0)
    flat = dataclasses.replace(lv, walls=dataclasses.replace(lv.walls, floors=None))
    for level, hidden in ((lv, True), (flat, False)):
        problems = Problems("test.tmx")
        hidden_looks(problems, lambda b: f"beat {b.id}", level)
        notes = [str(n) for n in problems.notices]
        assert any("walls hide Goon from Henry's eyes for the whole look" in n for n in notes) == hidden, notes


def test_walking_live_onto_the_landing_lifts_the_lens_by_the_landing(tmp_path):
    """The window's walk mode (one frame at a time, the raw floor under Henry): standing on
    the stairwell's landing the lens is the landing's height above where it is at the foot."""
    from pathlib import Path

    pytest.importorskip("pygame")
    from previs.sim.walker import WalkState
    from previs.window.app import App

    level_path = Path(__file__).parent.parent / "levels" / "stairwell.tmx"
    app = App(level_path, size=(160, 90), takes_dir=tmp_path, echo=lambda m: None)
    try:
        app.set_mode("walk")
        floors = app.level.walls.floors
        top = np.argwhere(floors.elevation == floors.elevation.max())[0]  # a landing cell (row, col)
        x, z = (top[1] + 0.5) * floors.cell, (top[0] + 0.5) * floors.cell
        app.walk.state = WalkState(x, z, 0.0)
        on_landing = app.view.state(app).eye[1]
        app.walk.state = WalkState(-5.0, -5.0, 0.0)  # off the grid: the ground
        on_ground = app.view.state(app).eye[1]
        assert on_landing - on_ground == pytest.approx(float(floors.elevation.max()), abs=1e-9)
        assert on_ground == pytest.approx(app.level.settings.eye_height - app.level.settings.rig_height, abs=1e-9)
    finally:
        app.close()


def pit_walls(depth: float = -1.5):
    """A 10 x 10 m floor with a 2 x 2 m pit ``depth`` deep at x 4..6, z 4..6."""
    import dataclasses

    import levelkit
    from previs.level.floors import Floors

    rows = cols = 10
    e = np.zeros((rows, cols))
    e[4:6, 4:6] = depth
    z = np.zeros((rows, cols))
    floors = Floors(elevation=e, rise=z, rise_to=np.zeros((rows, cols), np.int8),
                    steps=np.zeros((rows, cols), np.int16), cell=1.0)
    return dataclasses.replace(levelkit.walls(rows=rows, cols=cols), floors=floors)


def test_a_pit_is_a_hole_in_the_floor_with_its_floor_and_sides_below():
    import levelkit
    from previs.gl.level_meshes import floor_mesh, wall_mesh_chunked

    w = pit_walls()
    m = wall_mesh_chunked(w)
    quads = m.vertices.reshape(-1, 4, 9)
    bottoms = quads[np.all(quads[:, :, 4] > 0.99, axis=1)]
    assert len(bottoms) == 4 and np.all(bottoms[:, :, 1] == -1.5)  # the pit's four cells, 1.5 m down
    sides = quads[np.abs(quads[:, 0, 4]) < 0.5]
    assert len(sides) == 8  # two cells along each of four sides, each facing into the pit
    for q in sides:
        centre = q[:, [0, 2]].mean(0)
        inward = np.array([5.0, 5.0]) - centre
        assert float(np.dot(q[0, [3, 5]], inward)) > 0
        assert sorted({float(v) for v in q[:, 1]}) == [-1.5, 0.0]
    assert m.chunks[0, 7] == -1.5  # culling boxes reach down into it
    # the floor plane leaves out exactly the pit's 4 m²
    lv = levelkit.level(levelkit.henry((1.0, 1.0)), walls_=w, duration=1.0)
    v, idx = floor_mesh(lv)
    tri = v[idx.reshape(-1, 3)][:, :, :2].astype(np.float64)
    a, b = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    areas = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]) / 2
    inside = (tri[:, :, 0].min(1) >= 0) & (tri[:, :, 0].max(1) <= 10) & (tri[:, :, 1].min(1) >= 0) & (tri[:, :, 1].max(1) <= 10)
    area, area_in = areas.sum(), areas[inside].sum()
    assert area_in == pytest.approx(100.0 - 4.0)
    assert area > area_in  # and the margin beyond the map


def test_looking_into_a_pit_shows_its_floor_below_not_the_plane():
    """Henry 2.5 m from a 1.5 m pit looks down into it: where the flat level shows the
    floor plane, the pit shows its darker floor 1.5 m down, and a performer standing in it
    stands on that floor (his feet lower in the picture than on the flat floor)."""
    import dataclasses

    import levelkit
    from previs.animatic.render import OffscreenRenderer
    from previs.pose.evaluate import BodyPoses
    from previs.sim.script import simulate

    def still(depth):
        lv = levelkit.level(levelkit.henry((5.0, 7.5), heading=0.0),
                            performers=[levelkit.performer(2, "Goon", (5.5, 5.0))],
                            walls_=pit_walls(depth), duration=1.0)
        motion = simulate(lv)
        with OffscreenRenderer(lv, (160, 90)) as r:
            r.draw(dataclasses.replace(motion.snapshot(0), pitch=-35.0), poses=BodyPoses(motion).at(0))
            return r.read_pixels().astype(int)

    pit, flat = still(-1.5), still(0.0)
    # the pit's floor, left of the performer (pixels 45..55 down, 62..72 across), is darker
    # than the plane there
    assert pit[45:55, 62:72].mean() < flat[45:55, 62:72].mean() - 15
    # the plane around the pit is the same in both pictures
    assert np.abs(pit[80:90, :] - flat[80:90, :]).max() <= 2

    def lowest_red_row(px):
        red = (px[..., 0] > 120) & (px[..., 1] < 80) & (px[..., 2] < 80)
        return int(np.nonzero(red.any(axis=1))[0].max())

    assert lowest_red_row(pit) >= lowest_red_row(flat) + 10  # his feet are down in the pit
