"""Realistic choreography edits on a copy of the bundled levels (issue 17's edit table in
docs/testing.md): copy ``levels/`` to a temporary folder, edit one map's XML the way an
author would in Tiled (a beat moved, a wall cell removed, a performer added, a property
changed), and leave its expectation file and goldens as they were signed off."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

LEVELS = Path(__file__).resolve().parent.parent / "levels"
PX = 32.0  # Tiled pixels per tile in the bundled maps


def bundled_copy(dst: Path, name: str, *edits, only: bool = True) -> Path:
    """Copy levels/ into ``dst`` (tilesets, templates, project file), apply ``edits``
    (functions of the XML root) to ``name``.tmx; with ``only``, drop the other levels'
    expectation files. Returns the copied expectation file."""
    shutil.copytree(LEVELS, dst)
    if only:
        for e in dst.glob("*.expect.toml"):
            if e.name != f"{name}.expect.toml":
                e.unlink()
    tmx = dst / f"{name}.tmx"
    tree = ET.parse(tmx)
    for edit in edits:
        edit(tree.getroot())
    tree.write(tmx, encoding="UTF-8", xml_declaration=True)
    return dst / f"{name}.expect.toml"


def _object(root, object_id: int):
    for o in root.iter("object"):
        if o.get("id") == str(object_id):
            return o
    raise KeyError(object_id)


def set_prop(object_id: int, prop: str, value, type_: str = "float"):
    """Set (or add) property ``prop`` of object ``object_id``."""
    def edit(root):
        o = _object(root, object_id)
        props = o.find("properties")
        for p in props.iter("property"):
            if p.get("name") == prop:
                p.set("value", str(value))
                return
        ET.SubElement(props, "property", {"name": prop, "type": type_, "value": str(value)})
    return edit


def set_map_prop(prop: str, value):
    def edit(root):
        for p in root.find("properties").iter("property"):
            if p.get("name") == prop:
                p.set("value", str(value))
                return
        raise KeyError(prop)
    return edit


def move_object(object_id: int, dx_m: float = 0.0, dz_m: float = 0.0):
    def edit(root):
        o = _object(root, object_id)
        o.set("x", f"{float(o.get('x')) + PX * dx_m:g}")
        o.set("y", f"{float(o.get('y')) + PX * dz_m:g}")
    return edit


def set_wall(row: int, col: int, gid: int):
    """Set one cell of the ``walls`` layer (0: no wall)."""
    def edit(root):
        layer = next(lay for lay in root.iter("layer") if lay.get("name") == "walls")
        data = layer.find("data")
        rows = [r.rstrip(",").split(",") for r in data.text.strip().splitlines()]
        rows[row][col] = str(gid)
        data.text = "\n" + ",\n".join(",".join(r) for r in rows) + "\n"
    return edit


def remove_object(object_id: int):
    def edit(root):
        for group in root.iter("objectgroup"):
            for o in list(group):
                if o.get("id") == str(object_id):
                    group.remove(o)
                    return
        raise KeyError(object_id)
    return edit


def add_performer(name: str, x_m: float, z_m: float, object_id: int = 900):
    """A bystander standing at (x, z): a performer with no path."""
    def edit(root):
        group = next(g for g in root.iter("objectgroup") if any(o.get("type") == "performer" for o in g))
        o = ET.SubElement(group, "object", {"id": str(object_id), "name": name, "type": "performer",
                                            "x": f"{x_m * PX:g}", "y": f"{z_m * PX:g}"})
        ET.SubElement(o, "point")
        nxt = int(root.get("nextobjectid"))
        root.set("nextobjectid", str(max(nxt, object_id + 1)))
    return edit
