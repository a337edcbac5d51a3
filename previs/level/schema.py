"""Every custom property previs reads, per owner, with its Tiled type and the engine's default.

The one table of property names and defaults: the loader (:mod:`.build`) takes its
defaults from here, the level check (:mod:`.slips`) warns about any other name on the map
and on objects of known kinds, and ``tools/make_levels.py`` writes the Tiled project's
classes (``levels/previs.tiled-project``, ``levels/previs-objecttypes.xml``) from it, so
the editor never shows a value the engine does not use.

A field whose ``default`` is None has no fixed default: it is required (a beat's ``t``
and ``action``, a zone's ``kind``) or derived (a beat's ``duration`` comes from its
action's row in :mod:`.actions`, the map's ``duration`` from the fight, ``title`` from
the file name). The Tiled classes show such a field as an empty text field
(:func:`tiled_member`): a greyed 0.0 or 0.5 there would be a value previs never plays.
Units: metres, seconds, degrees; colours ``(r, g, b)`` 0..255; object references are
Tiled object ids, 0 = none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One property: ``type`` is the Tiled property type previs expects (``float``,
    ``int``, ``string``, ``color``, ``object``, ``bool``, ``file``); ``default`` is what the engine
    uses when it is absent (None: required or derived, see the module docstring);
    ``enum`` names the project's enum type for a string field, if any."""

    name: str
    type: str
    default: object = None
    enum: str | None = None


def _table(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


ZONE_KIND_ENUM = "ZoneKind"
LENS_ENUM = "Lens"
RISE_TO_ENUM = "RiseTo"
MAP_CLASS = "previs-map"
"""The Tiled 1.9+ class of the map: every map property with its default."""
TILE_CLASS = "previs-tile"
"""The Tiled 1.9+ class of a tile: every tile property with its default."""
PERFORMER_COLOR = (200, 60, 50)

MAP = _table(
    Field("title", "string"),  # default: the file name without .tmx
    # A production rate (previs.timebase.LEVEL_RATES): typed as a string in Tiled so "23.976"
    # and "24000/1001" can be written; an int or float property (levels before issue 16) reads too.
    Field("fps", "string", 24),
    Field("duration", "float"),  # default: last motion or beat end + 2 s
    Field("start_tc", "string", "00:00:00:00"),
    Field("tile_meters", "float", 1.0),
    Field("eye_height", "float", 1.7),
    Field("hfov", "float", 90.0),
    Field("max_take", "float", 60.0),
    Field("turn_cut_speed", "float", 150.0),
    Field("turn_cut_angle", "float", 40.0),
    Field("safety_distance", "float", 0.5),
    # lens (issue 14): a name in previs.lens.LENS_MODELS
    Field("lens", "string", "rectilinear", enum=LENS_ENUM),
    # The camera rig (issue 14): lens below / ahead of the eyes (m), stabiliser 0 raw .. 1 gimbal.
    Field("rig_height", "float", 0.1),
    Field("rig_forward", "float", 0.08),
    Field("stabilise", "float", 1.0),
    # Matching the pieces of an edit at its cuts (issue 19): tolerances and the hide window.
    Field("cut_match_distance", "float", 0.1),
    Field("cut_match_angle", "float", 5.0),
    Field("cut_match_performer", "float", 0.25),
    Field("cut_hide_window", "float", 0.125),
)
"""Map properties (*Map > Map Properties*)."""

_ACTOR = (
    Field("path", "object", 0),
    Field("speed", "float", 1.4),
    Field("start", "float", 0.0),
    Field("radius", "float", 0.3),
)
_BODY = (
    Field("prop", "string", ""),  # one of model.PROP_KINDS
    Field("mocap", "file", ""),  # a BVH file, relative to the map, inside the project
    Field("mocap_start", "float", 0.0),
)

OBJECTS: dict[str, dict[str, Field]] = {
    "henry": _table(*_ACTOR, Field("heading", "float", 0.0), *_BODY),
    "performer": _table(
        *_ACTOR, Field("height", "float", 1.8), Field("color", "color", PERFORMER_COLOR), Field("role", "string", ""),
        *_BODY,
    ),
    "path": _table(Field("holds", "string", "")),
    "beat": _table(
        Field("t", "float"),  # required
        Field("actor", "object", 0),  # required; 0 = none
        Field("action", "string"),  # required
        Field("target", "object", 0),
        Field("duration", "float"),  # the action's default (actions.py)
        Field("note", "string", ""),
    ),
    "zone": _table(Field("kind", "string", enum=ZONE_KIND_ENUM)),  # required
    "mark": _table(Field("height", "float", 1.5)),
}
"""Properties of each object kind previs knows, by kind (lower-case)."""

TILE = _table(
    Field("height", "float", 3.0), Field("color", "color"),
    # Floors with height (issue 14; previs.level.floors): on any layer but a walls layer.
    Field("elevation", "float", 0.0), Field("rise", "float", 0.0),
    Field("rise_to", "string", "north", enum=RISE_TO_ENUM), Field("steps", "int", 0),
)
"""Tile properties: a wall tile's ``height`` (m) and ``color`` (the block's colour on a
walls layer, default grey; the floor tint on an art layer, default none); a floor tile's
``elevation`` (m), ``rise`` (m), ``rise_to`` (north, east, south, west) and ``steps``."""

TILE_LAYER = _table(Field("walls", "bool", False))
"""Tile layer properties: ``walls = true`` makes any tile layer a walls layer."""


def default(owner: dict[str, Field], name: str):
    """The engine's default for property ``name`` of ``owner`` (one of the tables here)."""
    return owner[name].default


def tiled_member(f: Field) -> tuple[str, object]:
    """``(type, value)`` of ``f`` as a member of a Tiled class: the engine's default, or an
    empty string field when there is none (required or derived: nothing misleading shows);
    colours as Tiled's ``#aarrggbb``."""
    if f.default is None:
        return "string", ""
    if f.type == "color":
        r, g, b = f.default
        return "color", f"#ff{r:02x}{g:02x}{b:02x}"
    return f.type, f.default
