"""Object templates (``.tx``): pytmx does not resolve them, so the loader does, in the XML
tree, before pytmx sees it.

Tiled saves a template instance as ``<object id x y template="t.tx">`` plus only what the
instance overrides. Expanding it gives the object Tiled shows: the template object's
attributes under the instance's, its properties under the instance's (by name), its shape
(``<ellipse/>``, ``<point/>``, ``<polygon>``, ``<polyline>``, ``<text>``) unless the
instance has its own, and for tile templates its gid re-numbered from the template's
tileset to the map's copy of that tileset.
"""

from __future__ import annotations

import copy
from functools import cached_property
import math
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .tiledata import GID_FLAGS

SHAPE_TAGS = ("ellipse", "point", "polygon", "polyline", "text")
_DIGITS = re.compile(r"[0-9]{1,10}")


def _number(text) -> float | None:
    """A finite float from an attribute, or None (a damaged file; reported by the caller's
    later checks, which name the object)."""
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Template:
    """A parsed ``.tx``: its ``<object>`` and, for a tile template, the resolved path and
    firstgid of the tileset its gid counts in."""

    path: Path
    obj: ET.Element
    tileset: tuple[Path, int] | None

    @cached_property
    def property_count(self) -> int:
        """Custom properties each instance copies (at most; an instance's own override)."""
        holder = self.obj.find("properties")
        return 0 if holder is None else len(holder.findall("property"))


def parse_template(root: ET.Element, path: Path, resolve) -> Template:
    """Build a :class:`Template` from a ``<template>`` root. ``resolve(ref)`` resolves a
    reference relative to the template's folder (raising if it leaves the project).
    Raises ValueError with a reason if the template is unusable."""
    obj = root.find("object")
    if obj is None:
        raise ValueError("holds no <object>; re-save it from Tiled")
    tileset = None
    ts = root.find("tileset")
    if ts is not None and ts.get("source"):
        try:
            firstgid = int(ts.get("firstgid", "1"))
        except ValueError:
            raise ValueError("has a tileset whose firstgid is not a whole number") from None
        tileset = (resolve(ts.get("source")), firstgid)
    return Template(path, obj, tileset)


def _copy_property(p: ET.Element) -> ET.Element:
    """A copy of a template's ``<property>`` the loader may edit: a flat one (name, type,
    value, text) is rebuilt directly, ~10x faster than ``deepcopy`` (90 000 properties:
    0.15 s instead of 1.5 s); a class property with nested ones is deep-copied."""
    if len(p):
        return copy.deepcopy(p)
    out = ET.Element("property", dict(p.attrib))
    out.text = p.text
    return out


def apply_template(inst: ET.Element, tpl: Template, map_tilesets: dict[Path, int]) -> str | None:
    """Expand template instance ``inst`` in place. ``map_tilesets`` maps each external
    tileset's resolved path to its firstgid in the map. Returns a notice, or None."""
    notice = None
    attrs = dict(tpl.obj.attrib)
    attrs.pop("id", None)
    own = dict(inst.attrib)
    own.pop("template", None)
    if "gid" in attrs and "gid" not in own:
        raw = int(attrs["gid"]) if _DIGITS.fullmatch(attrs["gid"]) else 0
        flags, local = raw & GID_FLAGS, raw & ~GID_FLAGS
        target = map_tilesets.get(tpl.tileset[0]) if tpl.tileset else None
        if tpl.tileset and target is not None and local >= tpl.tileset[1]:
            attrs["gid"] = str((target + local - tpl.tileset[1]) | flags)
        else:
            # The map lacks the template's tileset: keep the object's footprint by turning
            # the tile (origin bottom-left) into the rectangle Tiled draws (origin top-left).
            attrs.pop("gid")
            h = _number(own.get("height", attrs.get("height", "0")) or 0)
            rot = _number(own.get("rotation", attrs.get("rotation", "0")) or 0)
            x, y = _number(own.get("x", "0")), _number(own.get("y", "0"))
            if None not in (h, rot, x, y):  # else the damaged attribute is reported later
                rot = math.radians(rot)
                own["x"], own["y"] = repr(x + h * math.sin(rot)), repr(y - h * math.cos(rot))
            notice = f"uses tile template '{tpl.path.name}' whose tileset is not in the map; placed by its outline"
    attrs.update(own)

    props: dict[str, ET.Element] = {}
    # Copies: one template serves many instances, and the loader edits properties later.
    for holder, mine in ((tpl.obj.find("properties"), False), (inst.find("properties"), True)):
        if holder is not None:
            for p in holder.findall("property"):
                props[p.get("name", "")] = p if mine else _copy_property(p)
    shape = next((c for c in inst if c.tag in SHAPE_TAGS), None)
    if shape is None:
        shape = next((copy.deepcopy(c) for c in tpl.obj if c.tag in SHAPE_TAGS), None)

    inst.attrib.clear()
    inst.attrib.update(attrs)
    for child in list(inst):
        inst.remove(child)
    if props:
        holder = ET.SubElement(inst, "properties")
        holder.extend(props.values())
    if shape is not None:
        inst.append(shape)
    return notice
