"""The pytmx boundary: importing pytmx without pygame, the casts pytmx applies, and making
an element tree safe for those casts before :func:`previs.level.tmx.read_map` hands it over.
"""

from __future__ import annotations

import logging
import math
import sys
from typing import Any
from xml.etree import ElementTree as ET

from .diagnostics import Problems
from .templates import SHAPE_TAGS
from .tree_checks import object_label


def _import_pytmx():
    """Import pytmx without letting it import pygame.

    ``pytmx/__init__`` tries ``pytmx.util_pygame`` (which imports pygame, ~100 ms and an SDL
    init banner) whenever pygame is installed. The level core must stay free of pygame, so
    unless the process already imported pygame, ``sys.modules['pygame'] = None`` makes that
    import fail fast (pytmx catches the ImportError); pytmx logs the failure at ERROR level,
    so logging is muted for the import. Both are restored afterwards."""
    if "pytmx" in sys.modules:
        return sys.modules["pytmx"]
    if sys.modules.get("pygame") is not None:
        import pytmx

        return pytmx
    missing = object()
    saved = sys.modules.get("pygame", missing)
    sys.modules["pygame"] = None  # type: ignore[assignment]
    previous_disable = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        import pytmx
    finally:
        logging.disable(previous_disable)
        if saved is missing:
            sys.modules.pop("pygame", None)
        else:
            sys.modules["pygame"] = saved  # type: ignore[assignment]
    return pytmx


pytmx = _import_pytmx()
_PYTMX_ATTR_TYPES = pytmx.pytmx.types  # attribute name -> cast pytmx applies
_PYTMX_PROP_TYPES = pytmx.pytmx.prop_type  # property type -> cast pytmx applies
# pytmx logs (e.g. reserved property names) at ERROR; keep that off a user's terminal
# unless the application configured logging itself.
logging.getLogger("pytmx").addHandler(logging.NullHandler())



def no_images(filename, colorkey, **kwargs):
    """pytmx image loader that loads nothing: the engine never needs tileset images, and a
    missing image must not stop a level from loading."""
    return lambda rect=None, flags=None: None


def xml_properties(el: ET.Element) -> dict[str, Any]:
    """Custom properties of an element read straight from XML, typed like pytmx does but
    never failing: a value that does not cast stays a string for the caller to report."""
    out: dict[str, Any] = {}
    holder = el.find("properties")
    if holder is None:
        return out
    for p in holder.findall("property"):
        ptype = p.get("type", "string")
        if ptype == "class":
            continue
        value = p.get("value")
        if value is None:
            value = p.text or ""
        try:
            if ptype == "int" or ptype == "object":
                value = int(value)
            elif ptype == "float":
                value = float(value)
            elif ptype == "bool":
                value = pytmx.pytmx.convert_to_bool(value)
        except ValueError:
            pass
        out[p.get("name", "")] = value
    return out



def sanitize_for_pytmx(root: ET.Element, problems: Problems) -> None:
    """Make sure pytmx's casts cannot raise: report attributes it would fail to cast (a
    damaged file), and demote custom properties whose declared type does not fit their
    value to plain strings (the level checks report them by name, with a fix)."""
    for el in root.iter():
        if el.tag in ("properties", "property", "data", "tile", "chunk") or el.tag in SHAPE_TAGS:
            continue
        for key, value in el.attrib.items():
            cast = _PYTMX_ATTR_TYPES.get(key, str)
            if cast is str:
                continue
            try:
                v = cast(value)
            except (ValueError, TypeError):
                v = None
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                who = object_label(el) if el.tag == "object" else f"{el.tag} '{el.get('name', '')}'"
                problems.error(who, f"attribute {key}={value!r} is not a usable number", "the file is damaged: re-save it from Tiled")
    for holder in root.iter("properties"):
        for p in list(holder.findall("property")):
            ptype = p.get("type")
            if ptype is None:
                continue
            if ptype == "class" or ptype not in _PYTMX_PROP_TYPES:
                # class-typed (nested) properties carry nothing the contract reads
                if ptype == "class":
                    holder.remove(p)
                else:
                    del p.attrib["type"]
                continue
            try:
                _PYTMX_PROP_TYPES[ptype](p.get("value"))
            except (ValueError, TypeError, KeyError, AttributeError):
                del p.attrib["type"]

