"""The duel fixture for the expectation tests, and ways to break it: copy
``tests/data/expect/duel.tmx`` with edits to its XML (a beat moved, a speed changed, a wall
added, a path end moved; positions in Tiled pixels, 32 per metre), write an expectation
file beside it, run it and read the results; ``plugin_args`` loads the pytest plugin in a
child pytest. The fixture itself is described in ``test_expect_checks.py``."""

from __future__ import annotations

import importlib.metadata
import xml.etree.ElementTree as ET
from pathlib import Path

from previs.testing.runner import Session, run_file

DATA = Path(__file__).resolve().parent / "data" / "expect"


# -- fixture editing ---------------------------------------------------------------------


def _obj(root, name):
    for o in root.iter("object"):
        if o.get("name") == name:
            return o
    raise KeyError(name)


def set_prop(root, obj_name, prop, value):
    """Set a property of the object named ``obj_name`` (adding it if missing)."""
    o = _obj(root, obj_name)
    props = o.find("properties")
    for p in props.iter("property"):
        if p.get("name") == prop:
            p.set("value", str(value))
            return
    ET.SubElement(props, "property", {"name": prop, "type": "float", "value": str(value)})


def move_path_end(root, path_name, dx_m):
    """Move the last vertex of a polyline path by ``dx_m`` metres east (32 px per metre)."""
    pl = _obj(root, path_name).find("polyline")
    pts = [p.split(",") for p in pl.get("points").split()]
    pts[-1][0] = f"{float(pts[-1][0]) + 32 * dx_m:g}"
    pl.set("points", " ".join(",".join(p) for p in pts))


def add_wall(root, row, col):
    data = root.find("layer/data")
    rows = [r.rstrip(",").split(",") for r in data.text.strip().splitlines()]
    rows[row][col] = "1"
    data.text = "\n" + ",\n".join(",".join(r) for r in rows) + "\n"


def duel(tmp_path: Path, expect: str, *edits) -> Path:
    """Copy the duel fixture into ``tmp_path``, apply ``edits`` (functions of the XML
    root), write ``expect`` beside it as duel.expect.toml; return its path."""
    tree = ET.parse(DATA / "duel.tmx")
    for e in edits:
        e(tree.getroot())
    tree.write(tmp_path / "duel.tmx", encoding="UTF-8", xml_declaration=True)
    p = tmp_path / "duel.expect.toml"
    p.write_text(expect, encoding="utf-8")
    return p


def results(path: Path, update: bool = False) -> dict:
    rep = run_file(Session(), path, update)
    assert not rep.problems, rep.problems
    return {r.expectation.id: r for r in rep.results}


def passes(path: Path, update: bool = False) -> None:
    res = results(path, update)
    bad = {k: r.text() for k, r in res.items() if not r.ok}
    assert not bad, bad


def failure(path: Path, ident: str) -> str:
    """The failure text of expectation ``ident`` (which must fail)."""
    res = results(path)
    r = res[ident]
    assert not r.ok, f"{ident} passed"
    return r.text()


def beat_at(name, t):
    return lambda root: set_prop(root, name, "t", t)


def speed(name, v):
    return lambda root: set_prop(root, name, "speed", v)


def duration(name, v):
    return lambda root: set_prop(root, name, "duration", v)


def plugin_args() -> list[str]:
    """``-p previs.testing.pytest_plugin`` unless the pytest11 entry point already loads it."""
    eps = importlib.metadata.entry_points(group="pytest11")
    if any(ep.value == "previs.testing.pytest_plugin" for ep in eps):
        return []
    return ["-p", "previs.testing.pytest_plugin"]
