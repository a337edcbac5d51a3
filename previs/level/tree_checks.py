"""Structural checks on a map's element tree before anything is decoded or expanded: the
header (orthogonal, finite, sizes), where layers sit (and their offsets), object ids,
counts and point lists.
"""

from __future__ import annotations

import math
from xml.etree import ElementTree as ET

from . import limits
from .diagnostics import Problems, describe
from .templates import SHAPE_TAGS

LAYER_TAGS = ("layer", "objectgroup", "imagelayer", "group")


def object_label(obj: ET.Element) -> str:
    """``object 12 'Goon 3' (performer)`` from an ``<object>`` element, before pytmx."""
    kind = (obj.get("type") or obj.get("class") or "").strip()
    return describe(obj.get("id", "?"), obj.get("name", ""), kind)  # type: ignore[arg-type]


def int_attr(el: ET.Element, name: str, default: int | None = None) -> int | None:
    value = el.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return None


def check_header(root: ET.Element, problems: Problems) -> tuple[int, int, int, int]:
    """Orientation, finiteness and sizes, before anything is decoded."""
    orientation = root.get("orientation", "orthogonal")
    if orientation != "orthogonal":
        problems.error(
            None,
            f"is a{'n' * orientation[:1].lower().startswith(tuple('aeiou'))} {orientation} map; "
            "previs levels are orthogonal (square grid, top-down)",
            "start from a new orthogonal map in Tiled (File > New > New Map, Orientation: Orthogonal)",
        )
    if root.get("infinite", "0") not in ("0", ""):
        problems.error(
            None,
            "is an infinite map; previs levels are fixed-size maps whose grid is the set",
            "in Tiled, Map > Map Properties, untick Infinite (the map is cropped to the used area) and save",
        )
    sizes = []
    for name in ("width", "height", "tilewidth", "tileheight"):
        v = int_attr(root, name)
        top = limits.MAX_TILE_PIXELS if name.startswith("tile") else limits.MAX_MAP_TILES
        if v is None or not 1 <= v <= top:
            problems.error(None, f"map attribute {name}={root.get(name)!r} is not a whole number from 1 to {top}", "re-save the map from Tiled")
            v = 1
        sizes.append(v)
    width, height, tw, th = sizes
    if width * height > limits.MAX_MAP_TILES:
        problems.error(
            None,
            f"claims {width}x{height} = {width * height} tiles, more than the {limits.MAX_MAP_TILES} "
            f"(1024x1024) a level may have; refused before decoding any tile data",
            "split the set into smaller levels or use a larger tile_meters",
        )
    problems.raise_if_errors()
    return width, height, tw, th


def walk_layers(parent: ET.Element, ox: float, oy: float, out: list, problems: Problems):
    """Every layer element in document order (pytmx's ``.//layer`` order) with its
    accumulated pixel offset; offsets are removed from the tree (pytmx casts them to int)."""
    for child in parent:
        if child.tag not in LAYER_TAGS:
            continue
        try:
            dx = float(child.attrib.pop("offsetx", 0) or 0)
            dy = float(child.attrib.pop("offsety", 0) or 0)
            if not (math.isfinite(dx) and math.isfinite(dy)):
                raise ValueError
        except ValueError:
            problems.error(f"layer '{child.get('name', '')}'", "has an offset that is not a finite number", "re-save the map from Tiled")
            dx = dy = 0.0
        out.append((child, ox + dx, oy + dy))
        if child.tag == "group":
            walk_layers(child, ox + dx, oy + dy, out, problems)


def prune(root: ET.Element, keep: set[int]) -> None:
    """Remove every layer, group, tileset and image layer that is not where Tiled puts it
    (``keep``: ids of the map's own tilesets and of layers reached through groups).
    pytmx searches ``.//layer``, ``.//objectgroup`` etc. anywhere in the tree, so a tile
    layer hidden inside an object group would reach pytmx's unbounded decoder, and a
    tileset hidden in a group would make pytmx open a file. Image layers go too: they
    hold only pictures, which the engine never reads."""
    tags = ("layer", "objectgroup", "imagelayer", "group", "tileset")
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in tags and id(child) not in keep:
                parent.remove(child)


def shape_of(obj: ET.Element) -> str:
    for child in obj:
        if child.tag in SHAPE_TAGS:
            return "rectangle" if child.tag == "text" else child.tag
    return "tile" if obj.get("gid") not in (None, "", "0") else "rectangle"


def check_objects(root: ET.Element, groups: list, rd) -> None:
    """Count limits, ids and point lists. Objects saved by Tiled before 0.11 have no id:
    like Tiled, give them the next free ids (from the map's ``nextobjectid``), with a
    notice, so that the map still loads."""
    problems = rd.problems
    count = points = 0
    ids: dict[int, str] = {}
    all_objs = [o for og, _, _ in groups for o in og.findall("object")]
    present = [v for o in all_objs if (v := int_attr(o, "id")) is not None]
    next_id = max([int_attr(root, "nextobjectid", 1) or 1, *(v + 1 for v in present)])
    assigned = []
    for obj in all_objs:
        if obj.get("id") is None:
            obj.set("id", str(next_id))
            assigned.append(next_id)
            next_id += 1
    if assigned:
        rd.notices.append(
            f"{rd.source}: {len(assigned)} object{'s' * (len(assigned) > 1)} had no id (saved by Tiled before 0.11) "
            f"and got ids {assigned[0]}-{assigned[-1]}; re-save the map in Tiled to keep them."
        )
    for og, _, _ in groups:
        for obj in og.findall("object"):
            count += 1
            oid = int_attr(obj, "id")
            label = object_label(obj)
            if oid is None or oid < 1:
                problems.error(label, "has an id that is not a whole number from 1", "the file is damaged: re-save it from Tiled")
            elif oid in ids:
                problems.error(label, f"has the same id as {ids[oid]}", "the file is damaged: re-save it from Tiled")
            else:
                ids[oid] = label
            if len(obj.get("name", "")) > limits.MAX_NAME_CHARS:
                problems.error(label, f"has a name of {len(obj.get('name', ''))} characters, more than the "
                               f"{limits.MAX_NAME_CHARS} a name may have", "shorten it")
            for poly in (obj.find("polygon"), obj.find("polyline")):
                if poly is None:
                    continue
                poly.set("points", poly.get("points") or "")  # pytmx cannot split None
                pts = poly.get("points").split()
                points += len(pts)
                if len(pts) > limits.MAX_POINTS_PER_OBJECT:
                    problems.error(label, f"has {len(pts)} points, more than the {limits.MAX_POINTS_PER_OBJECT} limit", "simplify the line")
                    continue
                for pair in pts:
                    xy = pair.split(",")
                    try:
                        ok = len(xy) == 2 and all(math.isfinite(float(c)) for c in xy)
                    except ValueError:
                        ok = False
                    if not ok:
                        problems.error(label, f"has a point {pair!r} that is not two finite numbers", "the file is damaged: re-save it from Tiled")
                        poly.set("points", "")
                        break
    if count > limits.MAX_OBJECTS:
        problems.error(None, f"has {count} objects, more than the {limits.MAX_OBJECTS} a level may have", "split the level")
    if points > limits.MAX_POINTS:
        problems.error(None, f"has {points} polyline/polygon points, more than the {limits.MAX_POINTS} a level may have", "simplify the paths")

