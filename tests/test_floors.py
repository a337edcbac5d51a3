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
