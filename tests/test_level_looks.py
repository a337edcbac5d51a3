"""Looks at anything with a position (issue 15): a beat's ``target`` may be a ``mark`` (a
door, a window, where a sound comes from); a look of Henry's whose target walls hide for
the whole look is one warning, with its exact text.

Maps are 32 px tiles of 1 m (``make_map``): pixel 32 = 1 m; Henry stands at (1.5, 1.5).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from previs.errors import LevelError
from previs.level.loader import load_level
from previs.plan.cuts import find_swings
from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.script import simulate
from tmxkit import HENRY, make_map, obj, ref


def notices(path) -> list[str]:
    return list(load_level(path).notices)


def problems_of(path) -> list[str]:
    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value.problems


def look(oid: int, t: float, actor: int, target: int, duration: float | None = None) -> str:
    props = {"t": t, "actor": ref(actor), "action": "look", "target": ref(target)}
    if duration is not None:
        props["duration"] = duration
    return obj(oid, "beat", f"{t:g}s look", 0, 0, props)


# A wall across column 3 (x 3..4 m), rows 0..4: it splits the 6 x 5 m map east from west.
WALL = np.zeros((5, 6), int)
WALL[:, 3] = 1


def test_a_look_at_a_performer_behind_a_wall_is_one_warning(tmp_path):
    goon = obj(2, "performer", "Cook", 32 * 5.0, 48)  # (5.0, 1.5): east of the wall
    m = make_map(tmp_path, HENRY + goon + look(3, 1.0, 1, 2), walls=WALL)
    assert notices(m) == [
        f"{m}: object 3 '1s look' (beat): Henry's look (1-1.25 s) at Cook: walls hide Cook from Henry's eyes "
        "for the whole look (to the end of the replay); time the look for when Cook is in sight, or look at a mark "
        "(a door, a window) instead."]


def test_the_same_look_with_the_wall_gone_or_the_goon_in_sight_for_a_frame_is_fine(tmp_path):
    goon = obj(2, "performer", "Cook", 32 * 5.0, 48)
    assert notices(make_map(tmp_path, HENRY + goon + look(3, 1.0, 1, 2), name="open.tmx")) == []
    # A short wall (rows 0-1) hides Cook standing at (5, 1.5); walking south from 3 s at
    # 4 m/s he comes into sight while Henry still tracks him (the look lasts until his
    # next look at another target, here the end): that look is fine.
    wall = np.zeros((5, 6), int)
    wall[:2, 3] = 1
    path = obj(4, "path", "", 32 * 5.0, 48, shape='<polyline points="0,0 0,96"/>')  # (5, 1.5) -> (5, 4.5)
    walker = obj(2, "performer", "Cook", 32 * 5.0, 48, {"path": ref(4), "speed": 4.0, "start": 3.0})
    assert notices(make_map(tmp_path, HENRY + walker + path + look(3, 1.0, 1, 2), walls=wall)) == []
    # ... but not if Henry looks at someone else (the Door) before Cook comes out at 3 s.
    door = obj(5, "mark", "Door", 32 * 1.5, 32 * 4.5)
    m = make_map(tmp_path, HENRY + walker + path + door + look(3, 1.0, 1, 2) + look(6, 2.0, 1, 5), walls=wall,
                 name="away.tmx")
    assert notices(m) == [
        f"{m}: object 3 '1s look' (beat): Henry's look (1-1.25 s) at Cook: walls hide Cook from Henry's eyes for the "
        "whole look (until 2 s, when he looks at another); time the look for when Cook is in sight, or look at a mark "
        "(a door, a window) instead."]
    # Two looks in a row at Cook are one look: the second one sees him come out.
    m = make_map(tmp_path, HENRY + walker + path + look(3, 1.0, 1, 2) + look(6, 2.0, 1, 2), walls=wall, name="twice.tmx")
    assert notices(m) == []


def test_a_low_wall_under_the_sight_line_hides_nobody(tmp_path):
    # A 1.1 m counter (tile 2 of a tileset whose tile 1 is low): Henry's eye at 1.7 m sees
    # the head (0.95 x 1.8 = 1.71 m) over it.
    tilesets = ('<tileset firstgid="1" name="blocks" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
                '<tile id="0"><properties><property name="height" type="float" value="1.1"/></properties></tile>'
                '</tileset>')
    goon = obj(2, "performer", "Cook", 32 * 5.0, 48)
    assert notices(make_map(tmp_path, HENRY + goon + look(3, 1.0, 1, 2), walls=WALL, tilesets=tilesets)) == []


def test_a_look_at_a_mark_turns_henrys_head_there(tmp_path):
    # Henry faces north (heading 0); the door is 3 m east and 1 m south of him: yaw
    # atan2(-3, -1) = -108.43 deg (a right turn), pitch down to its 1.2 m height.
    door = obj(2, "mark", "Door", 32 * 4.5, 32 * 2.5, {"height": 1.2})
    m = make_map(tmp_path, HENRY + door + look(3, 1.0, 1, 2))
    level = load_level(m)
    assert level.notices == ()
    (mark,) = level.marks
    assert (mark.id, mark.name, mark.position, mark.height) == (2, "Door", (4.5, 2.5), 1.2)
    motion = simulate(level)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    (swing,) = [s for s in find_swings(motion.track.yaw, level.settings.fps) if s.angle > 40]
    want = math.degrees(math.atan2(-3.0, -1.0))
    assert motion.track.yaw[swing.settle_frame] == pytest.approx(want, abs=0.5)
    assert motion.track.yaw[-1] == pytest.approx(want, abs=1e-9)
    assert motion.track.pitch[-1] == pytest.approx(math.degrees(math.atan2(1.2 - 1.7, math.hypot(3, 1))), abs=1e-9)
    (cut,) = plan.cuts
    assert (cut.direction, cut.settle_frame) == ("right", swing.settle_frame)
    assert [b.label for s in plan.shots for b in s.beats] == ["Henry look Door"]


def test_a_mark_has_a_default_height_and_counts_as_a_target_for_labels(tmp_path):
    door = obj(2, "mark", "", 32 * 4.5, 32 * 2.5)
    shout = obj(3, "beat", "shout", 0, 0, {"t": 1.0, "actor": ref(1), "action": "shout", "target": ref(2)})
    level = load_level(make_map(tmp_path, HENRY + door + shout))
    assert (level.marks[0].name, level.marks[0].height) == ("mark 2", 1.5)
    assert level.beats[0].target == 2 and level.notices == ()


def test_a_performer_looking_at_a_mark_faces_it(tmp_path):
    goon = obj(2, "performer", "Goon", 32 * 1.5, 32 * 3.5)  # (1.5, 3.5): Henry is 2 m north, yaw 0
    door = obj(3, "mark", "Window", 32 * 4.5, 32 * 3.5)  # 3 m east of the goon: yaw -90
    level = load_level(make_map(tmp_path, HENRY + goon + door + look(4, 1.0, 2, 3)))
    motion = simulate(level)
    fps = int(level.settings.fps)  # an exact Fraction (24): a whole number of frames here
    assert motion.perf_facing[fps - 1, 0] == pytest.approx(0.0)  # watching Henry until the look
    assert motion.perf_facing[fps, 0] == pytest.approx(-90.0)


def test_a_blow_at_a_mark_is_refused(tmp_path):
    door = obj(2, "mark", "Door", 32 * 2.5, 48)
    punch = obj(3, "beat", "p", 0, 0, {"t": 1.0, "actor": ref(1), "action": "punch", "target": ref(2)})
    assert problems_of(make_map(tmp_path, HENRY + door + punch)) == [
        f"{tmp_path / 'level.tmx'}: object 3 'p' (beat): target points to object 2 'Door' (mark), which is not "
        "henry or a performer; pick henry or a performer in Tiled's object picker."]


def test_a_mark_must_be_a_point(tmp_path):
    door = obj(2, "mark", "Door", 0, 0, shape='<polyline points="0,0 32,0"/>')
    m = make_map(tmp_path, HENRY + door + look(3, 1.0, 1, 2))
    assert problems_of(m) == [
        f"{m}: object 2 'Door' (mark): is a polyline; a mark must be a point object (or an ellipse, which means "
        "its centre); redraw it with the Insert Point tool.",
        f"{m}: object 3 '1s look' (beat): target Door was refused above (object 2); fix that object first."]


def test_a_look_at_a_mark_behind_a_wall_is_one_warning_too(tmp_path):
    door = obj(2, "mark", "Back door", 32 * 5.0, 48)
    m = make_map(tmp_path, HENRY + door + look(3, 1.0, 1, 2), walls=WALL)
    assert notices(m) == [
        f"{m}: object 3 '1s look' (beat): Henry's look (1-1.25 s) at Back door: walls hide Back door from Henry's "
        "eyes for the whole look (to the end of the replay); time the look for when Back door is in sight, or look "
        "at a mark (a door, a window) instead."]
