"""One source of defaults (issue 15): every member of every class in the Tiled project (and
in the Tiled 1.8 object types file) is the engine's default, read back from what the
loader builds for a bare object; where the engine has none (required, or the action's
default duration) the class shows an empty text field, never a value previs does not use.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from previs.level import schema
from previs.level.actions import ACTIONS
from previs.level.loader import load_level
from previs.level.model import Actor, Settings
from previs.errors import LevelError
from tmxkit import HENRY, make_map, obj, ref


def problems_of(path) -> list[str]:
    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value.problems

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "levels" / "previs.tiled-project"
OBJECTTYPES = ROOT / "levels" / "previs-objecttypes.xml"


def project_classes() -> dict[str, dict[str, tuple[str, object]]]:
    """class -> member -> (type, value) as the committed project gives them."""
    types = json.loads(PROJECT.read_text(encoding="utf-8"))["propertyTypes"]
    return {t["name"]: {m["name"]: (m["type"], m["value"]) for m in t["members"]}
            for t in types if t["type"] == "class"}


def objecttypes() -> dict[str, dict[str, tuple[str, str]]]:
    root = ET.parse(OBJECTTYPES).getroot()
    return {ot.get("name"): {p.get("name"): (p.get("type"), p.get("default")) for p in ot} for ot in root}


def test_project_classes_are_the_engines_table():
    classes = project_classes()
    assert sorted(classes) == sorted([*schema.OBJECTS, schema.MAP_CLASS, schema.TILE_CLASS])
    for kind, table in schema.OBJECTS.items():
        assert classes[kind] == {f.name: schema.tiled_member(f) for f in table.values()}, kind


def test_map_and_tile_classes_carry_every_map_and_tile_property_with_its_enum():
    types = {t["name"]: t for t in json.loads(PROJECT.read_text(encoding="utf-8"))["propertyTypes"]}
    for cls, table, use in ((schema.MAP_CLASS, schema.MAP, ["map"]), (schema.TILE_CLASS, schema.TILE, ["tile"])):
        assert types[cls]["useAs"] == use
        members = {m["name"]: m for m in types[cls]["members"]}
        assert {n: (m["type"], m["value"]) for n, m in members.items()} == \
            {f.name: schema.tiled_member(f) for f in table.values()}, cls
        assert {n: m.get("propertyType") for n, m in members.items() if "propertyType" in m} == \
            {f.name: f.enum for f in table.values() if f.enum}, cls
    assert types["previs-map"]["members"][[m["name"] for m in types["previs-map"]["members"]].index("lens")] \
        == {"name": "lens", "propertyType": "Lens", "type": "string", "value": "rectilinear"}
    from previs.lens import LENS_MODELS
    from previs.level.floors import DIRECTIONS
    assert types["Lens"]["values"] == list(LENS_MODELS)
    assert types["RiseTo"]["values"] == list(DIRECTIONS)
    # the Tiled 1.8 object types file stays objects only
    assert sorted(objecttypes()) == sorted(schema.OBJECTS)


def test_a_map_and_tile_saved_with_their_tiled_class_load_as_before(tmp_path):
    """Tiled 1.9+ writes ``class="previs-map"`` on the map element and the tile's class on
    the tile: previs reads the properties, not the class, so both load as before."""
    walls = [[1, 0, 0, 0, 0, 0]] + [[0] * 6] * 4
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = load_level(make_map(tmp_path / "a", HENRY, walls=walls))
    tileset = (
        '<tileset firstgid="1" name="blocks" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
        '<tile id="0" class="previs-tile"><properties><property name="height" type="float" value="2.5"/>'
        '<property name="color" type="color" value="#ffff0000"/></properties></tile></tileset>')
    m = make_map(tmp_path / "b", HENRY, walls=walls, map_attrs='class="previs-map"', tilesets=tileset)
    assert 'class="previs-map"' in m.read_text(encoding="utf-8")
    classed = load_level(m)
    assert classed.settings == plain.settings
    assert classed.walls.height[0, 0] == plain.walls.height[0, 0] == 2.5


def test_tiled_18_object_types_are_the_same_classes():
    classes, types = project_classes(), objecttypes()
    for not_objects in (schema.MAP_CLASS, schema.TILE_CLASS):  # Tiled 1.8 has object types only
        del classes[not_objects]
    assert sorted(types) == sorted(classes)
    for kind, members in classes.items():
        as_text = {n: (t, v if isinstance(v, str) else f"{v:g}") for n, (t, v) in members.items()}
        assert types[kind] == as_text, kind


def test_the_committed_project_is_what_make_levels_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_levels", ROOT / "tools" / "make_levels.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[spec.name]
    mod.write_project(tmp_path)
    assert (tmp_path / PROJECT.name).read_bytes() == PROJECT.read_bytes()
    assert (tmp_path / OBJECTTYPES.name).read_bytes() == OBJECTTYPES.read_bytes()


def _engine_value(actor: Actor, name: str):
    v = getattr(actor, name)
    if name == "path":
        return 0 if v is None else v.id
    if name == "mocap":  # the parsed BVH take; the class shows the file property's "" (none)
        return "" if v is None else v.path
    if name == "color":
        return "#ff%02x%02x%02x" % v
    return v


@pytest.mark.parametrize("kind", ["henry", "performer"])
def test_actor_class_defaults_are_what_the_loader_gives_a_bare_object(kind, tmp_path):
    objects = HENRY if kind == "henry" else HENRY + obj(2, "performer", "Goon", 96, 96)
    level = load_level(make_map(tmp_path, objects))
    actor = level.henry if kind == "henry" else level.performers[0]
    members = project_classes()[kind]
    assert sorted(members) == sorted(schema.OBJECTS[kind])
    for name, (_, value) in members.items():
        assert _engine_value(actor, name) == value, name
        # and the model's own dataclass default agrees (code that builds levels directly)
        field = next(f for f in dataclasses.fields(Actor) if f.name == name)
        assert _engine_value(dataclasses.replace(actor, **{name: field.default}), name) == value, name


def test_path_class_default(tmp_path):
    objects = obj(1, "henry", "H", 16, 16, {"path": ref(2)}) + obj(2, "path", "", 16, 16, shape='<polyline points="0,0 32,0"/>')
    assert project_classes()["path"] == {"holds": ("string", "")}
    assert load_level(make_map(tmp_path, objects)).henry.path.holds == ()


def test_beat_class_shows_nothing_previs_would_not_play(tmp_path):
    members = project_classes()["beat"]
    # t and action are required: an empty field, and a beat without them is refused
    assert (members["t"], members["action"], members["actor"]) == (("string", ""), ("string", ""), ("object", 0))
    m = make_map(tmp_path, HENRY + obj(2, "beat", "b", 0, 0, {"actor": ref(1)}))
    assert [p.split(": ", 2)[2] for p in problems_of(m)] == [
        "has no t (when it happens, in seconds); add a float property 't'.",
        "has no action; add a string property 'action': " + ", ".join(ACTIONS) + ", or any word.",
    ]
    # duration depends on the action (0.25 s for a look, 0.5 s for the rest): empty too
    assert members["duration"] == ("string", "")
    goon = obj(2, "performer", "Goon", 64, 48)
    beats = "".join(obj(10 + i, "beat", "", 0, 0, {"t": 1.0 + i, "actor": ref(1), "action": a, "target": ref(2)})
                    for i, a in enumerate(("look", "shove", "wave")))
    level = load_level(make_map(tmp_path, HENRY + goon + beats))
    assert [(b.action, b.duration) for b in level.beats] == [("look", 0.25), ("shove", 0.5), ("wave", 0.5)]
    # target and note: none and "" in both
    assert (members["target"], members["note"]) == (("object", 0), ("string", ""))
    assert (level.beats[0].target, level.beats[2].note) == (2, "")


def test_zone_kind_is_required_so_the_class_shows_none(tmp_path):
    assert project_classes()["zone"] == {"kind": ("string", "")}
    types = json.loads(PROJECT.read_text(encoding="utf-8"))["propertyTypes"]
    (zone,) = [t for t in types if t["name"] == "zone"]
    assert zone["members"][0]["propertyType"] == "ZoneKind"
    m = make_map(tmp_path, HENRY + obj(2, "zone", "z", 0, 0, attrs='width="32" height="32"', shape=""))
    assert problems_of(m)[0].endswith("object 2 'z' (zone): has no kind; add a string property 'kind': "
                                      "one of no-go, pyro, rig, crash-mat, set.")


def test_map_defaults_are_the_loaders_and_the_models(tmp_path):
    s = load_level(make_map(tmp_path, HENRY)).settings
    for name, f in schema.MAP.items():
        if f.default is None:
            continue
        assert getattr(s, name) == f.default, name
        assert next(x for x in dataclasses.fields(Settings) if x.name == name).default == f.default, name
    assert (s.title, s.duration) == ("level", 2.0)  # derived: the file name; last motion + 2 s
