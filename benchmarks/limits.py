"""Measure previs at each of its limits: load time, replay time and peak memory.

For every limit in :mod:`previs.level.limits` that bounds real work (map size, tile cells,
objects, path points, performers, beats, duration x fps, actors x frames) this writes a
level *at* the limit and one *just past* it, then reports, each in a fresh process:

- load: ``load_level`` wall time and the process's peak RSS;
- replay: ``previs replay LEVEL -o DIR --no-report`` wall time and peak RSS (process start
  to files written);
- past: the refusal of the level one step past the limit (wall time and the message).

Peak RSS is the child's ``ru_maxrss`` from ``os.wait4`` (the whole process: Python, numpy,
OpenTimelineIO and USD included; an empty ``previs replay`` of a tiny level peaks around
140 MB). The table printed at the end is the one in ``docs/limits.md``.

    .venv/bin/python benchmarks/limits.py            # every case (~5 minutes on 2 cores)
    .venv/bin/python benchmarks/limits.py performers beats   # only these cases
    .venv/bin/python benchmarks/limits.py --list

The generators are also used by ``tests/test_limits.py`` (smaller, and just past each
limit).
"""

from __future__ import annotations

import argparse
import base64
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from previs.level import limits as L  # noqa: E402

PX = 32  # tile size in pixels of every generated map


# --------------------------------------------------------------------------------------
# Level generators (deterministic)
# --------------------------------------------------------------------------------------
class MapWriter:
    """A Tiled 1.8-style map built in memory: one ``walls`` tile layer (base64+zlib, or
    CSV), extra art layers, and one object group."""

    def __init__(self, width: int, height: int, props: dict | None = None):
        self.width, self.height = width, height
        self.m = ET.Element("map", version="1.8", tiledversion="1.8.2", orientation="orthogonal",
                            renderorder="right-down", width=str(width), height=str(height),
                            tilewidth=str(PX), tileheight=str(PX), infinite="0", nextlayerid="9",
                            nextobjectid="1")
        pr = ET.SubElement(self.m, "properties")
        for k, v in (props or {}).items():
            self.prop(pr, k, v)
        ts = ET.SubElement(self.m, "tileset", firstgid="1", name="walls", tilewidth=str(PX), tileheight=str(PX),
                           tilecount="1", columns="1")
        tile = ET.SubElement(ts, "tile", id="0")
        self.prop(ET.SubElement(tile, "properties"), "height", 3.0)
        self.layer_ids = iter(range(1, 1000))
        self.og = None
        self.next_id = 1

    @staticmethod
    def prop(parent, name, value, typ=None):
        if typ is None:
            typ = "float" if isinstance(value, float) else "int" if isinstance(value, int) and not isinstance(value, bool) else None
        p = ET.SubElement(parent, "property", name=name, value=str(value))
        if typ:
            p.set("type", typ)
        return p

    def tile_layer(self, name: str, solid, csv: bool = False) -> None:
        """``solid``: a bytes/bytearray of width*height 0/1 cells (row-major)."""
        layer = ET.SubElement(self.m, "layer", id=str(next(self.layer_ids)), name=name,
                              width=str(self.width), height=str(self.height))
        if csv:
            data = ET.SubElement(layer, "data", encoding="csv")
            w = self.width
            digits = bytes(b"01"[v] for v in solid).decode()
            data.text = "\n" + ",\n".join(",".join(digits[r * w:(r + 1) * w]) for r in range(self.height)) + "\n"
        else:
            import numpy as np

            gids = np.frombuffer(bytes(solid), np.uint8).astype("<u4").tobytes()
            data = ET.SubElement(layer, "data", encoding="base64", compression="zlib")
            data.text = base64.b64encode(zlib.compress(gids, 6)).decode()

    def obj(self, **kw) -> ET.Element:
        if self.og is None:
            self.og = ET.SubElement(self.m, "objectgroup", id=str(next(self.layer_ids)), name="fight")
        o = ET.SubElement(self.og, "object", id=str(self.next_id), **{k: str(v) for k, v in kw.items()})
        self.next_id += 1
        return o

    def props(self, o, **kw) -> None:
        holder = o.find("properties")
        if holder is None:
            holder = ET.SubElement(o, "properties")
        for k, v in kw.items():
            if isinstance(v, tuple):
                self.prop(holder, k, v[1], v[0])
            else:
                self.prop(holder, k, v)

    def point(self, kind: str, name: str, x: float, z: float, **props) -> ET.Element:
        o = self.obj(type=kind, name=name, x=f"{x * PX:g}", y=f"{z * PX:g}")
        ET.SubElement(o, "point")
        if props:
            self.props(o, **props)
        return o

    def path(self, points, closed: bool = True, **props) -> ET.Element:
        x0, z0 = points[0]
        o = self.obj(type="path", x=f"{x0 * PX:g}", y=f"{z0 * PX:g}")
        pts = " ".join(f"{(x - x0) * PX:g},{(z - z0) * PX:g}" for x, z in points)
        ET.SubElement(o, "polygon" if closed else "polyline", points=pts)
        if props:
            self.props(o, **props)
        return o

    def write(self, path: Path) -> Path:
        self.m.set("nextobjectid", str(self.next_id))
        ET.ElementTree(self.m).write(path, encoding="UTF-8", xml_declaration=True)
        return path


def arena_cells(n: int, pillars: int = 8) -> bytearray:
    """An ``n x n`` arena: border walls and a pillar every ``pillars`` cells."""
    cells = bytearray(n * n)
    for i in range(n):
        cells[i] = cells[(n - 1) * n + i] = cells[i * n] = cells[i * n + n - 1] = 1
    for r in range(6, n - 6, pillars):
        for c in range(6, n - 6, pillars):
            cells[r * n + c] = 1
    return cells


def fight(path: Path, *, performers: int = 10, seconds: float = 60.0, fps: int = 24, beats: int | None = None,
          size: int = 48, seed: int = 1, walking: bool = True) -> Path:
    """A brawl in a ``size`` x ``size`` m arena: ``performers`` goons walking small loops
    (clear of the pillars), Henry on a big loop whipping his head from goon to goon, and
    ``beats`` beats spread over the fight (default: a look every 2 s), a third of them
    contact beats between goons."""
    rnd = random.Random(seed)
    mw = MapWriter(size, size, {"title": f"{performers} performers, {seconds:g} s at {fps} fps",
                                "duration": float(seconds), "fps": fps})
    mw.tile_layer("walls", arena_cells(size))
    c = size / 2
    hp = mw.path([(c - 11, c - 11), (c + 11, c - 11), (c + 11, c + 11), (c - 11, c + 11)])
    henry = mw.point("henry", "Henry", c - 11, c - 11, path=("object", hp.get("id")))
    goons = []
    for i in range(performers):
        # loops inside one 8 m pillar cell, so no path crosses a wall block
        cx = 6 + 8 * rnd.randrange(max(1, (size - 12) // 8)) + 4
        cz = 6 + 8 * rnd.randrange(max(1, (size - 12) // 8)) + 4
        r = rnd.uniform(1.0, 3.0)
        x0, z0 = cx + rnd.uniform(-0.5, 0.5), cz + rnd.uniform(-0.5, 0.5)
        props = {"speed": round(rnd.uniform(0.8, 2.0), 2)}
        if walking:
            p = mw.path([(x0 - r, z0 - r), (x0 + r, z0 - r), (x0 + r, z0 + r), (x0 - r, z0 + r)])
            props["path"] = ("object", p.get("id"))
        g = mw.point("performer", f"Goon {i + 1}", x0 - r, z0 - r, **props)
        goons.append(g.get("id"))
    n = beats if beats is not None else max(0, int((seconds - 2) / 2))
    for k in range(n):
        t = round(1.0 + (seconds - 2.0) * k / max(1, n), 4)
        b = mw.point("beat", "", 0, 0)
        if k % 3 == 2 and len(goons) > 1:
            a, tgt = rnd.sample(goons, 2)
            mw.props(b, t=t, actor=("object", a), action="punch", target=("object", tgt))
        elif goons:
            mw.props(b, t=t, actor=("object", henry.get("id")), action="look", target=("object", rnd.choice(goons)))
        else:
            mw.props(b, t=t, actor=("object", henry.get("id")), action="wave")
    return mw.write(path)


def hazard_fight(path: Path, *, zones: int, performers: int = 100, seconds: float = 600.0) -> Path:
    """:func:`fight` plus ``zones`` pyro zones, each covering the whole arena (the worst case:
    no zone's bounding box lets the safety plan skip a body)."""
    fight(path, performers=performers, seconds=seconds, beats=200)
    root = ET.parse(path).getroot()
    og = root.find("objectgroup")
    next_id = int(root.get("nextobjectid"))
    for k in range(zones):
        o = ET.SubElement(og, "object", id=str(next_id + k), name=f"fire {k + 1}", type="zone", x=str(PX), y=str(PX),
                          width=str(46 * PX), height=str(46 * PX))
        MapWriter.prop(ET.SubElement(o, "properties"), "kind", "pyro")
    root.set("nextobjectid", str(next_id + zones))
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def _with_external(path: Path, suffix: str, xml: str):
    """A small fight at ``path`` plus the external file ``xml`` beside it (named
    ``<stem><suffix>``): the map's root element (to add references to) and the file name."""
    fight(path, performers=2, seconds=10)
    ext = path.with_name(path.stem + suffix)
    ext.write_text('<?xml version="1.0"?>' + xml)
    return ET.parse(path).getroot(), ext.name


def amplified_tileset(path: Path, *, references: int = 1000, tiles: int = 20_000) -> Path:
    """Issue 21: a small map referencing one 1.7 MB tileset (``tiles`` tiles with a property)
    ``references`` times."""
    body = "".join(f'<tile id="{i}"><properties><property name="h" value="{i}"/></properties></tile>' for i in range(tiles))
    root, name = _with_external(path, "-big.tsx", f'<tileset name="big" tilewidth="{PX}" tileheight="{PX}" '
                                                  f'tilecount="{tiles}" columns="1">{body}</tileset>')
    for i in range(references):
        root.insert(1, ET.Element("tileset", firstgid=str(2 + i * tiles), source=name))
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def amplified_template(path: Path, *, instances: int = 100, properties: int = 90_000) -> Path:
    """Issue 21: ``instances`` instances of one 3.4 MB template (``properties`` properties)."""
    props = "".join(f'<property name="p{i}" value="{i:06d}"/>' for i in range(properties))
    root, name = _with_external(path, "-fat.tx", f'<template><object type="prop"><properties>{props}</properties>'
                                                 f'<point/></object></template>')
    og = root.find("objectgroup")
    first = int(root.get("nextobjectid"))
    for i in range(instances):
        ET.SubElement(og, "object", id=str(first + i), template=name, x=str(PX * 2), y=str(PX * 2))
    root.set("nextobjectid", str(first + instances))
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def big_map(path: Path, *, tiles: int = 1024, layers: int = 4, height: int | None = None, csv: bool = False) -> Path:
    """A ``tiles`` x ``height`` map (default square) with ``layers`` tile layers (walls
    plus floor art, every art cell painted), a grid of pillars, Henry walking a loop past 8
    goons, 60 s. ``csv``: tile data as CSV (the biggest file) instead of base64+zlib."""
    h = height or tiles
    mw = MapWriter(tiles, h, {"title": f"{tiles}x{h} tiles, {layers} layers", "duration": 60.0})
    n = tiles * h
    cells = bytearray(n)
    for r in range(0, h, 16):
        for c in range(0, tiles, 16):
            cells[r * tiles + c] = 1
    mw.tile_layer("walls", cells, csv=csv)
    art = bytearray(b"\x01" * n) if csv else bytearray(n)
    for k in range(1, layers):
        mw.tile_layer(f"art {k}", art, csv=csv)
    cx, cz = min(tiles, 64) / 2 + 0.5, min(h, 64) / 2 + 0.5
    hp = mw.path([(cx - 8, cz - 8), (cx + 8, cz - 8), (cx + 8, cz + 8), (cx - 8, cz + 8)])
    henry = mw.point("henry", "Henry", cx - 8, cz - 8, path=("object", hp.get("id")))
    for i in range(8):
        g = mw.point("performer", f"Goon {i + 1}", cx + (i - 4) * 1.5 + 0.25, cz + 0.5)
        b = mw.point("beat", "", 0, 0)
        mw.props(b, t=2.0 + 6 * i, actor=("object", henry.get("id")), action="look", target=("object", g.get("id")))
    return mw.write(path)


def many_objects(path: Path, *, objects: int = L.MAX_OBJECTS) -> Path:
    """``objects`` objects in all: Henry, 100 performers, ignored set dressing (props)
    and beats (every limit but the object count stays well inside)."""
    mw = MapWriter(64, 64, {"title": f"{objects} objects", "duration": 120.0})
    mw.tile_layer("walls", arena_cells(64))
    henry = mw.point("henry", "Henry", 32.5, 32.5)
    goons = [mw.point("performer", f"Goon {i + 1}", 8.5 + (i % 10) * 4, 8.5 + (i // 10) * 4).get("id")
             for i in range(100)]
    k = 0
    while mw.next_id <= objects:
        if k % 2 == 0:
            b = mw.point("beat", "", 0, 0)
            mw.props(b, t=round(1 + 110 * k / objects, 4), actor=("object", henry.get("id")), action="look",
                     target=("object", goons[k % len(goons)]))
        else:
            mw.point("prop", f"crate {k}", 2 + (k % 60), 2 + (k // 60) % 60)
        k += 1
    return mw.write(path)


def many_points(path: Path, *, points: int = L.MAX_POINTS, per_path: int = L.MAX_POINTS_PER_OBJECT) -> Path:
    """Paths holding ``points`` vertices in all (``per_path`` each): spirals walked by
    Henry and goons in a 256 x 256 m open map, 120 s."""
    mw = MapWriter(256, 256, {"title": f"{points} path points", "duration": 120.0})
    mw.tile_layer("walls", bytearray(256 * 256))
    paths, left = [], points
    while left > 0:
        n = min(per_path, left)
        k = len(paths)
        cx, cz = 64 + 128 * (k % 2), 64 + 128 * ((k // 2) % 2)
        pts = [(cx + (2 + 58 * i / n) * math.cos(i * 0.05), cz + (2 + 58 * i / n) * math.sin(i * 0.05)) for i in range(n)]
        paths.append(mw.path(pts, closed=False))
        left -= n
    henry = mw.point("henry", "Henry", 64, 64, path=("object", paths[0].get("id")), speed=3.0)
    for i, p in enumerate(paths[1:]):
        x, z = [float(v) / PX for v in p.find("polyline").get("points").split()[0].split(",")]
        mw.point("performer", f"Goon {i + 1}", float(p.get("x")) / PX + x, float(p.get("y")) / PX + z,
                 path=("object", p.get("id")), speed=3.0)
    b = mw.point("beat", "", 0, 0)
    mw.props(b, t=1.0, actor=("object", henry.get("id")), action="wave")
    return mw.write(path)


def points_through_walls(path: Path, *, points: int = L.MAX_POINTS, size: int = 256) -> Path:
    """The wall check's worst case: ``points`` vertices of random long segments across a
    ``size`` x ``size`` map with a wall block on every other cell of every other row, so
    every segment crosses many blocks (every path gets a notice)."""
    rnd = random.Random(3)
    mw = MapWriter(size, size, {"title": "paths through walls", "duration": 60.0})
    cells = bytearray(size * size)
    for r in range(0, size, 2):
        for c in range(0, size, 2):
            cells[r * size + c] = 1
    mw.tile_layer("walls", cells)
    paths, left = [], points
    while left > 0:
        n = min(L.MAX_POINTS_PER_OBJECT, left)
        paths.append(mw.path([(rnd.uniform(1, size - 1), rnd.uniform(1, size - 1)) for _ in range(n)], closed=False))
        left -= n
    mw.point("henry", "Henry", 1.5, 1.5, path=("object", paths[0].get("id")), speed=100.0)
    return mw.write(path)


# --------------------------------------------------------------------------------------
# Measuring (each run in a fresh process)
# --------------------------------------------------------------------------------------
_LOAD = """
import sys, time
t0 = time.perf_counter()
from previs.level.loader import load_level
from previs.errors import LevelError
t1 = time.perf_counter()
try:
    lv = load_level(sys.argv[1])
    print("ok", time.perf_counter() - t1, lv.settings.frames, len(lv.performers), len(lv.beats))
except LevelError as e:
    print("refused", time.perf_counter() - t1, e.problems[0].split(": ", 1)[1][:300])
"""


@dataclass
class Run:
    seconds: float  # wall
    peak_mb: float
    status: int
    out: str
    err: str
    cpu: float = 0.0  # user + system seconds of that process


def run(cmd: list[str], timeout: float = 900) -> Run:
    """Run ``cmd``; wall time, CPU time and peak RSS of that one process (``os.wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.005)
        dt = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(dt, ru.ru_maxrss / 1024, p.returncode, out.read().decode(errors="replace"),
                   err.read().decode(errors="replace"), ru.ru_utime + ru.ru_stime)


def measure_load(level: Path) -> tuple[str, float, float, str]:
    """(ok|refused, load seconds (imports excluded), peak MB, detail)."""
    r = run([sys.executable, "-c", _LOAD, str(level)])
    if r.status != 0:
        return "crashed", r.seconds, r.peak_mb, r.err.strip().splitlines()[-1] if r.err.strip() else ""
    status, secs, *rest = r.out.split(" ", 2)
    return status, float(secs), r.peak_mb, " ".join(rest).strip()


def measure_replay(level: Path) -> Run:
    with tempfile.TemporaryDirectory() as out:
        return run([sys.executable, "-m", "previs", "replay", str(level), "-o", out, "--no-report"])


_NO_EDL = """
import sys, tempfile
import previs.export.edl as edl
edl.write = lambda plan, path: None   # the CMX 3600 writer refuses non-SMPTE rates (known bug)
from previs.cli import main
sys.exit(main(["replay", sys.argv[1], "-o", tempfile.mkdtemp(), "--no-report"]))
"""


def measure_replay_without_edl(level: Path) -> Run:
    return run([sys.executable, "-c", _NO_EDL, str(level)])


@dataclass
class Case:
    name: str
    limit: str
    at: callable  # (path) -> Path: a level at the limit
    past: callable  # (path) -> Path: one step past it
    what: str


def _battle(path: Path, *, performers: int, radius: float, seconds: float = 180.0) -> Path:
    """tools/make_battle.py's dense melee within ``radius`` m (imported here: it uses MapWriter)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from make_battle import battle

    return battle(path, performers=performers, layout="dense", seconds=seconds, radius=radius)


def cases() -> list[Case]:
    A = L.MAX_ACTOR_FRAMES
    return [
        Case("map", f"MAX_MAP_TILES = {L.MAX_MAP_TILES} (1024 x 1024)",
             lambda p: big_map(p, tiles=1024, layers=1), lambda p: big_map(p, tiles=1025, layers=1, height=1024),
             "one 1024 x 1024 layer (a 1 km square at 1 m a tile)"),
        Case("cells", f"MAX_TOTAL_CELLS = {L.MAX_TOTAL_CELLS} (4 layers of 1024 x 1024)",
             lambda p: big_map(p, tiles=1024, layers=4, csv=True), lambda p: big_map(p, tiles=1024, layers=5),
             "four 1024 x 1024 layers (walls + 3 painted art layers), CSV"),
        Case("objects", f"MAX_OBJECTS = {L.MAX_OBJECTS}",
             lambda p: many_objects(p, objects=L.MAX_OBJECTS), lambda p: many_objects(p, objects=L.MAX_OBJECTS + 1),
             "Henry, 100 performers, ~2450 beats, ~2450 props"),
        Case("points", f"MAX_POINTS = {L.MAX_POINTS}, MAX_POINTS_PER_OBJECT = {L.MAX_POINTS_PER_OBJECT}",
             lambda p: many_points(p), lambda p: many_points(p, points=L.MAX_POINTS + 1),
             "4 spiral paths of 5000 vertices, walked"),
        Case("points-through-walls", f"MAX_POINTS = {L.MAX_POINTS} (worst case for the wall check)",
             lambda p: points_through_walls(p), lambda p: points_through_walls(p, points=L.MAX_POINTS + 1),
             "4 paths of 5000 random vertices, every segment crossing ~100 wall blocks"),
        Case("performers", f"MAX_PERFORMERS = {L.MAX_PERFORMERS}",
             lambda p: fight(p, performers=L.MAX_PERFORMERS, seconds=180),
             lambda p: fight(p, performers=L.MAX_PERFORMERS + 1, seconds=180),
             f"{L.MAX_PERFORMERS} walking performers, 3 min at 24 fps, 48 x 48 m arena"),
        Case("performers-melee", f"MAX_PERFORMERS = {L.MAX_PERFORMERS}, the densest crowd",
             lambda p: _battle(p, performers=L.MAX_PERFORMERS, radius=10.0),
             lambda p: _battle(p, performers=L.MAX_PERFORMERS + 1, radius=10.0),
             f"{L.MAX_PERFORMERS} performers all within 10 m of Henry, 3 min at 24 fps (tools/make_battle.py): "
             "a crowd (previs.plan.crowd)"),
        Case("performers-thick", f"MAX_PERFORMERS = {L.MAX_PERFORMERS}, the most clearance pairs",
             lambda p: _battle(p, performers=L.MAX_PERFORMERS, radius=18.0),
             lambda p: _battle(p, performers=L.MAX_PERFORMERS + 1, radius=18.0),
             f"{L.MAX_PERFORMERS} performers within 18 m (1 a m^2, just under the crowd rule: the most pairs "
             "the clearance check lists), 3 min at 24 fps"),
        Case("beats", f"MAX_BEATS = {L.MAX_BEATS}",
             lambda p: fight(p, performers=50, seconds=600, beats=L.MAX_BEATS),
             lambda p: fight(p, performers=50, seconds=600, beats=L.MAX_BEATS + 1),
             f"{L.MAX_BEATS} beats (2/3 Henry looks, 1/3 punches), 50 performers, 10 min"),
        Case("duration", f"MAX_DURATION = {L.MAX_DURATION:g} s",
             lambda p: fight(p, performers=10, seconds=L.MAX_DURATION),
             lambda p: fight(p, performers=10, seconds=L.MAX_DURATION + 1),
             "1 hour at 24 fps, 10 performers, a look every 2 s"),
        # Since issue 16 a level runs at a production rate, at most 60 fps (MAX_FPS = 240 still
        # bounds tracks and takes); past it: 120 fps, refused with "did you mean 60?".
        Case("fps", "fastest level rate, 60 fps",
             lambda p: fight(p, performers=2, seconds=600, fps=60),
             lambda p: fight(p, performers=2, seconds=600, fps=120),
             "10 min at 60 fps (36 000 frames), 2 performers"),
        Case("frames", f"MAX_DURATION at 60 fps = {int(L.MAX_DURATION * 60)} frames",
             lambda p: fight(p, performers=1, seconds=L.MAX_DURATION, fps=60, beats=100),
             lambda p: fight(p, performers=1, seconds=L.MAX_DURATION + 1, fps=60, beats=100),
             "1 hour at 60 fps, 1 performer"),
        Case("actor-frames", f"MAX_ACTOR_FRAMES = {A}",
             lambda p: fight(p, performers=99, seconds=A / 100 / 24, beats=200),
             lambda p: fight(p, performers=99, seconds=(A + 100) / 100 / 24, beats=200),
             f"(1 + 99 performers) x {A // 100} frames = {A / 100 / 24 / 60:.1f} min at 24 fps"),
        Case("actor-frames-crowd", f"MAX_ACTOR_FRAMES = {A}, MAX_PERFORMERS = {L.MAX_PERFORMERS}",
             lambda p: fight(p, performers=L.MAX_PERFORMERS, seconds=A // (L.MAX_PERFORMERS + 1) / 24, beats=200),
             lambda p: fight(p, performers=L.MAX_PERFORMERS, seconds=(A // (L.MAX_PERFORMERS + 1) + 2) / 24, beats=200),
             f"both at once: {L.MAX_PERFORMERS} performers for {A // (L.MAX_PERFORMERS + 1) / 24 / 60:.1f} min"),
        Case("actor-frames-thick", f"MAX_ACTOR_FRAMES = {A}, MAX_PERFORMERS = {L.MAX_PERFORMERS}, the most pairs",
             lambda p: _battle(p, performers=L.MAX_PERFORMERS, radius=18.0,
                               seconds=A // (L.MAX_PERFORMERS + 1) / 24),
             lambda p: _battle(p, performers=L.MAX_PERFORMERS, radius=18.0,
                               seconds=(A // (L.MAX_PERFORMERS + 1) + 2) / 24),
             f"both at once, within 18 m of Henry (the most clearance findings): "
             f"{A // (L.MAX_PERFORMERS + 1) / 24 / 60:.1f} min"),
        Case("zones", f"MAX_ZONE_FRAMES = {L.MAX_ZONE_FRAMES}",
             lambda p: hazard_fight(p, zones=L.MAX_ZONE_FRAMES // (101 * 14400)),
             lambda p: hazard_fight(p, zones=L.MAX_ZONE_FRAMES // (101 * 14400) + 1),
             "arena-wide pyro zones, 100 performers, 10 min at 24 fps (past it: issue 21's 1000 zones refused)"),
        Case("tileset-refs", f"MAX_TILESET_TILES = {L.MAX_TILESET_TILES}",
             lambda p: amplified_tileset(p, references=3), lambda p: amplified_tileset(p, references=1000),
             "one 1.7 MB tileset of 20 000 tiles referenced 3 times; past: 1000 times (was 5.7 GB, 105 s)"),
        Case("template-instances", f"MAX_EXPANDED_TEMPLATE_BYTES = {L.MAX_EXPANDED_TEMPLATE_BYTES}",
             lambda p: amplified_template(p, instances=1), lambda p: amplified_template(p, instances=100),
             "1 instance of a 3.4 MB template (90 000 properties); past: 100 (was 4.1 GB, 72 s)"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("only", nargs="*", help="case names to run (default: all)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--no-replay", action="store_true", help="measure loading and refusals only")
    ap.add_argument("--repeat", type=int, default=1, help="replays per case: the best time (and the worst peak) is shown")
    args = ap.parse_args()
    todo = [c for c in cases() if not args.only or c.name in args.only]
    if args.list:
        for c in todo:
            print(f"{c.name:20s} {c.limit}: {c.what}")
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; each figure one fresh process")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in todo:
            at, past = Path(tmp) / f"{c.name}.tmx", Path(tmp) / f"{c.name}-past.tmx"
            c.at(at)
            c.past(past)
            size = at.stat().st_size / 1e6
            loads = [measure_load(at) for _ in range(args.repeat)]
            status, load_s, load_mb, detail = min(loads, key=lambda r: r[1])
            if status != "ok":
                print(f"{c.name}: the level AT the limit was {status}: {detail}", file=sys.stderr)
            p_status, p_s, p_mb, p_detail = measure_load(past)
            if p_status != "refused":
                print(f"{c.name}: the level PAST the limit was {p_status}: {p_detail}", file=sys.stderr)
            rep = None
            if not args.no_replay and status == "ok":
                reps = [measure_replay(at) for _ in range(args.repeat)]
                rep = min(reps, key=lambda r: (r.status != 0, r.seconds))
                rep.peak_mb = max(r.peak_mb for r in reps if r.status == rep.status)
            if rep is None:
                rep_txt = "-"
            elif rep.status == 0:
                rep_txt = f"{rep.seconds:.1f} s, {rep.peak_mb:.0f} MB"
            else:
                why = rep.err.strip().splitlines()[-1][:90] if rep.err.strip() else str(rep.status)
                alt = measure_replay_without_edl(at)
                rep_txt = f"FAILED ({why})" + (f"; without the EDL: {alt.seconds:.1f} s, {alt.peak_mb:.0f} MB"
                                                if alt.status == 0 else "")
            rows.append((c, size, load_s, load_mb, rep_txt, p_s, p_mb, p_detail))
            print(f"{c.name:18s} {size:6.1f} MB file | load {load_s:6.2f} s {load_mb:5.0f} MB | replay {rep_txt} | "
                  f"past: refused in {p_s:.2f} s, {p_mb:.0f} MB: {p_detail[:120]}", flush=True)
    print()
    print("| limit | level at the limit | file | load | replay (`--no-report`) | just past: refused in |")
    print("|---|---|---|---|---|---|")
    for c, size, load_s, load_mb, rep_txt, p_s, p_mb, _ in rows:
        print(f"| `{c.limit}` | {c.what} | {size:.1f} MB | {load_s:.2f} s, {load_mb:.0f} MB | {rep_txt} | {p_s:.2f} s, {p_mb:.0f} MB |")


if __name__ == "__main__":
    main()
