"""Tiled maps written in code for the level tests: a map builder (``make_map``, ``obj``,
``ref``), the two committed maps (``BASIC``, ``EXT``), re-encoding a map's tile data
(``reencode``), comparing two loaded levels (``same_model``), and ``refused``: ``previs
check`` refuses a file within the hard time and memory bounds.

Map coordinates are Tiled pixels (32 px per metre unless a test says otherwise)."""

from __future__ import annotations

import argparse
import base64
import dataclasses
import gzip
import re
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np

from previs.cli import cmd_check
from previs.level.model import Level

DATA = Path(__file__).resolve().parent / "data" / "levels"
BASIC = DATA / "basic.tmx"
EXT = DATA / "project" / "maps" / "ext.tmx"


# --------------------------------------------------------------------------------------
# Map builder shared by the level tests
# --------------------------------------------------------------------------------------
def _prop(name: str, value) -> str:
    if isinstance(value, tuple):
        ptype, v = value
        return f'<property name="{name}" type="{ptype}" value="{v}"/>'
    if isinstance(value, bool):
        return f'<property name="{name}" type="bool" value="{str(value).lower()}"/>'
    if isinstance(value, int):
        return f'<property name="{name}" type="int" value="{value}"/>'
    if isinstance(value, float):
        return f'<property name="{name}" type="float" value="{value!r}"/>'
    return f'<property name="{name}" value="{value}"/>'


def props_xml(props: dict | None) -> str:
    if not props:
        return ""
    return "<properties>" + "".join(_prop(k, v) for k, v in props.items()) + "</properties>"


def ref(object_id: int) -> tuple[str, int]:
    """An object-reference property value."""
    return ("object", object_id)


def obj(oid: int, kind: str, name: str = "", x: float = 0, y: float = 0, props: dict | None = None,
        shape: str = "<point/>", attrs: str = "") -> str:
    """One ``<object>`` as Tiled 1.10 writes it (``type=``)."""
    kind_attr = f' type="{kind}"' if kind else ""
    return f'<object id="{oid}" name="{name}"{kind_attr} x="{x}" y="{y}" {attrs}>{props_xml(props)}{shape}</object>'


HENRY = obj(1, "henry", "Henry", 48, 48)


def csv_rows(grid) -> str:
    return ",\n".join(",".join(str(int(v)) for v in row) for row in grid)


def make_map(
    folder: Path,
    objects: str = HENRY,
    props: dict | None = None,
    *,
    width: int = 6,
    height: int = 5,
    tw: int = 32,
    th: int = 32,
    walls=None,
    tilesets: str | None = None,
    layers: str = "",
    map_attrs: str = "",
    name: str = "level.tmx",
) -> Path:
    """Write a small map: one embedded tileset (tile 0: height 2.5, red), a ``walls``
    CSV layer (``walls`` grid of gids, default empty), one object group."""
    grid = np.zeros((height, width), int) if walls is None else np.asarray(walls)
    if tilesets is None:
        tilesets = (
            f'<tileset firstgid="1" name="blocks" tilewidth="{tw}" tileheight="{th}" tilecount="4" columns="2">'
            '<tile id="0"><properties><property name="height" type="float" value="2.5"/>'
            '<property name="color" type="color" value="#ffff0000"/></properties></tile></tileset>'
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" renderorder="right-down" '
        f'width="{width}" height="{height}" tilewidth="{tw}" tileheight="{th}" infinite="0" '
        f'nextlayerid="9" nextobjectid="100" {map_attrs}>\n'
        f"{props_xml(props)}\n{tilesets}\n"
        f'<layer id="1" name="walls" width="{width}" height="{height}"><data encoding="csv">\n'
        f"{csv_rows(grid)}\n</data></layer>\n{layers}"
        f'<objectgroup id="2" name="fight">\n{objects}\n</objectgroup>\n</map>\n'
    )
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def reencode(text: str, how: str) -> str:
    """Rewrite every CSV ``<data>`` of a map in another Tiled encoding."""

    def one(m):
        gids = np.array([int(v) for v in m.group(1).replace("\n", "").split(",") if v.strip()], "<u4")
        raw = gids.tobytes()
        if how == "csv":
            return m.group(0)
        if how == "xml":
            return "<data>" + "".join(f'<tile gid="{g}"/>' if g else "<tile/>" for g in gids) + "</data>"
        if how == "base64":
            return f'<data encoding="base64">\n   {base64.b64encode(raw).decode()}\n  </data>'
        comp = zlib.compress(raw) if how == "zlib" else gzip.compress(raw)
        return f'<data encoding="base64" compression="{how}">\n   {base64.b64encode(comp).decode()}\n  </data>'

    return re.sub(r'<data encoding="csv">(.*?)</data>', one, text, flags=re.S)


def same_model(a: Level, b: Level, tol: float = 1e-9) -> None:
    """Assert two loads describe the same fight (ignoring source, hash and file-derived title)."""
    assert dataclasses.replace(a.settings, title="") == dataclasses.replace(b.settings, title="")

    def close(p, q):
        assert len(p) == len(q)
        for (x1, z1), (x2, z2) in zip(p, q):
            assert abs(x1 - x2) <= tol and abs(z1 - z2) <= tol

    def same_path(p, q):
        assert (p is None) == (q is None)
        if p is not None:
            assert (p.id, p.name, p.closed, p.holds) == (q.id, q.name, q.closed, q.holds)
            close(p.points, q.points)

    actors_a, actors_b = (a.henry, *a.performers), (b.henry, *b.performers)
    assert [x.id for x in actors_a] == [x.id for x in actors_b]
    for x, y in zip(actors_a, actors_b):
        close([x.position], [y.position])
        same_path(x.path, y.path)
        assert dataclasses.replace(x, position=(0, 0), path=None) == dataclasses.replace(y, position=(0, 0), path=None)
    assert len(a.paths) == len(b.paths)
    for p, q in zip(a.paths, b.paths):
        same_path(p, q)
    assert [dataclasses.replace(x, position=(0, 0)) for x in a.beats] == [dataclasses.replace(x, position=(0, 0)) for x in b.beats]
    for x, y in zip(a.beats, b.beats):
        close([x.position], [y.position])
    assert [(z.id, z.name, z.kind) for z in a.zones] == [(z.id, z.name, z.kind) for z in b.zones]
    for x, y in zip(a.zones, b.zones):
        close(x.polygon, y.polygon)
    assert a.walls.cell == b.walls.cell
    for f in ("solid", "height", "color"):
        np.testing.assert_array_equal(getattr(a.walls, f), getattr(b.walls, f))
    assert (a.floor_color is None) == (b.floor_color is None)
    if a.floor_color is not None:
        np.testing.assert_array_equal(a.floor_color, b.floor_color)
    assert (a.width, a.depth) == (b.width, b.depth)


# -- refusals ------------------------------------------------------------------------------

MB = 1024 * 1024
TIME_LIMIT = 2.0  # seconds, hard bound per refusal
MEMORY_LIMIT = 200 * MB  # bytes, hard bound per refusal (tracemalloc peak)


def refused(path, capsys, *needles: str) -> str:
    """Run ``previs check PATH``; assert exit 1, every needle in stderr, no traceback, and
    the hard bounds: under 2 s and under 200 MB (tracemalloc peak of a separate, traced
    run, since tracing slows Python 3-5x). Time is this process's CPU time, best of up to
    three runs: the bound is on the refusal's own work, not on whatever else a 2-core
    machine (other test workers, other users) is doing at that moment. Returns stderr."""
    args = argparse.Namespace(levels=[str(path)], quiet=False)
    elapsed = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        rc = cmd_check.run(args)
        elapsed = min(elapsed, time.process_time() - t0)
        out = capsys.readouterr()
        if elapsed < TIME_LIMIT:
            break
    tracemalloc.start()
    try:
        cmd_check.run(args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    capsys.readouterr()
    assert rc == 1, out.out + out.err
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"
    assert peak < MEMORY_LIMIT, f"peak {peak / MB:.0f} MB"
    assert "Traceback" not in out.err
    for needle in needles:
        assert needle in out.err, f"{needle!r} not in:\n{out.err}"
    for line in out.err.strip().splitlines():
        assert line.startswith("previs check: "), line
    return out.err


def write(tmp_path: Path, data: bytes | str, name: str = "level.tmx") -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def header(width=4, height=4, extra=""):
    return (
        f'{HEAD}<map version="1.10" orientation="orthogonal" renderorder="right-down" width="{width}" '
        f'height="{height}" tilewidth="32" tileheight="32" infinite="0" {extra}>'
    )
