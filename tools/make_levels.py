#!/usr/bin/env python3
"""Write the bundled previs levels (``levels/*.tmx``) and everything they use.

    .venv/bin/python tools/make_levels.py            # write levels/, re-save through Tiled
    .venv/bin/python tools/make_levels.py --facts    # also print each fight's facts
    .venv/bin/python tools/make_levels.py --no-tiled # keep our own XML (no Tiled re-save)
    .venv/bin/python tools/make_levels.py --pictures # also draw docs/img/<level>-map.png

What it writes, all under ``levels/``:

- ``previs-walls.tsx`` + ``previs-walls.png``: the external tileset. Wall tiles carry
  ``height`` (float, metres) and ``color`` (color); floor tiles carry ``color`` (for art
  layers), the landing and stair tiles also ``elevation``, ``rise``, ``rise_to`` and
  ``steps`` (floors with height). The PNG is generated here (flat colours, 32 px tiles).
- ``templates/goon.tx`` (a point performer) and ``templates/boss.tx`` (an ellipse
  performer): object templates with default properties.
- ``previs.tiled-project`` (custom types for Tiled 1.8+: classes ``henry``, ``performer``,
  ``path``, ``beat``, ``zone``, ``mark`` and the enum ``ZoneKind``) and ``previs-objecttypes.xml``
  (the same classes as Tiled 1.8's object types, which is what makes Tiled 1.8 fill in an
  object's properties when you set its Type; Tiled 1.9+ imports it into the project).
- ``corridor.tmx``, ``chase.tmx``, ``finale.tmx``, ``stairwell.tmx``: the four fights.

Maps, tilesets and templates are built with ``xml.etree.ElementTree``. Each map and the
tileset are then re-saved through real Tiled (``tiled --export-map`` / ``--export-tileset``,
headless with ``QT_QPA_PLATFORM=offscreen``) so the committed files are exactly as Tiled
writes them. Tiled cannot re-save templates from the command line; they are written in
Tiled's own layout. Without Tiled the script says so and keeps its own output.

Everything is deterministic: a seeded RNG and no clocks, so re-running gives identical
files. Coordinates in this script are metres in the level contract's axes (x = east,
z = south, Tiled's y); times are seconds. See docs/level-format.md.

``--facts`` replays each fight with the engine (``previs``: loader if present, else a model
built straight from this script's choreography) and prints what the plan and tests rely on:
turn cuts, shots, safety findings, occlusion, over-long takes. Writing the files never
depends on the engine: while generating, the finale is checked for clearance by this
script's own small simulation (``check_clearance``) and any goon who would come too close
to someone is re-planned (another gate or queue, another arrival time) until none does.
``MAKE_LEVELS_DEBUG=1`` prints the finale's wave timing and each re-planning round.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from previs.level.actions import action as action_spec
from previs.level.model import ZONE_KINDS as ENGINE_ZONE_KINDS
from previs.level.floors import DIRECTIONS
from previs.level.schema import (LENS_ENUM, MAP, MAP_CLASS, OBJECTS, RISE_TO_ENUM, TILE, TILE_CLASS,
                                 tiled_member)
from previs.lens import LENS_MODELS

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"

TILE_PX = 32
"""Pixel size of one tile in every bundled map and in the tileset."""

TILESET_FILE = "previs-walls.tsx"
TILESET_IMAGE = "previs-walls.png"
PROJECT_FILE = "previs.tiled-project"
OBJECTTYPES_FILE = "previs-objecttypes.xml"
GOON_TX = "templates/goon.tx"
BOSS_TX = "templates/boss.tx"

SEED = 20160408  # Hardcore Henry's US release date; any fixed number would do


# ---------------------------------------------------------------------------------------
# The tileset
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TileType:
    tid: int
    name: str
    color: tuple[int, int, int]
    height: float | None  # None: a floor tile (art only)
    pattern: str  # how the PNG tile is drawn
    floor: tuple = ()  # a floor tile with height: its (name, type, value) properties


TILES = [
    TileType(0, "concrete wall", (128, 128, 124), 3.0, "block"),
    TileType(1, "brick wall", (140, 74, 60), 3.0, "brick"),
    TileType(2, "pillar", (92, 96, 110), 4.0, "pillar"),
    TileType(3, "low cover", (160, 112, 64), 1.1, "crate"),
    TileType(4, "vehicle", (60, 90, 120), 1.5, "car"),
    TileType(5, "floor concrete", (74, 74, 72), None, "floor"),
    TileType(6, "floor tiles", (106, 98, 88), None, "checker"),
    TileType(7, "floor asphalt", (48, 50, 54), None, "floor"),
    # Floors with height (docs/level-format.md, "Floors with height"): a landing 1.8 m up
    # and the two halves of a flight of ten 0.18 m steps climbing to it northward.
    TileType(8, "landing 1.8 m", (120, 116, 108), None, "floor", (("elevation", "float", 1.8),)),
    TileType(9, "stairs north 0-0.9 m", (132, 126, 116), None, "stairs",
             (("rise", "float", 0.9), ("rise_to", "string", "north"), ("steps", "int", 5))),
    TileType(10, "stairs north 0.9-1.8 m", (132, 126, 116), None, "stairs",
             (("elevation", "float", 0.9), ("rise", "float", 0.9), ("rise_to", "string", "north"), ("steps", "int", 5))),
]
CONCRETE, BRICK, PILLAR, COVER, CAR, FLOOR, FLOOR_TILES, ASPHALT, LANDING, STAIRS_LOW, STAIRS_HIGH = range(11)
FIRSTGID = 1


def argb(rgb: tuple[int, int, int], a: int = 255) -> str:
    """Tiled's colour property text: ``#AARRGGBB``."""
    return "#%02x%02x%02x%02x" % (a, *rgb)


def tileset_png() -> np.ndarray:
    """The tileset image (RGB uint8, one row of 32 px tiles), drawn from TILES."""
    n = len(TILES)
    img = np.zeros((TILE_PX, TILE_PX * n, 3), dtype=np.float64)
    yy, xx = np.mgrid[0:TILE_PX, 0:TILE_PX]
    for t in TILES:
        base = np.array(t.color, dtype=np.float64)
        tile = np.broadcast_to(base, (TILE_PX, TILE_PX, 3)).copy()
        dark = base * 0.6
        light = np.minimum(base * 1.25, 255)
        edge = (xx == 0) | (yy == 0) | (xx == TILE_PX - 1) | (yy == TILE_PX - 1)
        if t.pattern == "block":
            tile[edge] = dark
            tile[(xx == 1) | (yy == 1)] = light
        elif t.pattern == "brick":
            mortar = (yy % 8 == 0) | (((yy // 8) % 2 == 0) & (xx % 16 == 0)) | (((yy // 8) % 2 == 1) & (xx % 16 == 8))
            tile[mortar] = light
        elif t.pattern == "pillar":
            r = np.hypot(xx - 15.5, yy - 15.5)
            tile[r > 13] = dark
            tile[r < 6] = light
        elif t.pattern == "crate":
            tile[edge] = dark
            tile[(xx == yy) | (xx == TILE_PX - 1 - yy)] = dark
        elif t.pattern == "car":
            tile[edge] = dark
            tile[(yy > 8) & (yy < 23) & (xx > 5) & (xx < 26)] = light
        elif t.pattern == "checker":
            tile[((xx // 8) + (yy // 8)) % 2 == 0] = base * 0.85
        elif t.pattern == "stairs":  # five treads, their nosings lighter
            tile[yy % 6 == 0] = light
            tile[yy % 6 == 5] = dark
        elif t.pattern == "floor":
            tile[(xx % 16 == 0) | (yy % 16 == 0)] = base * 0.85
        img[:, t.tid * TILE_PX : (t.tid + 1) * TILE_PX] = tile
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------
# Choreography, in metres and seconds
# ---------------------------------------------------------------------------------------
Pt = tuple[float, float]

DEFAULTS = {"speed": 1.4, "start": 0.0, "radius": 0.3, "height": 1.8, "heading": 0.0}
"""The level contract's defaults for henry/performer properties."""

TEMPLATE_PROPS = {
    GOON_TX: {"role": "brawler", "speed": 4.0, "color": (176, 52, 44), "radius": 0.3, "height": 1.8},
    BOSS_TX: {"role": "boss", "speed": 2.5, "color": (40, 40, 48), "radius": 0.45, "height": 2.0},
}
"""Properties each template sets (written into the .tx files, inherited by instances)."""

TEMPLATE_SHAPE = {GOON_TX: "point", BOSS_TX: "ellipse"}


@dataclass(eq=False)
class PathSpec:
    name: str
    pts: list[Pt]
    closed: bool = False
    holds: dict[int, float] = field(default_factory=dict)
    oid: int = 0

    def holds_text(self) -> str:
        return ", ".join(f"{i}={fmt_num(s)}" for i, s in sorted(self.holds.items()))


HELD = ("knife", "bat", "pipe", "bottle", "cleaver", "pistol")
"""Roles that are also props (previs.pose.props.PROPS): a goon with one holds it."""


@dataclass(eq=False)
class ActorSpec:
    kind: str  # "henry" | "performer"
    name: str
    pos: Pt
    path: PathSpec | None = None
    props: dict = field(default_factory=dict)  # only the properties written on the object
    shape: str = "point"  # "point" | "ellipse"
    template: str | None = None
    oid: int = 0

    def __post_init__(self):
        # A goon whose role is a weapon holds it (the bodies draw it in his right hand).
        if self.props.get("role") in HELD and "prop" not in self.props:
            self.props["prop"] = self.props["role"]

    def get(self, key):
        """Effective value: the object's own, else its template's, else the default."""
        if key in self.props:
            return self.props[key]
        if self.template and key in TEMPLATE_PROPS[self.template]:
            return TEMPLATE_PROPS[self.template][key]
        return DEFAULTS.get(key)


@dataclass(eq=False)
class BeatSpec:
    t: float
    actor: ActorSpec
    action: str
    target: ActorSpec | None = None
    duration: float | None = None
    note: str = ""
    pos: Pt | None = None
    oid: int = 0

    @property
    def dur(self) -> float:
        if self.duration is not None:
            return self.duration
        return action_spec(self.action).duration


@dataclass(eq=False)
class MarkSpec:
    """A point a look can aim at without a body (a door, a window): ``height`` metres."""

    name: str
    pos: Pt
    height: float = 1.5
    oid: int = 0


@dataclass(eq=False)
class ZoneSpec:
    name: str
    kind: str
    pts: list[Pt]
    rect: bool = False
    oid: int = 0


@dataclass
class LevelSpec:
    key: str
    cols: int
    rows: int
    tile_meters: float
    props: list[tuple[str, str, object]]  # map properties: (name, type, value)
    walls: np.ndarray  # (rows, cols) int: local tile id or -1
    floor: np.ndarray | None = None
    walls_layer: str = "walls"
    walls_layer_props: list = field(default_factory=list)
    encoding: tuple[str, str | None] = ("csv", None)
    actors: list[ActorSpec] = field(default_factory=list)
    paths: list[PathSpec] = field(default_factory=list)
    beats: list[BeatSpec] = field(default_factory=list)
    zones: list[ZoneSpec] = field(default_factory=list)
    marks: list[MarkSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the fight is for (printed by --facts)

    @property
    def ppm(self) -> float:
        """Pixels per metre."""
        return TILE_PX / self.tile_meters

    def prop(self, name, default=None):
        for n, _, v in self.props:
            if n == name:
                return v
        return default

    @property
    def henry(self) -> ActorSpec:
        return next(a for a in self.actors if a.kind == "henry")

    def performer(self, name: str) -> ActorSpec:
        return next(a for a in self.actors if a.name == name)


def fmt_num(v: float) -> str:
    """A number as Tiled writes it: shortest text, no trailing ``.0``."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(round(v, 6))


def q(v: float, step: float = 0.05) -> float:
    """Round a coordinate (m) or time (s) to ``step`` so files hold short, exact numbers."""
    return round(round(v / step) * step, 6)


# --- walking ---------------------------------------------------------------------------
def vertex_times(pts: list[Pt], speed: float, start: float, holds: dict[int, float], closed=False):
    """(arrive, depart) fight times at each vertex of a walk (one lap), as the engine walks
    it: stand on vertex 0 until ``start``, walk at ``speed``, hold ``holds[i]`` at vertex i."""
    route = list(pts) + ([pts[0]] if closed else [])
    arrive, depart = [start], [start + holds.get(0, 0.0)]
    for i in range(1, len(route)):
        d = math.dist(route[i - 1], route[i])
        arrive.append(depart[-1] + d / speed)
        depart.append(arrive[-1] + (holds.get(i, 0.0) if i < len(pts) else 0.0))
    return arrive, depart


def position_at(actor: ActorSpec, t: float) -> Pt:
    """Where ``actor`` stands at fight time ``t`` (ignores falls; for placing markers)."""
    if actor.path is None:
        return actor.pos
    p = actor.path
    arrive, depart = vertex_times(p.pts, actor.get("speed"), actor.get("start"), p.holds, p.closed)
    route = list(p.pts) + ([p.pts[0]] if p.closed else [])
    if p.closed and t > arrive[-1]:
        t = arrive[0] + (t - arrive[0]) % (arrive[-1] - arrive[0])
    if t <= depart[0]:
        return route[0]
    for i in range(1, len(route)):
        if t <= arrive[i]:
            u = (t - depart[i - 1]) / max(arrive[i] - depart[i - 1], 1e-9)
            a, b = route[i - 1], route[i]
            return (a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]))
        if t <= depart[i]:
            return route[i]
    return route[-1]


def start_for_arrival(pts: list[Pt], speed: float, holds: dict[int, float], vertex: int, when: float) -> float:
    """The ``start`` that makes a walker reach ``pts[vertex]`` at fight time ``when``."""
    arrive, _ = vertex_times(pts, speed, 0.0, holds)
    return when - arrive[vertex]


def bearing(src: Pt, dst: Pt) -> float:
    """Contract yaw (deg) looking from ``src`` to ``dst``: 0 north (-z), +90 west."""
    return math.degrees(math.atan2(-(dst[0] - src[0]), -(dst[1] - src[1])))


def toward(src: Pt, dst: Pt, dist: float) -> Pt:
    """The point ``dist`` metres from ``src`` toward ``dst``."""
    d = math.dist(src, dst)
    return (src[0] + (dst[0] - src[0]) * dist / d, src[1] + (dst[1] - src[1]) * dist / d)


def polar(c: Pt, yaw: float, r: float) -> Pt:
    """The point ``r`` metres from ``c`` in the direction of contract yaw ``yaw``."""
    a = math.radians(yaw)
    return (c[0] - math.sin(a) * r, c[1] - math.cos(a) * r)


# ---------------------------------------------------------------------------------------
# The wall grid
# ---------------------------------------------------------------------------------------
class Grid:
    """Tile ids on a (rows, cols) grid; rectangles are given in metres, [x0, x1) x [z0, z1)."""

    def __init__(self, cols: int, rows: int, cell: float, fill: int = -1):
        self.cell = cell
        self.t = np.full((rows, cols), fill, dtype=np.int64)

    def _sl(self, x0, z0, x1, z1):
        c = self.cell
        return (slice(int(round(z0 / c)), int(round(z1 / c))), slice(int(round(x0 / c)), int(round(x1 / c))))

    def fill(self, x0, z0, x1, z1, tile):
        self.t[self._sl(x0, z0, x1, z1)] = tile
        return self

    def carve(self, x0, z0, x1, z1):
        return self.fill(x0, z0, x1, z1, -1)

    def solid(self) -> np.ndarray:
        return self.t >= 0

    def clearance(self, p: Pt) -> float:
        """Distance (m) from ground point ``p`` to the nearest wall cell (inf if none near)."""
        c = self.cell
        rows, cols = self.t.shape
        r0, c0 = int(math.floor(p[1] / c)), int(math.floor(p[0] / c))
        best = math.inf
        k = 4
        for r in range(max(0, r0 - k), min(rows, r0 + k + 1)):
            for cc in range(max(0, c0 - k), min(cols, c0 + k + 1)):
                if self.t[r, cc] < 0:
                    continue
                dx = max(cc * c - p[0], 0.0, p[0] - (cc + 1) * c)
                dz = max(r * c - p[1], 0.0, p[1] - (r + 1) * c)
                best = min(best, math.hypot(dx, dz))
        return best

    def segment_clearance(self, a: Pt, b: Pt, step: float = 0.05) -> float:
        n = max(1, int(math.ceil(math.dist(a, b) / step)))
        return min(self.clearance((a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n)) for i in range(n + 1))


class Router:
    """Short walkable routes keeping ``margin`` metres off walls and off the ``avoid``
    polygons' bounding boxes: A* on a 0.25 m lattice, string-pulled to few vertices."""

    STEP = 0.25

    def __init__(self, grid: Grid, margin: float = 0.6, avoid=()):
        step = self.STEP
        rows, cols = grid.t.shape
        nx, nz = int(cols * grid.cell / step), int(rows * grid.cell / step)
        zz, xx = np.mgrid[0:nz, 0:nx]
        px, pz = (xx + 0.5) * step, (zz + 0.5) * step
        free = np.ones((nz, nx), dtype=bool)
        for r, c in zip(*np.nonzero(grid.solid())):
            x0, z0 = c * grid.cell, r * grid.cell
            sl = (slice(max(0, int((z0 - margin) / step) - 1), min(nz, int((z0 + grid.cell + margin) / step) + 2)),
                  slice(max(0, int((x0 - margin) / step) - 1), min(nx, int((x0 + grid.cell + margin) / step) + 2)))
            dx = np.maximum(np.maximum(x0 - px[sl], 0.0), px[sl] - (x0 + grid.cell))
            dz = np.maximum(np.maximum(z0 - pz[sl], 0.0), pz[sl] - (z0 + grid.cell))
            free[sl] &= np.hypot(dx, dz) >= margin
        for poly in avoid:
            xs = [p[0] for p in poly]
            zs = [p[1] for p in poly]
            free[max(0, int((min(zs) - margin) / step)):min(nz, int((max(zs) + margin) / step) + 1),
                 max(0, int((min(xs) - margin) / step)):min(nx, int((max(xs) + margin) / step) + 1)] = False
        self.free, self.nx, self.nz = free, nx, nz
        self.cache: dict[tuple[Pt, Pt], list[Pt]] = {}

    def _cell(self, p: Pt) -> tuple[int, int]:
        return (min(self.nz - 1, max(0, int(p[1] / self.STEP))), min(self.nx - 1, max(0, int(p[0] / self.STEP))))

    def _clear(self, p0: Pt, p1: Pt) -> bool:
        n = max(1, int(math.ceil(math.dist(p0, p1) / (self.STEP / 2))))
        for i in range(n + 1):
            if not self.free[self._cell((p0[0] + (p1[0] - p0[0]) * i / n, p0[1] + (p1[1] - p0[1]) * i / n))]:
                return False
        return True

    def __call__(self, a: Pt, b: Pt) -> list[Pt]:
        key = (a, b)
        if key not in self.cache:
            self.cache[key] = self._route(a, b)
        return self.cache[key]

    def _route(self, a: Pt, b: Pt) -> list[Pt]:
        if self._clear(a, b):
            return [a, b]
        free = self.free.copy()
        s, g = self._cell(a), self._cell(b)
        free[s] = free[g] = True
        dist = {s: 0.0}
        prev = {}
        pq = [(math.dist(s, g), s)]
        nbrs = [(-1, 0, 1.0), (1, 0, 1.0), (0, -1, 1.0), (0, 1, 1.0),
                (-1, -1, 1.4142), (-1, 1, 1.4142), (1, -1, 1.4142), (1, 1, 1.4142)]
        while pq:
            _, u = heapq.heappop(pq)
            if u == g:
                break
            du = dist[u]
            for dr, dc, w in nbrs:
                v = (u[0] + dr, u[1] + dc)
                if not (0 <= v[0] < self.nz and 0 <= v[1] < self.nx) or not free[v]:
                    continue
                if dr and dc and not (free[u[0] + dr, u[1]] and free[u[0], u[1] + dc]):
                    continue
                nd = du + w
                if nd < dist.get(v, math.inf):
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(pq, (nd + math.dist(v, g), v))
        if g not in dist:
            raise RuntimeError(f"no route from {a} to {b}")
        cells = [g]
        while cells[-1] != s:
            cells.append(prev[cells[-1]])
        cells.reverse()
        step = self.STEP
        pts = [a] + [((c + 0.5) * step, (r + 0.5) * step) for r, c in cells[1:-1]] + [b]
        out = [pts[0]]
        i = 0
        while i < len(pts) - 1:
            j = len(pts) - 1
            while j > i + 1 and not self._clear(pts[i], pts[j]):
                j -= 1
            out.append(pts[j])
            i = j
        return [(q(x), q(z)) for x, z in out[:-1]] + [b]


# ---------------------------------------------------------------------------------------
# Writing: tileset, PNG, templates, project, maps
# ---------------------------------------------------------------------------------------
def _xml_text(root: ET.Element) -> str:
    """Serialise like Tiled: UTF-8 declaration, one-space indent, ``<point/>``."""
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    # ElementTree writes an empty element as "<point />"; Tiled writes "<point/>".
    body = body.replace(" />", "/>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


# Each property's Tiled type, from the engine's table (previs/level/schema.py).
PROP_TYPES = {f.name: f.type for table in OBJECTS.values() for f in table.values()}


def _prop_value(kind: str, v) -> str:
    if kind == "color":
        return argb(v)
    if kind == "object":
        return str(v.oid if hasattr(v, "oid") else int(v))
    if kind == "float":
        return fmt_num(v)
    if kind == "int":
        return str(int(v))
    if kind == "bool":
        return "true" if v else "false"
    return str(v)


def _properties(parent: ET.Element, props: list[tuple[str, str, object]]) -> None:
    """``<properties>`` in Tiled's order (by name); string type is left implicit."""
    if not props:
        return
    el = ET.SubElement(parent, "properties")
    for name, kind, value in sorted(props, key=lambda p: p[0]):
        attrs = {"name": name}
        if kind != "string":
            attrs["type"] = kind
        attrs["value"] = _prop_value(kind, value)
        ET.SubElement(el, "property", attrs)


def write_tileset_files(out: Path) -> Path:
    """The PNG and our own TSX (before Tiled re-saves it). Returns the TSX path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg

    png = out / TILESET_IMAGE
    png.parent.mkdir(parents=True, exist_ok=True)
    # metadata={"Software": None}: no library version in the file, so it stays byte-stable.
    mpimg.imsave(png, tileset_png(), format="png", metadata={"Software": None})
    root = ET.Element("tileset", {
        "version": "1.8", "tiledversion": "1.8.2", "name": "previs-walls",
        "tilewidth": str(TILE_PX), "tileheight": str(TILE_PX),
        "tilecount": str(len(TILES)), "columns": str(len(TILES)),
    })
    ET.SubElement(root, "image", {"source": TILESET_IMAGE, "width": str(TILE_PX * len(TILES)), "height": str(TILE_PX)})
    for t in TILES:
        tile = ET.SubElement(root, "tile", {"id": str(t.tid)})
        props = [("color", "color", t.color)]
        if t.height is not None:
            props.append(("height", "float", t.height))
        props += list(t.floor)
        _properties(tile, props)
    path = out / TILESET_FILE
    _write(path, _xml_text(root))
    return path


def write_templates(out: Path) -> list[Path]:
    written = []
    for tx, props in TEMPLATE_PROPS.items():
        root = ET.Element("template")
        attrs = {"type": "performer"}
        if TEMPLATE_SHAPE[tx] == "ellipse":
            d = fmt_num(2 * props["radius"] * TILE_PX)  # templates are used in 1 m tile maps
            attrs.update(width=d, height=d)
        obj = ET.SubElement(root, "object", attrs)
        _properties(obj, [(k, PROP_TYPES[k], v) for k, v in props.items()])
        ET.SubElement(obj, TEMPLATE_SHAPE[tx])
        path = out / tx
        _write(path, _xml_text(root))
        written.append(path)
    return written


# The custom types an author gets in Tiled, generated from the engine's own table
# (previs/level/schema.py): (name, type, default, enum type or None). A field without an
# engine default (required, or the action's default duration) is an empty string, so the
# editor never shows a value previs does not use; object refs default to 0 (= no object).
CLASS_COLORS = {"henry": "#ffe0b020", "performer": "#ffd04030", "path": "#ff3080e0", "beat": "#fff0e040",
                "zone": "#ffff8000", "mark": "#ff20c0a0"}
CLASSES = {
    kind: (CLASS_COLORS[kind], [(f.name, *tiled_member(f), f.enum) for f in table.values()])
    for kind, table in OBJECTS.items()
}
ZONE_KINDS = list(ENGINE_ZONE_KINDS)
# Tiled 1.9+ classes for the map (*Map > Map Properties*: Class) and for tiles (the tileset
# editor: a tile's Class): every map property and tile property previs reads, with its
# default. Tiled 1.8 shows them as custom types only (it has no map or tile classes).
OTHER_CLASSES = {
    MAP_CLASS: ("#ff808080", [(f.name, *tiled_member(f), f.enum) for f in MAP.values()], ["map"]),
    TILE_CLASS: ("#ff808080", [(f.name, *tiled_member(f), f.enum) for f in TILE.values()], ["tile"]),
}


def qt_json(v, level: int = 0) -> str:
    """JSON exactly as Qt's ``QJsonDocument::toJson()`` (what Tiled writes): 4-space
    indent, keys sorted, empty containers opened and closed on separate lines."""
    pad = "    " * level
    if isinstance(v, dict):
        items = [f'{pad}    {json.dumps(k, ensure_ascii=False)}: {qt_json(v[k], level + 1)}' for k in sorted(v)]
        return "{\n" + ",\n".join(items) + ("\n" if items else "") + pad + "}"
    if isinstance(v, list):
        items = [f"{pad}    {qt_json(x, level + 1)}" for x in v]
        return "[\n" + ",\n".join(items) + ("\n" if items else "") + pad + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return fmt_num(v)
    return json.dumps(v, ensure_ascii=False)


def write_project(out: Path) -> list[Path]:
    """``previs.tiled-project`` and the Tiled 1.8 object types file it points to."""
    types = [{
        "id": 1, "name": "ZoneKind", "storageType": "string", "type": "enum",
        "values": ZONE_KINDS, "valuesAsFlags": False,
    }]
    for name, values in ((LENS_ENUM, list(LENS_MODELS)), (RISE_TO_ENUM, list(DIRECTIONS))):
        types.append({"id": len(types) + 1, "name": name, "storageType": "string", "type": "enum",
                      "values": values, "valuesAsFlags": False})
    every = [(name, color, members, ["object"]) for name, (color, members) in CLASSES.items()]
    every += [(name, color, members, use) for name, (color, members, use) in OTHER_CLASSES.items()]
    for name, color, members, use in every:
        mem = []
        for mname, mtype, default, enum in sorted(members):
            m = {"name": mname, "type": mtype, "value": default}
            if enum:
                m["propertyType"] = enum
            mem.append(m)
        types.append({"color": color, "drawFill": True, "id": len(types) + 1, "members": mem, "name": name,
                      "type": "class", "useAs": use})
    project = {
        "automappingRulesFile": "",
        "commands": [],
        "extensionsPath": "extensions",
        "folders": ["."],
        "objectTypesFile": OBJECTTYPES_FILE,
        "propertyTypes": types,
    }
    p1 = out / PROJECT_FILE
    _write(p1, qt_json(project) + "\n")
    root = ET.Element("objecttypes")
    for name, (color, members) in CLASSES.items():
        ot = ET.SubElement(root, "objecttype", {"name": name, "color": "#" + color[3:]})
        for mname, mtype, default, enum in sorted(members):
            attrs = {"name": mname, "type": mtype}
            if enum:
                attrs["propertytype"] = enum
            attrs["default"] = fmt_num(default) if isinstance(default, float) else str(default)
            ET.SubElement(ot, "property", attrs)
    p2 = out / OBJECTTYPES_FILE
    _write(p2, _xml_text(root))
    return [p1, p2]


def assign_ids(spec: LevelSpec) -> int:
    """Object ids: Henry 1, performers, paths, zones, beats, then marks. Returns nextobjectid."""
    n = 1
    for group in (spec.actors, spec.paths, spec.zones, spec.beats, spec.marks):
        for o in group:
            o.oid = n
            n += 1
    return n


def _tile_data(layer: ET.Element, grid: np.ndarray, encoding) -> None:
    gids = np.where(grid >= 0, grid + FIRSTGID, 0).astype("<u4")
    enc, comp = encoding
    if enc == "csv":
        text = "\n" + ",\n".join(",".join(str(int(g)) for g in row) for row in gids) + "\n"
        ET.SubElement(layer, "data", {"encoding": "csv"}).text = text
        return
    raw = gids.tobytes()
    if comp == "zlib":
        raw = zlib.compress(raw, 9)
    elif comp == "gzip":
        import gzip

        raw = gzip.compress(raw, 9, mtime=0)
    import base64

    attrs = {"encoding": "base64"}
    if comp:
        attrs["compression"] = comp
    ET.SubElement(layer, "data", attrs).text = base64.b64encode(raw).decode("ascii")


def map_xml(spec: LevelSpec) -> ET.Element:
    """The level as a Tiled map element tree."""
    next_id = assign_ids(spec)
    ppm = spec.ppm

    def px(v: float) -> str:
        return fmt_num(round(v * ppm, 2))

    root = ET.Element("map", {
        "version": "1.8", "tiledversion": "1.8.2", "orientation": "orthogonal",
        "renderorder": "right-down", "width": str(spec.cols), "height": str(spec.rows),
        "tilewidth": str(TILE_PX), "tileheight": str(TILE_PX), "infinite": "0",
        "nextlayerid": "0", "nextobjectid": str(next_id),
    })
    _properties(root, spec.props)
    ET.SubElement(root, "tileset", {"firstgid": str(FIRSTGID), "source": TILESET_FILE})
    lid = 1
    if spec.floor is not None:
        lay = ET.SubElement(root, "layer", {"id": str(lid), "name": "floor", "width": str(spec.cols), "height": str(spec.rows)})
        _tile_data(lay, spec.floor, spec.encoding)
        lid += 1
    lay = ET.SubElement(root, "layer", {"id": str(lid), "name": spec.walls_layer, "width": str(spec.cols), "height": str(spec.rows)})
    _properties(lay, spec.walls_layer_props)
    _tile_data(lay, spec.walls, spec.encoding)
    lid += 1

    def group(name: str, color: str):
        nonlocal lid
        g = ET.SubElement(root, "objectgroup", {"id": str(lid), "name": name, "color": color})
        lid += 1
        return g

    if spec.zones:
        g = group("zones", "#ff8000")
        for z in spec.zones:
            if z.rect:
                xs = [p[0] for p in z.pts]
                zs = [p[1] for p in z.pts]
                o = ET.SubElement(g, "object", {"id": str(z.oid), "name": z.name, "type": "zone",
                                                "x": px(min(xs)), "y": px(min(zs)),
                                                "width": px(max(xs) - min(xs)), "height": px(max(zs) - min(zs))})
                _properties(o, [("kind", "string", z.kind)])
            else:
                x0, z0 = z.pts[0]
                o = ET.SubElement(g, "object", {"id": str(z.oid), "name": z.name, "type": "zone", "x": px(x0), "y": px(z0)})
                _properties(o, [("kind", "string", z.kind)])
                ET.SubElement(o, "polygon", {"points": " ".join(f"{px(x - x0)},{px(zz - z0)}" for x, zz in z.pts)})
    g = group("paths", "#3080e0")
    for p in spec.paths:
        x0, z0 = p.pts[0]
        o = ET.SubElement(g, "object", {"id": str(p.oid), "name": p.name, "type": "path", "x": px(x0), "y": px(z0)})
        if p.holds:
            _properties(o, [("holds", "string", p.holds_text())])
        ET.SubElement(o, "polygon" if p.closed else "polyline",
                      {"points": " ".join(f"{px(x - x0)},{px(zz - z0)}" for x, zz in p.pts)})
    g = group("actors", "#e02020")
    for a in spec.actors:
        props = []
        if a.path is not None:
            props.append(("path", "object", a.path))
        props += [(k, PROP_TYPES[k], v) for k, v in a.props.items()]
        if a.template:
            x, z = a.pos
            if TEMPLATE_SHAPE[a.template] == "ellipse":
                r = TEMPLATE_PROPS[a.template]["radius"] * TILE_PX / ppm  # template size is in px
                x, z = x - r, z - r
            o = ET.SubElement(g, "object", {"id": str(a.oid), "template": a.template, "name": a.name, "x": px(x), "y": px(z)})
            _properties(o, props)
            continue
        attrs = {"id": str(a.oid), "name": a.name, "type": a.kind}
        if a.shape == "ellipse":
            r = a.get("radius")
            attrs.update(x=px(a.pos[0] - r), y=px(a.pos[1] - r), width=px(2 * r), height=px(2 * r))
        else:
            attrs.update(x=px(a.pos[0]), y=px(a.pos[1]))
        o = ET.SubElement(g, "object", attrs)
        _properties(o, props)
        ET.SubElement(o, a.shape)
    g = group("beats", "#f0d020")
    for b in spec.beats:
        pos = b.pos if b.pos is not None else position_at(b.actor, b.t)
        o = ET.SubElement(g, "object", {"id": str(b.oid), "name": f"{fmt_num(b.t)}s {b.action}", "type": "beat",
                                        "x": px(pos[0]), "y": px(pos[1])})
        props = [("t", "float", b.t), ("actor", "object", b.actor), ("action", "string", b.action)]
        if b.target is not None:
            props.append(("target", "object", b.target))
        if b.duration is not None:
            props.append(("duration", "float", b.duration))
        if b.note:
            props.append(("note", "string", b.note))
        _properties(o, props)
        ET.SubElement(o, "point")
    if spec.marks:
        g = group("marks", "#20c0a0")
        for mk in spec.marks:
            o = ET.SubElement(g, "object", {"id": str(mk.oid), "name": mk.name, "type": "mark",
                                            "x": px(mk.pos[0]), "y": px(mk.pos[1])})
            _properties(o, [("height", "float", mk.height)])
            ET.SubElement(o, "point")
    root.set("nextlayerid", str(lid))
    return root


def tiled_available() -> bool:
    return shutil.which("tiled") is not None


def _tiled(args: list[str]) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    r = subprocess.run(["tiled", *args], env=env, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tiled {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")


def resave(kind: str, src: Path, dst: Path) -> None:
    """Re-save ``src`` through Tiled into ``dst`` (``kind`` "map" or "tileset")."""
    flag = "--export-map" if kind == "map" else "--export-tileset"
    fmt = "tmx" if kind == "map" else "tsx"
    tmp = dst.with_name(f".{dst.stem}.tiled{dst.suffix}")
    try:
        _tiled([flag, fmt, str(src), str(tmp)])
        data = tmp.read_bytes()
    finally:
        if tmp.exists():
            tmp.unlink()
    _write(dst, data)


def write_level(spec: LevelSpec, out: Path, use_tiled: bool) -> Path:
    dst = out / f"{spec.key}.tmx"
    text = _xml_text(map_xml(spec))
    if not use_tiled:
        _write(dst, text)
        return dst
    src = out / f".{spec.key}.gen.tmx"  # beside the map, so relative references resolve
    src.write_text(text, encoding="utf-8")
    try:
        resave("map", src, dst)
    finally:
        src.unlink()
    return dst


# ---------------------------------------------------------------------------------------
# Facts: replay a fight with the engine and report what the plan will say
# ---------------------------------------------------------------------------------------
def _intervals(mask: np.ndarray, fps: float, min_len: float = 0.0) -> list[tuple[float, float]]:
    """Runs of True in a per-frame mask as (start, end) seconds (end exclusive)."""
    pad = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(pad)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return [(s / fps, e / fps) for s, e in zip(starts, ends) if (e - s) / fps >= min_len]


def analyse(level, spec: LevelSpec | None = None) -> dict:
    """Replay ``level`` with the engine and collect the facts the plan will report."""
    from previs.plan import cuts as C
    from previs.plan import safety as S
    from previs.plan import shots as SH
    from previs.plan import visibility as V
    from previs.sim.script import simulate

    st = level.settings
    motion = simulate(level)
    fps = float(st.fps)
    track = motion.track
    swings = C.find_swings(track.yaw, fps)
    cut_list = C.turn_cuts(swings, st.turn_cut_speed, st.turn_cut_angle)
    bounds = SH.shot_bounds([c.peak_frame for c in cut_list], len(track))
    speed = np.abs(C.yaw_speed(track.yaw, fps))
    facts: dict = {"title": st.title, "duration": st.duration, "frames": len(track), "fps": st.fps}
    names = {level.henry.id: level.henry.name}
    names.update({p.id: p.name for p in level.performers})
    names.update({k.id: k.name for k in level.marks})
    looks = [b for b in level.beats if b.actor == level.henry.id and b.aims]
    cut_rows = []
    for c in cut_list:
        t = c.peak_frame / fps
        beat = next((b for b in looks if b.t - 0.05 <= t <= b.t + b.duration + 0.1), None)
        cut_rows.append({"frame": c.peak_frame, "time": round(t, 3), "direction": c.direction_name,
                         "angle": round(c.angle, 1), "peak_speed": round(c.peak_speed, 1),
                         "look": None if beat is None else {"t": beat.t, "target": names[beat.target], "duration": beat.duration}})
    facts["cuts"] = cut_rows
    in_cut_all = np.zeros(len(track), bool)
    for c in cut_list:
        in_cut_all[c.first : c.last + 1] = True
    shot_rows = []
    for s0, s1 in bounds:
        d = (s1 - s0) / fps
        row = {"start": round(s0 / fps, 3), "end": round(s1 / fps, 3), "duration": round(d, 3), "over_max_take": d > st.max_take}
        if d > st.max_take:
            b = SH.best_swing(swings, s0, s1, st.turn_cut_speed, st.turn_cut_angle)
            row["suggested_cut"] = None if b is None else {
                "time": round(b.peak_frame / fps, 3), "direction": b.direction_name,
                "angle": round(b.angle, 1), "peak_speed": round(b.peak_speed, 1)}
            inside = speed[s0:s1][~in_cut_all[s0:s1]]
            row["max_yaw_speed_inside"] = round(float(inside.max()), 1) if inside.size else 0.0
        shot_rows.append(row)
    facts["shots"] = shot_rows
    # The fastest turn that is not part of a cut swing: how far from an accidental cut.
    in_cut = np.zeros(len(track), bool)
    for c in cut_list:
        in_cut[c.first : c.last + 1] = True
    facts["max_yaw_speed_outside_cuts"] = round(float(speed[~in_cut].max()), 1) if (~in_cut).any() else 0.0
    facts["clearance"] = [c.to_dict() for c in S.clearance_findings(level, motion, st.safety_distance)]
    facts["zones"] = [z.to_dict() for z in S.zone_findings(level, motion)]
    # Occlusion: in the frustum (chest or head) but hidden by walls.
    P = len(level.performers)
    if P:
        vis = V.visible_frames(level, motion)
        xz = np.asarray(motion.perf_xz)
        ys = V.point_heights(level, motion)
        pts = np.empty(xz.shape[:2] + (2, 3))
        pts[..., 0] = xz[:, :, None, 0]
        pts[..., 1] = ys
        pts[..., 2] = xz[:, :, None, 1]
        infr = V.in_frustum(track, pts).any(axis=2)
        occ = infr & ~vis & ~np.asarray(motion.perf_down)
        facts["occluded"] = {level.performers[p].name: [(round(a, 3), round(b, 3)) for a, b in _intervals(occ[:, p], fps, 0.25)]
                             for p in range(P) if occ[:, p].any() and _intervals(occ[:, p], fps, 0.25)}
        inview = V.in_view_per_shot(vis, bounds)
        for row, idx in zip(shot_rows, inview):
            row["in_view"] = [level.performers[i].name for i in idx]
    # Paths against walls.
    if spec is not None:
        g = Grid(spec.cols, spec.rows, spec.tile_meters)
        g.t = spec.walls
        worst = []
        for p in spec.paths:
            pts = list(p.pts) + ([p.pts[0]] if p.closed else [])
            c = min(g.segment_clearance(a, b) for a, b in zip(pts, pts[1:]))
            worst.append((c, p.name))
        worst.sort()
        facts["path_wall_clearance"] = [(round(c, 2), n) for c, n in worst[:3]]
    facts["looks"] = [{"t": b.t, "target": names[b.target], "duration": b.duration} for b in looks]
    return facts


def print_facts(facts: dict, full: bool = False) -> None:
    print(f"== {facts['title']}: {facts['duration']} s, {facts['frames']} frames @ {facts['fps']}")
    print(f"  turn cuts ({len(facts['cuts'])}):")
    for c in facts["cuts"]:
        lk = c["look"]
        what = f"look t={lk['t']} -> {lk['target']} ({lk['duration']} s)" if lk else "NOT A LOOK BEAT"
        print(f"    t={c['time']:7.3f} f={c['frame']:5d} {c['direction']:5s} {c['angle']:6.1f} deg peak {c['peak_speed']:6.1f} deg/s  [{what}]")
    print(f"  fastest turn outside cut swings: {facts['max_yaw_speed_outside_cuts']} deg/s")
    print(f"  shots ({len(facts['shots'])}):")
    for i, s in enumerate(facts["shots"], 1):
        extra = ""
        if s["over_max_take"]:
            extra = f"  OVER MAX TAKE; suggested {s['suggested_cut']}; fastest non-cut turn inside {s['max_yaw_speed_inside']} deg/s"
        iv = s.get("in_view", [])
        ivs = ", ".join(iv) if len(iv) <= 8 else f"{len(iv)} performers"
        print(f"    {i:3d} {s['start']:8.3f}-{s['end']:8.3f} ({s['duration']:6.3f} s) in view: {ivs}{extra}")
    print(f"  clearance findings: {facts['clearance']}")
    print(f"  zone findings: {facts['zones']}")
    occ = facts.get("occluded", {})
    print(f"  occluded while in frustum (>= 0.25 s): {len(occ)} performers")
    for n, iv in occ.items():
        if full or len(occ) <= 12:
            print(f"    {n}: {iv}")
    print(f"  tightest path-to-wall clearances: {facts.get('path_wall_clearance')}")


# ---------------------------------------------------------------------------------------
# Level 1: the corridor
# ---------------------------------------------------------------------------------------
def build_corridor(rng: random.Random) -> LevelSpec:
    """Henry advances 34 m down a 3 m corridor; six goons come out of doorways and alcoves.

    Beats are timed from the walks (``vertex_times``), so moving a vertex keeps the fight in
    sync. One deliberate near miss (Goon 3 brushes past Henry) and one deliberate pyro entry
    (Goon 4's fire-suit walk through the burning debris) are the safety findings."""
    cols, rows, cell = 46, 15, 1.0
    g = Grid(cols, rows, cell)
    g.fill(1, 0, 45, 14, CONCRETE)
    g.carve(2, 6, 44, 9)  # the corridor: x 2..44, z 6..9
    for x0, x1, door in ((8, 15, 10), (20, 30, 24), (34, 41, 36)):  # north rooms A, B, C
        g.carve(x0, 1, x1, 5)
        g.carve(door, 5, door + 2, 6)
        g.fill(x0 - 1, 0, x1 + 1, 1, BRICK)
    for x0, x1, door in ((4, 8, 5), (16, 21, 17), (29, 33, 30)):  # south alcoves S1, S2, S3
        g.carve(x0, 10, x1, 13)
        g.carve(door, 9, door + 2, 10)
    g.fill(20, 1, 22, 2, COVER)  # crates in room B's west corner
    g.fill(18, 12, 20, 13, COVER)  # crates at the back of alcove S2
    g.fill(13, 1, 14, 2, COVER)
    floor = np.where(g.solid(), -1, FLOOR)
    floor[1:5, :] = np.where(g.solid()[1:5, :], -1, FLOOR_TILES)  # tiled rooms
    inside = np.zeros_like(floor, dtype=bool)
    inside[0:14, 1:45] = True
    floor[~inside] = -1  # nothing outside the building

    props = [
        ("title", "string", "Corridor fight"), ("fps", "int", 24), ("duration", "float", 45.0),
        ("start_tc", "string", "01:00:00:00"), ("tile_meters", "float", 1.0), ("eye_height", "float", 1.7),
        ("hfov", "float", 90.0), ("max_take", "float", 60.0), ("turn_cut_speed", "float", 150.0),
        ("turn_cut_angle", "float", 40.0), ("safety_distance", "float", 0.5),
    ]
    spec = LevelSpec("corridor", cols, rows, cell, props, g.t, floor, encoding=("csv", None))
    A = spec.actors.append
    P = spec.paths.append
    beats = spec.beats

    def beat(t, actor, action, target=None, duration=None, note=""):
        beats.append(BeatSpec(round(t, 2), actor, action, target, duration, note))

    # Henry: stands 1 s, walks east, holds for three fights.
    H = [(3.0, 7.5), (9.0, 7.5), (23.8, 7.5), (36.6, 7.5)]
    h_hold = {1: 5.0, 2: 6.2}
    hp = PathSpec("Henry path", H, holds=h_hold)
    h_start = 1.0
    henry = ActorSpec("henry", "Henry", H[0], hp, {"speed": 1.4, "start": h_start, "heading": -90.0})
    h_arr, h_dep = vertex_times(H, 1.4, h_start, h_hold)
    P(hp)
    A(henry)

    def goon(name, role, pts, holds, speed, arrive_vertex, when, **extra):
        pts = [(q(x), q(z)) for x, z in pts]
        start = q(start_for_arrival(pts, speed, holds, arrive_vertex, when), 0.01)
        path = PathSpec(f"{name} path", pts, holds=holds)
        a = ActorSpec("performer", name, pts[0], path, {"role": role, "speed": speed, "start": start, **extra})
        P(path)
        A(a)
        return a

    # Fight 1 at H1: Goon 1 (knife) steps out of room A's door ahead-left.
    T1 = 6.0
    c1 = toward(H[1], (11.0, 5.5), 0.9)
    g1 = goon("Goon 1", "knife", [(11.0, 2.5), (11.0, 6.3), c1], {}, 1.8, 2, T1, color=(190, 60, 40))
    # Goon 2 (bat) comes out of alcove S1 behind Henry and waits in the corridor, then swings.
    T2 = 9.25
    wait2 = (6.5, 7.8)
    c2 = toward(H[1], wait2, 0.9)
    g2 = goon("Goon 2", "bat", [(6.0, 11.5), (6.0, 9.0), wait2, c2], {2: 1.3}, 2.5, 3, T2, color=(150, 40, 110))
    # Goon 3 (runner): sprints west down the corridor from the far end and brushes past
    # Henry 0.75 m centre to centre (0.15 m of air) at t = 13: the near miss.
    t_pass = 13.0
    x_pass = H[1][0] + 1.4 * (t_pass - h_dep[1])
    g3 = goon("Goon 3", "runner", [(43.0, 6.75), (6.0, 6.75), (6.0, 11.3)], {}, 3.5, 0, 0.0, color=(200, 150, 40))
    g3.props["start"] = q(t_pass - (43.0 - x_pass) / 3.5, 0.01)
    # Fight 2 at H2: Goon 4 (pipe) crosses the burning debris in room B (fire suit) and
    # comes out of the door ahead-left.
    T4 = 22.0
    c4 = toward(H[2], (25.0, 5.5), 0.9)
    g4 = goon("Goon 4", "pipe", [(28.8, 2.5), (25.0, 2.5), (25.0, 5.5), c4], {}, 1.8, 3, T4, color=(90, 120, 60))
    # Goon 5 (bat) waits at the far end, then charges Henry at H3.
    T5 = 40.5
    c5 = (q(H[3][0] + 0.9), 7.6)
    g5 = goon("Goon 5", "bat", [(42.5, 8.3), c5], {}, 3.0, 1, T5, color=(60, 60, 160), height=1.9)
    # Goon 6 (knife) bursts out of room C's door right beside Henry at H3.
    T6 = 37.4
    c6 = (H[3][0], q(H[3][1] - 0.9))
    g6 = goon("Goon 6", "knife", [(37.5, 2.5), (36.7, 4.6), c6], {1: 1.2}, 2.5, 2, T6, color=(170, 90, 30))

    # -- Henry's head: looks (whips are 0.25-0.3 s looks; the rest are slow) --
    beat(2.0, henry, "look", g1, 0.8, "clocks Goon 1 in the doorway (slow, no cut)")
    # Fight 1
    beat(T1 - 0.2, g1, "hit", henry, 0.5, "knife slash")
    beat(T1 + 0.3, henry, "grab", g1, 0.8, "grabs the knife hand")
    beat(T1 + 1.1, henry, "punch", g1, 0.4)
    beat(T1 + 1.05, g1, "fall", None, 0.35)
    # Whip 1: behind-left to Goon 2
    beat(8.0, henry, "look", g2, 0.25, "WHIP: hears Goon 2 behind")
    beat(T2 - 0.25, g2, "hit", henry, 0.5, "bat swing")
    beat(T2 + 0.25, henry, "kick", g2, 0.5)
    beat(T2 + 0.35, g2, "fall", None, 0.35)
    # Whip 2: back to the front, to Goon 3 sprinting down the corridor at Henry (in plain
    # view; Goon 4 is still behind room B's wall until 20.5 s, so a whip to him lands on a
    # wall). Then a slow look to Goon 4 in room B before Goon 3 passes: tracking Goon 3
    # past at 0.75 m would swing the head ~370 deg/s at 13 s, an accidental cut.
    beat(10.4, henry, "look", g3, 0.3, "WHIP: back to the front, Goon 3 sprints at him")
    beat(12.0, henry, "look", g4, 1.0, "eyes back to room B before Goon 3 passes (slow, no cut)")
    # Fight 2
    beat(T4 - 0.2, henry, "punch", g4, 0.5)
    beat(T4 + 0.3, g4, "hit", henry, 0.5, "pipe")
    beat(T4 + 0.8, henry, "throw", g4, 0.8, "throw onto the crash mat")
    beat(T4 + 1.1, g4, "fall", None, 0.4)
    beat(24.5, henry, "look", g5, 1.5, "slow pan to Goon 5 at the far end (no cut)")
    # Whip 3: beside, left, to Goon 6 in room C's door
    beat(36.5, henry, "look", g6, 0.25, "WHIP: Goon 6 bursts out of the door")
    beat(T6 - 0.2, g6, "grab", henry, 0.8)
    beat(T6 + 0.6, henry, "punch", g6, 0.4)
    beat(T6 + 1.0, henry, "punch", g6, 0.4)
    beat(T6 + 0.95, g6, "fall", None, 0.4)
    # Whip 4: right, to Goon 5 charging from the far end
    beat(39.3, henry, "look", g5, 0.25, "WHIP: Goon 5 charges")
    beat(T5 - 0.2, g5, "hit", henry, 0.5, "bat swing")
    beat(T5 + 0.3, henry, "kick", g5, 0.5)
    beat(T5 + 0.8, henry, "punch", g5, 0.5)
    beat(T5 + 0.9, g5, "fall", None, 0.35)
    beat(42.6, henry, "look", g6, 2.0, "looks down at Goon 6 (slow)")
    # Performers watch Henry (drawing only)
    beat(3.5, g1, "look", henry, None)
    beat(30.0, g5, "look", henry, None)

    spec.zones += [
        ZoneSpec("Burning debris", "pyro", [(26.0, 1.5), (27.6, 3.6)], rect=True),
        ZoneSpec("Crash mat", "crash-mat", [(23.6, 5.2), (25.8, 6.9)], rect=True),
        ZoneSpec("Breakaway door", "set", [(36.0, 5.0), (38.0, 6.0)], rect=True),
    ]
    spec.notes = [
        "near miss: Goon 3 brushes past Henry (~0.15 m of air) at t~13 s",
        "pyro: Goon 4 crosses 'Burning debris' once, t~18-19 s",
    ]
    return spec


# ---------------------------------------------------------------------------------------
# Level 2: the chase
# ---------------------------------------------------------------------------------------
def build_chase(rng: random.Random) -> LevelSpec:
    """Five rooms joined by doors; Henry chases the Runner through them, then is chased.

    Half-metre tiles (``tile_meters = 0.5``) for thin walls; the wall layer is called
    ``structure`` and marked ``walls = true``. The Runner keeps disappearing behind walls
    while Henry's eyes stay on him; a Guard patrols a loop (polygon path) in the hall."""
    cell = 0.5
    W, D = 32.0, 22.0
    cols, rows = int(W / cell), int(D / cell)
    g = Grid(cols, rows, cell)
    g.fill(0, 0, W, D, CONCRETE)
    rooms = {
        "lobby": (0.5, 0.5, 10.0, 10.5), "office": (10.5, 0.5, 21.0, 10.5),
        "warehouse": (21.5, 0.5, 31.5, 21.5), "kitchen": (0.5, 11.0, 10.0, 21.5),
        "hall": (10.5, 11.0, 21.0, 21.5),
    }
    for x0, z0, x1, z1 in rooms.values():
        g.carve(x0, z0, x1, z1)
    doors = {
        "D12": (10.0, 3.0, 10.5, 4.5), "D23": (21.0, 6.0, 21.5, 7.5), "D35": (21.0, 16.0, 21.5, 17.5),
        "D54": (10.0, 14.0, 10.5, 15.5), "D25": (15.0, 10.5, 16.5, 11.0), "D14": (4.0, 10.5, 5.5, 11.0),
    }
    for x0, z0, x1, z1 in doors.values():
        g.carve(x0, z0, x1, z1)
    # Brick for the hall's walls, crates in the warehouse, a pillar pair in the lobby.
    g.t[(g.t == CONCRETE) & (np.arange(rows)[:, None] * cell >= 10.5) & (np.arange(cols)[None, :] * cell >= 10.0)
        & (np.arange(cols)[None, :] * cell < 21.5)] = BRICK
    g.fill(22.5, 4.0, 24.0, 5.0, COVER)  # crates Goon A hides behind
    g.fill(25.0, 3.0, 26.0, 5.0, COVER)
    g.fill(28.0, 12.0, 30.0, 13.0, COVER)
    g.fill(2.0, 2.0, 3.0, 3.0, PILLAR)
    g.fill(2.0, 8.0, 3.0, 9.0, PILLAR)
    g.fill(1.0, 19.5, 3.0, 21.5, COVER)  # kitchen counter
    floor = np.where(g.solid(), -1, FLOOR)
    r0, r1 = int(11.0 / cell), int(21.5 / cell)
    floor[r0:r1, 1:20] = np.where(g.solid()[r0:r1, 1:20], -1, FLOOR_TILES)  # kitchen tiles

    props = [
        ("title", "string", "The chase"), ("fps", "int", 24), ("duration", "float", 80.0),
        ("tile_meters", "float", cell), ("hfov", "float", 90.0),
    ]
    spec = LevelSpec("chase", cols, rows, cell, props, g.t, floor, walls_layer="structure",
                     walls_layer_props=[("walls", "bool", True)], encoding=("base64", "zlib"))
    A = spec.actors.append
    P = spec.paths.append

    def beat(t, actor, action, target=None, duration=None, note=""):
        spec.beats.append(BeatSpec(round(t, 2), actor, action, target, duration, note))

    def actor(name, pts, speed, start, holds=None, closed=False, **props):
        pts = [(q(x), q(z)) for x, z in pts]
        path = PathSpec(f"{name} path", pts, closed=closed, holds=holds or {})
        a = ActorSpec("performer", name, pts[0], path, {"speed": speed, "start": q(start, 0.01), **props})
        P(path)
        A(a)
        return a

    # -- Henry (runs at 2.8 m/s): lobby -> D12 -> office (Lookout) -> D23 -> warehouse
    # (ambush) -> D35 -> hall (Guard) -> D54 -> kitchen (tackle) -> D14 -> lobby (caught).
    H = [(3.5, 5.5), (8.5, 3.75), (12.0, 3.75), (15.5, 7.7), (20.0, 6.75), (23.5, 6.75),
         (26.5, 9.5), (26.5, 16.75), (21.25, 16.75), (16.0, 18.6), (10.25, 14.75), (6.4, 17.8),
         (4.75, 13.5), (4.75, 9.0), (6.5, 6.0)]
    h_hold = {3: 5.0, 5: 9.0, 9: 5.5, 11: 5.0}
    h_start, h_speed = 5.0, 2.8
    hp = PathSpec("Henry path", H, holds=h_hold)
    henry = ActorSpec("henry", "Henry", H[0], hp, {"speed": h_speed, "start": h_start, "heading": -75.0})
    P(hp)
    A(henry)
    ha, hd = vertex_times(H, h_speed, h_start, h_hold)

    # -- the Runner: bolts at 4 s and is gone while Henry is held up; Henry corners him in
    # the kitchen.
    R = [(7.5, 6.5), (9.0, 3.75), (12.0, 3.75), (19.5, 6.75), (23.5, 6.75), (27.0, 9.0),
         (27.0, 16.75), (21.25, 16.75), (11.5, 14.75), (9.2, 14.75), (8.0, 19.0), (5.6, 18.6)]
    runner = actor("Runner", R, 3.2, 4.0, {9: 2.5}, role="runner", color=(230, 200, 60))
    r_arr, _ = vertex_times([(q(x), q(z)) for x, z in R], 3.2, 4.0, {9: 2.5})

    # -- the Lookout: stands in the office (no path; placed as an ellipse).
    lookout = ActorSpec("performer", "Lookout", (15.5, 8.6), None, {"role": "lookout", "color": (120, 120, 130)}, shape="ellipse")
    A(lookout)
    # -- the warehouse ambush: Goon A from between the crates (north), Goon B from the south.
    Ta = ha[5] + 1.6
    ga_pts = [(24.5, 2.2), (24.5, 5.6), toward(H[5], (24.5, 5.6), 0.9)]
    goon_a = actor("Goon A", ga_pts, 2.5, start_for_arrival([(q(x), q(z)) for x, z in ga_pts], 2.5, {1: 1.0}, 2, Ta), {1: 1.0},
                   role="crowbar", color=(160, 50, 50))
    Tb = ha[5] + 5.4
    gb_pts = [(23.5, 13.5), (24.8, 10.2), toward(H[5], (24.8, 10.2), 0.9)]
    goon_b = actor("Goon B", gb_pts, 2.5, start_for_arrival([(q(x), q(z)) for x, z in gb_pts], 2.5, {1: 1.5}, 2, Tb), {1: 1.5},
                   role="knife", color=(120, 60, 140))
    # -- the Guard: patrols a loop in the hall (a polygon path, holds at two corners) and
    # walks right past where Henry lies in wait.
    G = [(13.0, 13.0), (19.0, 13.0), (19.0, 19.5), (13.0, 19.5)]
    g_hold = {1: 2.0, 3: 2.0}
    g_speed = 1.3
    Tg = hd[9] - 1.2  # the Guard passes Henry's ambush point (x = 16 on the south leg)
    arrive, depart = vertex_times(G, g_speed, 0.0, g_hold, closed=True)
    lap_to_pass = depart[2] + (G[2][0] - H[9][0]) / g_speed
    g_start = Tg - lap_to_pass - arrive[-1]  # on his second lap
    assert g_start >= 0.0, g_start
    guard = actor("Guard", G, g_speed, g_start, g_hold, closed=True, role="guard",
                  color=(70, 90, 70), height=1.9)
    # -- the pursuers: come after Henry through the hall and the kitchen into the lobby.
    c_end = toward(H[14], (4.75, 9.5), 0.9)
    C = [(29.5, 20.0), (24.0, 17.2), (21.25, 16.75), (13.0, 15.0), (10.25, 14.75), (7.0, 13.4),
         (4.75, 12.2), (4.75, 9.5), c_end]
    Tc = ha[14] + 1.8
    c_speed = 3.0
    Cq = [(q(x), q(z)) for x, z in C]
    goon_c = actor("Goon C", C, c_speed, start_for_arrival(Cq, c_speed, {}, len(C) - 1, Tc), role="bat", color=(200, 90, 40))
    # Goon D cuts round through the office and comes at him from the other side.
    Td = Tc + 3.0
    d_wait = (8.8, 5.2)
    Dp = [(30.5, 18.2), (24.0, 17.2), (21.25, 16.75), (15.75, 13.0), (15.75, 9.8), (13.0, 5.0),
          (10.25, 3.75), (9.2, 3.75), d_wait, toward(H[14], d_wait, 0.9)]
    Dq = [(q(x), q(z)) for x, z in Dp]
    d_hold = {8: 2.0}
    goon_d = actor("Goon D", Dp, c_speed, start_for_arrival(Dq, c_speed, d_hold, len(Dp) - 1, Td), d_hold,
                   role="knife", color=(90, 40, 40))
    dur = q(Td + 4.0, 1.0)
    spec.props[2] = ("duration", "float", dur)

    # -- Henry's head and the fights --
    beat(0.5, henry, "look", runner, 1.0, "face-off with the Runner")
    beat(4.0, runner, "look", henry, None, "he bolts")
    beat(ha[2] - 0.2, henry, "look", lookout, 0.8, "spots the Lookout in his way (no cut)")
    beat(ha[3] - 0.4, henry, "punch", lookout, 0.9)
    beat(ha[3] + 0.5, lookout, "hit", henry, 0.6)
    beat(ha[3] + 1.1, henry, "kick", lookout, 0.6)
    beat(ha[3] + 1.7, henry, "punch", lookout, 0.6)
    beat(ha[3] + 1.9, lookout, "fall", None, 0.35)
    # Marks: where Henry looks once walls hide the Runner (a look at someone hidden for the
    # whole look is a warning): the far end of the warehouse through the door the Runner
    # took (along Henry's own way, so tracking it never swings his head), and the hall's
    # west end (the way on; in sight from the hall door).
    warehouse = MarkSpec("Warehouse", (31.0, 6.75))
    hall_end = MarkSpec("Hall, west end", (11.0, 18.6))
    spec.marks += [warehouse, hall_end]
    beat(hd[3] - 2.5, henry, "look", warehouse, 2.5, "back on the Runner's trail: through the warehouse door")
    beat(Ta - 0.8, henry, "look", goon_a, 0.25, "WHIP: Goon A from behind the crates")
    beat(Ta - 0.2, goon_a, "hit", henry, 0.5, "crowbar")
    beat(Ta + 0.3, henry, "grab", goon_a, 0.6)
    beat(Ta + 0.9, henry, "throw", goon_a, 0.7)
    beat(Ta + 1.2, goon_a, "fall", None, 0.35)
    beat(Tb - 0.9, henry, "look", goon_b, 0.25, "WHIP: Goon B from the south")
    beat(Tb - 0.2, goon_b, "hit", henry, 0.5, "knife")
    beat(Tb + 0.3, henry, "kick", goon_b, 0.6)
    beat(Tb + 0.6, goon_b, "fall", None, 0.3)
    beat(hd[5] - 1.5, henry, "look", hall_end, 1.5, "where did he go? (he is two rooms away)")
    beat(ha[9] + 0.4, henry, "look", guard, 0.25, "WHIP: the Guard on his rounds")
    beat(Tg - 0.8, henry, "grab", guard, 1.1)
    beat(Tg + 0.3, henry, "punch", guard, 0.5)
    beat(Tg + 0.45, guard, "fall", None, 0.3)
    beat(hd[9] - 0.3, henry, "look", runner, 1.5, "after the Runner")
    beat(ha[11] - 0.4, henry, "tackle", runner, 1.2, "onto the crash mat")
    beat(ha[11] + 0.5, runner, "fall", None, 0.3)
    beat(hd[11] - 0.5, henry, "look", goon_c, 0.25, "WHIP: the pursuers come through the kitchen door")
    beat(hd[11] + 0.8, henry, "look", goon_c, 1.0, "runs for the lobby, glancing back")
    beat(Tc - 0.2, goon_c, "hit", henry, 0.5, "bat")
    beat(Tc + 0.3, henry, "kick", goon_c, 0.6)
    beat(Tc + 0.5, goon_c, "fall", None, 0.3)
    beat(Td - 1.0, henry, "look", goon_d, 0.25, "WHIP: Goon D")
    beat(Td - 0.2, goon_d, "grab", henry, 0.8)
    beat(Td + 0.6, henry, "throw", goon_d, 0.8)
    beat(Td + 1.0, goon_d, "fall", None, 0.35)
    spec.notes.append("Henry arrives/departs: " + ", ".join(f"{i}:{a:.2f}/{d:.2f}" for i, (a, d) in enumerate(zip(ha, hd))))
    spec.notes.append("Runner arrives: " + ", ".join(f"{i}:{a:.2f}" for i, a in enumerate(r_arr)))
    spec.zones += [
        ZoneSpec("Stairwell", "no-go", [(0.5, 0.5), (2.0, 1.5)], rect=True),
        ZoneSpec("Tackle mat", "crash-mat", [(4.5, 17.0), (7.5, 20.0)], rect=True),
        ZoneSpec("Crate rig", "rig", [(24.0, 1.0), (25.0, 3.0)], rect=True),
    ]
    return spec


# ---------------------------------------------------------------------------------------
# A small independent check used while generating (so the files never depend on the
# engine's code): where everyone is on every frame, and who comes too close.
# ---------------------------------------------------------------------------------------
def walk_knots(actor: ActorSpec, horizon: float):
    """(times, xs, zs) knots of an actor's walk up to ``horizon`` s (loops unrolled)."""
    if actor.path is None:
        return np.array([0.0, horizon]), np.array([actor.pos[0]] * 2), np.array([actor.pos[1]] * 2)
    p = actor.path
    speed, start = actor.get("speed"), actor.get("start")
    ts, xs, zs = [0.0], [p.pts[0][0]], [p.pts[0][1]]
    t = start
    laps = 0
    while True:
        arrive, depart = vertex_times(p.pts, speed, t, p.holds, p.closed)
        route = list(p.pts) + ([p.pts[0]] if p.closed else [])
        for i, pt in enumerate(route):
            for tt in (arrive[i], depart[i]):
                ts.append(tt)
                xs.append(pt[0])
                zs.append(pt[1])
        laps += 1
        if not p.closed or arrive[-1] > horizon or laps > 1000:
            break
        t = arrive[-1]
    return np.array(ts), np.array(xs), np.array(zs)


def check_clearance(spec: LevelSpec, fps: float = 24.0, margin: float = 0.1):
    """Pairs of bodies (names) closer than ``safety_distance + margin`` (surface gap) outside
    contact windows while both stand: [(gap, time, name_a, name_b)], closest first per pair."""
    dur = spec.prop("duration")
    safety = spec.prop("safety_distance", 0.5) + margin
    t = np.arange(int(round(dur * fps))) / fps
    bodies = spec.actors
    n = len(bodies)
    xz = np.empty((len(t), n, 2))
    for i, a in enumerate(bodies):
        kt, kx, kz = walk_knots(a, dur)
        xz[:, i, 0] = np.interp(t, kt, kx)
        xz[:, i, 1] = np.interp(t, kt, kz)
    down_t = np.full(n, np.inf)
    index = {id(a): i for i, a in enumerate(bodies)}
    for b in spec.beats:
        if action_spec(b.action).downs_actor:
            i = index[id(b.actor)]
            down_t[i] = min(down_t[i], b.t + b.dur)
    for i in range(n):
        if np.isfinite(down_t[i]):
            frozen = t >= down_t[i]
            if frozen.any():
                xz[frozen, i] = xz[np.argmax(frozen), i]
    radii = np.array([a.get("radius") for a in bodies])
    windows: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for b in spec.beats:
        if action_spec(b.action).contact and b.target is not None:
            key = tuple(sorted((index[id(b.actor)], index[id(b.target)])))
            windows.setdefault(key, []).append((b.t, b.t + b.dur))
    best: dict[tuple[int, int], tuple[float, float]] = {}
    chunk = 256
    iu = np.triu_indices(n, 1)
    for f0 in range(0, len(t), chunk):
        p = xz[f0 : f0 + chunk]
        d = np.hypot(p[:, iu[0], 0] - p[:, iu[1], 0], p[:, iu[0], 1] - p[:, iu[1], 1])
        gap = d - radii[iu[0]][None, :] - radii[iu[1]][None, :]
        fi, pi = np.nonzero(gap < safety)
        if fi.size == 0:
            continue
        a, b = iu[0][pi], iu[1][pi]
        tt = t[f0 + fi]
        keep = (tt < down_t[a]) & (tt < down_t[b])
        for (ka, kb), ws in windows.items():
            sel = (a == ka) & (b == kb)
            if sel.any():
                inside = np.zeros(sel.shape, bool)
                for w0, w1 in ws:
                    inside |= (tt >= w0 - 1e-6) & (tt <= w1 + 1e-6)
                keep &= ~(sel & inside)
        for j in np.flatnonzero(keep):
            key = (int(a[j]), int(b[j]))
            val = float(gap[fi[j], pi[j]])
            if key not in best or val < best[key][0]:
                best[key] = (val, float(tt[j]))
    res = [(v, tt, bodies[a].name, bodies[b].name) for (a, b), (v, tt) in best.items()]
    return sorted(res, key=lambda r: r[1])


# ---------------------------------------------------------------------------------------
# Level 3: the finale, 1 vs 100
# ---------------------------------------------------------------------------------------
@dataclass(eq=False)
class Attack:
    """One attacker's engagement: waits at ``wait`` (ring around Henry's stand), rushes in
    to ``contact`` and meets Henry at ``T``; Henry's look at him starts at ``look_t``."""

    name: str
    site: int
    angle: float
    ring: float
    T: float
    look_t: float
    look_dur: float
    boss: str | None = None  # template key for bosses
    role: str = "brawler"
    lead: float = 3.0  # seconds waiting at the ring before the rush
    fight: float = 0.45  # seconds from T until he is down
    wait: Pt = (0.0, 0.0)
    contact: Pt = (0.0, 0.0)
    variant: int = 0
    actor: ActorSpec | None = None


def build_finale(rng: random.Random) -> LevelSpec:
    """The 1-vs-100 brawl in a 40 x 40 m arena. Henry jogs one lap of a ten-sided loop
    (a polygon path) and stands his ground at every corner while a wave of goons comes at
    him, one at a time, from a ring around him. Waves A-C and I-K whip his head round to
    each new attacker (a turn cut every 1-2 s); waves D-H come from in front with slow
    turns only, so one take runs past max_take (60 s) and is flagged. The goons wait in
    queues outside the four gates, file in and fall where they are hit."""
    cols = rows = 50
    g = Grid(cols, rows, 1.0)
    g.fill(4, 4, 46, 46, BRICK)
    g.carve(5, 5, 45, 45)  # the arena: 40 x 40 m
    C = (25.0, 25.0)
    for lo, hi in ((4, 5), (45, 46)):  # four gates, 4 m wide, in the middle of each side
        g.carve(23, lo, 27, hi)
        g.carve(lo, 23, hi, 27)
    for x, z in ((12, 12), (36, 12), (12, 36), (36, 36)):
        g.fill(x, z, x + 2, z + 2, PILLAR)
    for x0, z0, x1, z1 in ((18, 8, 21, 9), (29, 41, 32, 42), (8, 29, 9, 32), (41, 18, 42, 21)):
        g.fill(x0, z0, x1, z1, COVER)
    g.fill(23, 24, 27, 26, CAR)  # the burning car in the middle
    floor = np.full((rows, cols), ASPHALT)
    floor[g.solid()] = -1
    floor[:4, :] = floor[46:, :] = FLOOR
    floor[:, :4] = floor[:, 46:] = FLOOR
    zones = [
        ZoneSpec("Burning car", "pyro", [(22.0, 23.0), (28.0, 27.0)], rect=True),
        ZoneSpec("Fire barrel SE", "pyro", [(41.0, 41.0), (43.0, 43.0)], rect=True),
        ZoneSpec("Fire barrel SW", "pyro", [(6.0, 41.5), (8.0, 43.5)], rect=True),
        ZoneSpec("Fall mats west", "crash-mat", [(11.0, 20.0), (14.0, 30.0)], rect=True),
        ZoneSpec("Camera rig", "rig", [(44.0, 44.0), (46.0, 46.0)], rect=True),
        ZoneSpec("Spectator gantry", "no-go", [(0.5, 0.5), (3.5, 3.5)], rect=True),
    ]
    hazards = [z for z in zones if z.kind in ("pyro", "no-go")]

    def clear_spot(p: Pt, r: float = 0.95) -> bool:
        if not (5.0 + r <= p[0] <= 45.0 - r and 5.0 + r <= p[1] <= 45.0 - r):
            return False
        if g.clearance(p) < r:
            return False
        for z in hazards:
            (x0, z0), (x1, z1) = z.pts
            if x0 - r <= p[0] <= x1 + r and z0 - r <= p[1] <= z1 + r:
                return False
        return True

    def wrap(a: float) -> float:
        return (a + 180.0) % 360.0 - 180.0

    def pick_spot(site, kind, k, boss, prev, d_in, back, Vp, seq, last=False):
        """Angle (contract yaw from Henry's stand) and ring radius for the k-th attacker of
        a wave: whips alternate left/right by 85-150 deg, slow waves step 28-38 deg inside
        +-70 deg of the way in, nobody waits where Henry walked in or next to someone who
        may still be waiting, and the spot is clear of walls and fire."""
        rings = (4.6,) if boss else (3.2, 4.0, 4.6)
        if k == 0:
            lo, hi, want = (-180.0, 180.0, None) if site == 0 else (-30.0, 30.0, None)
            base = d_in if site > 0 else 0.0
            cands = [(base + x, r) for x in np.arange(lo, hi, 5.0) for r in rings]
        elif kind == "slow" and boss:
            cands = [(prev + s * x, r) for s in (-1, 1) for x in np.arange(55.0, 111.0, 2.5) for r in (4.6, 4.0, 3.2)]
        elif kind == "slow":
            cands = [(prev + s * x, r) for s in (-1, 1) for x in np.arange(28.0, 81.0, 3.0) for r in rings]
            cands = [(a, r) for a, r in cands if abs(wrap(a - d_in)) <= 75.0]
        else:
            want = -1 if (k % 2) else 1
            cands = [(prev + s * x, r) for s in ((want,), (-want,))[0] for x in np.arange(85.0, 151.0, 5.0) for r in rings]
        def ok(a, r):
            if site > 0 and abs(wrap(a - back)) < 50.0:
                return False
            sep = 36.0 if boss else 28.0
            recent = seq[-2:] if kind == "slow" else seq[-3:]
            if any(abs(wrap(a - o.angle)) < (36.0 if o.boss else sep) for o in recent):
                return False
            return clear_spot(polar(Vp, a, r)) and clear_spot(polar(Vp, a, 1.05 if boss else 0.9), 0.6)
        good = [(wrap(a), r) for a, r in cands if ok(a, r)]
        if good and kind == "slow" and boss:
            # the turn to the boss: as close to 75 degrees as the room allows
            good.sort(key=lambda ar: abs(abs(wrap(ar[0] - prev)) - 75.0))
            good = good[:3]
        if not good and kind == "slow" and not boss:
            wide = [(prev + s * x, r) for s in (-1, 1) for x in np.arange(28.0, 101.0, 3.0) for r in rings]
            good = [(wrap(a), r) for a, r in wide if abs(wrap(a - d_in)) <= 95.0 and ok(a, r)]
        if not good and kind in ("whip", "ring") and k > 0:
            good = [(wrap(prev + s * x), r) for s in (-1, 1) for x in np.arange(80.0, 161.0, 5.0) for r in rings]
            good = [(a, r) for a, r in good if ok(a, r)]
        if not good and kind in ("whip", "ring") and k > 0:
            good = [(wrap(a), r) for a in np.arange(-180.0, 180.0, 5.0) for r in rings
                    if abs(wrap(a - prev)) >= 60.0 and ok(a, r)]
        if not good:
            raise RuntimeError(f"finale: no spot for attacker {k} of site {site}")
        if last and site < 10:
            # The last man of a wave goes down on Henry's way out, so the next look (to
            # the next wave, ahead) is a small one.
            d_out = d_in + 36.0
            ahead = [(a, r) for a, r in good if abs(wrap(a - d_out)) <= 45.0]
            good = ahead or good
        a, r = rng.choice(good)
        return float(a + rng.uniform(-2.0, 2.0)), r

    def ring_order(n: int, rng: random.Random) -> list[float]:
        """Angles for the opening ring: ``n`` goons evenly round Henry, taken in an order that
        jumps 3 or 4 places (108-144 deg for n = 10), left and right in turn where it can."""
        step = 360.0 / n
        base = rng.uniform(0.0, step)

        def dfs(order, sign):
            if len(order) == n:
                return order
            for sg in (sign, -sign):  # prefer alternating left/right
                for j in rng.sample((3, 4), 2):
                    nxt = (order[-1] + sg * j) % n
                    if nxt not in order:
                        res = dfs(order + [nxt], -sg)
                        if res:
                            return res
            return None

        order = dfs([rng.randrange(n)], rng.choice((-1, 1)))
        assert order, "no ring order"
        return [wrap(base + i * step) for i in order]

    # Henry's loop: ten corners on a 9.5 m circle round the burning car; he starts in the
    # south and turns left (anticlockwise on the map) round the arena.
    R_LOOP = 9.5
    V = [(q(x), q(z)) for x, z in (polar(C, 180.0 + 36.0 * k, R_LOOP) for k in range(10))]
    h_speed = 4.0
    side = math.dist(V[0], V[1])
    walk = side / h_speed

    # Waves: (site, kind, goons). Sites 0..9 are the loop's corners; site 10 is corner 0 again.
    plan = [(0, "ring", 10), (1, "whip", 12), (2, "whip", 12), (3, "slow", 7), (4, "slow", 7),
            (5, "slow", 7), (6, "slow", 7), (7, "slow", 7), (8, "whip", 12), (9, "whip", 11),
            (10, "whip", 8)]
    bosses = {5: [("The Brute", "brute")], 10: [("Twin Left", "twin"), ("Twin Right", "twin")]}

    attacks: list[Attack] = []
    arrive_at = [0.0] * 11
    depart_at = [0.0] * 11
    goon_no = 0
    cur_yaw_target: Attack | None = None  # whom Henry is looking at
    t = 0.0
    for site, kind, count in plan:
        v = site % 10
        Vp = V[v]
        d_in = bearing(V[(v - 1) % 10], Vp) if site > 0 else bearing(Vp, C) + 180.0
        arrive_at[site] = t
        back = d_in + 180.0  # where he came from: nobody waits there
        names = [None] * count
        for j, (bname, role) in enumerate(bosses.get(site, [])):
            names.insert(count // 2 if site == 5 else 4 + 5 * j, (bname, role))
        seq: list[Attack] = []
        if kind == "ring":
            ring_angles = ring_order(count, rng)
        for k, nm in enumerate(names):
            boss = nm is not None
            if kind == "ring":
                a, ring = ring_angles[k], (3.4 if k % 2 else 4.2)
            else:
                a, ring = pick_spot(site, kind, k, boss, prev if k else None, d_in, back, Vp, seq,
                                    last=(k == len(names) - 1))
            w = polar(Vp, a, ring)
            c = polar(Vp, a, 1.05 if boss else 0.9)
            prev = a
            if nm is None:
                goon_no += 1
                name, role, tx = f"Goon {goon_no}", rng.choice(["brawler"] * 6 + ["knife", "bat", "chain", "pipe"]), None
            else:
                name, role = nm
                tx = BOSS_TX
            atk = Attack(name, site, a, ring, 0.0, 0.0, 0.25, boss=tx, role=role, wait=(q(w[0]), q(w[1])),
                         contact=(q(c[0]), q(c[1])))
            seq.append(atk)
        # Timing: looks and contacts, one attacker at a time.
        tt = t
        for k, atk in enumerate(seq):
            here = bearing(Vp, atk.wait)
            if k == 0:
                if site == 0:
                    atk.look_t, atk.look_dur = 0.3, 1.0
                    atk.T = 2.0
                else:
                    # Henry turns to him as he sets off from the last corner, from the
                    # last man he put down there.
                    Vq = V[(v - 1) % 10]
                    delta = abs(wrap(bearing(Vq, atk.wait) - bearing(Vq, cur_yaw_target.contact)))
                    atk.look_dur = 0.25 if (kind == "whip" and delta >= 70.0) else round(max(1.0, delta / 45.0), 2)
                    atk.look_t = depart_at[site - 1] - 0.3
                    atk.T = max(tt + 0.6, atk.look_t + atk.look_dur + 0.3)
            else:
                prev_a = seq[k - 1]
                delta = abs((here - bearing(Vp, prev_a.wait) + 180.0) % 360.0 - 180.0)
                if kind in ("whip", "ring"):
                    dur = 0.25
                    gap = rng.uniform(1.1, 1.6)
                else:
                    # The boss's turn peaks at 112 deg/s: the strongest turn of the long take,
                    # still short of a cut (150 deg/s).
                    dur = round(1.5 * delta / 112.0, 2) if atk.boss else round(max(0.7, delta / 55.0), 2)
                    gap = max(1.25, dur + 0.5) + rng.uniform(0.0, 0.2)
                # A boss takes longer to put down than a goon (fight 2.3 s against 0.45 s).
                atk.T = prev_a.T + max(0.0, prev_a.fight - 0.45) + gap
                if atk.boss:
                    atk.T += 0.4
                atk.look_t, atk.look_dur = atk.T - dur - (0.35 if kind in ("whip", "ring") else 0.3), dur
            if atk.boss:
                atk.fight = 2.3
            tt = atk.T
        attacks += seq
        depart = seq[-1].T + seq[-1].fight + 0.2
        depart_at[site] = depart
        cur_yaw_target = seq[-1]
        t = depart + walk
        if site == 0:
            depart_at[0] = max(depart, 21.0)  # long enough for the last wave, back here
            t = depart_at[0] + walk
    by_site = {}
    for a in attacks:
        by_site.setdefault(a.site, []).append(a)
    # Henry's holds (the loop holds at corner 0 again when he comes round; the fight ends
    # before he would leave it a second time).
    holds = {}
    for site in range(1, 10):
        holds[site] = q(depart_at[site] - arrive_at[site], 0.01)
    holds[0] = q(depart_at[0], 0.01)
    # Re-derive the real times from the holds (rounded) and shift each wave with it.
    ha, hd = vertex_times(V, h_speed, 0.0, holds, closed=True)
    for a in attacks:
        shift = ha[a.site] - arrive_at[a.site] if a.site > 0 else 0.0
        a.T = q(a.T + shift, 0.01)
        a.look_t = q(a.look_t + shift, 0.01) if a.look_t >= 0 else a.look_t
    for site in range(1, 11):
        by_site[site][0].look_t = q(hd[site - 1] - 0.3, 0.01)
    duration = q(max(a.T + a.fight for a in attacks) + 2.5, 0.5)
    if os.environ.get("MAKE_LEVELS_DEBUG"):
        for site in range(11):
            sq = by_site[site]
            print(f"  site {site}: arrive {ha[site]:.2f} depart {hd[site] if site < 10 else -1:.2f} n={len(sq)} "
                  f"T {sq[0].T:.2f}..{sq[-1].T:.2f} looks {[round(x.look_dur, 2) for x in sq]}", file=sys.stderr)
    assert duration < ha[10] + holds[0], (duration, ha[10], holds[0])

    props = [
        ("title", "string", "Finale: one against a hundred"), ("fps", "int", 24), ("duration", "float", duration),
        ("tile_meters", "float", 1.0), ("max_take", "float", 60.0),
    ]
    spec = LevelSpec("finale", cols, rows, 1.0, props, g.t, floor, encoding=("base64", "gzip"))
    spec.zones = zones
    hp = PathSpec("Henry loop", V, closed=True, holds=holds)
    henry = ActorSpec("henry", "Henry", V[0], hp, {"speed": h_speed, "heading": q(bearing(V[0], C), 0.01)})
    spec.paths.append(hp)
    spec.actors.append(henry)

    # -- queues outside the gates: two rows each side of each gate, 1.35 m apart --
    gates = {"N": ((25.0, 4.5), (0.0, -1.0)), "S": ((25.0, 45.5), (0.0, 1.0)),
             "W": ((4.5, 25.0), (-1.0, 0.0)), "E": ((45.5, 25.0), (1.0, 0.0))}

    def queue_spot(gate: str, side: int, row: int, k: int) -> Pt:
        (gx, gz), (ox, oz) = gates[gate]
        out = 1.3 + 1.35 * row  # metres outside the wall face
        along = side * (2.6 + 1.35 * k)
        wall = 4.0 if gate in "NW" else 46.0  # outer face of the wall ring
        if gate in "NS":
            return (gx + along, wall + oz * out)
        return (wall + ox * out, gz + along)

    def lane(gate: str, side: int, row: int) -> tuple[Pt, Pt, Pt]:
        """(corner outside, inside the gate, a step into the arena) for a queue row."""
        (gx, gz), (ox, oz) = gates[gate]
        off = side * 0.7
        wall = 4.0 if gate in "NW" else 46.0
        out = 1.3 + 1.35 * row
        inner = 5.0 if gate in "NW" else 45.0
        step = 6.4 if gate in "NW" else 43.6
        if gate in "NS":
            return ((gx + off, wall + oz * out), (gx + off, inner), (gx + off, step))
        return ((wall + ox * out, gz + off), (inner, gz + off), (step, gz + off))

    router = Router(g, margin=0.6, avoid=[z.pts for z in hazards])
    # The bosses wait in the arena's far corners, in plain view, until their turn.
    boss_spot = {"The Brute": (7.5, 7.5), "Twin Left": (43.0, 7.0), "Twin Right": (39.5, 6.5)}
    attackers_by_name = {}
    for a in attacks:
        tx = a.boss or GOON_TX
        props_a = {} if a.role == TEMPLATE_PROPS[tx]["role"] else {"role": a.role}
        if a.boss is None:
            actor = ActorSpec("performer", a.name, a.wait, None, props_a, template=GOON_TX)
        else:
            actor = ActorSpec("performer", a.name, a.wait, None, props_a, template=BOSS_TX)
        a.actor = actor
        attackers_by_name[a.name] = a
    rush_speed = {GOON_TX: 4.0, BOSS_TX: 2.5}

    QUEUE_LEN = 7

    def queue_plan(a, gate, side, row, lead, sp, leave_wait):
        arrive_wait = min(leave_wait - lead, a.look_t - 0.2)
        r = router(lane(gate, side, row)[2], a.wait)
        rlen = sum(math.dist(p0, p1) for p0, p1 in zip(r, r[1:]))
        return (gate, side, row, r, arrive_wait - rlen / sp, arrive_wait, leave_wait)

    def build_paths():
        """Paths and starts for every attacker from their current variant."""
        spec.paths[:] = [hp]
        spec.actors[:] = [henry]
        queue_use: dict[tuple[str, int, int], list[Attack]] = {}
        plans = {}
        for a in attacks:
            tx = a.boss or GOON_TX
            sp = rush_speed[tx]
            rush = math.dist(a.wait, a.contact) / sp
            leave_wait = a.T - rush
            if a.site == 0:
                plans[a.name] = ("ring", leave_wait)
                continue
            if a.boss:
                r = router(boss_spot[a.name], a.wait)
                arrive_wait = min(leave_wait - 2.0, a.look_t - 0.2)
                plans[a.name] = ("boss", r, arrive_wait, leave_wait)
                continue
            opts = a._opts  # type: ignore[attr-defined]
            gate, side, row, lead = opts[a.variant % len(opts)]
            plans[a.name] = queue_plan(a, gate, side, row, lead, sp, leave_wait)
            queue_use.setdefault((gate, side, row), []).append(a)
        # A queue row holds QUEUE_LEN goons; the latest through the gate move to the
        # emptiest row of the nearest gate with room.
        keys = [(gn, sd, rw) for gn in gates for sd in (-1, 1) for rw in (0, 1)]
        for key in keys:
            lst = sorted(queue_use.get(key, []), key=lambda a: (plans[a.name][4], a.name))
            while len(lst) > QUEUE_LEN:
                a = lst.pop()
                room = [k for k in keys if len(queue_use.get(k, [])) < QUEUE_LEN]
                new = min(room, key=lambda k: (math.dist(gates[k[0]][0], a.wait), len(queue_use.get(k, [])), k))
                queue_use[key].remove(a)
                queue_use.setdefault(new, []).append(a)
                sp = rush_speed[a.boss or GOON_TX]
                plans[a.name] = queue_plan(a, *new, plans[a.name][6] - plans[a.name][5], sp, plans[a.name][6])
        for key, lst in queue_use.items():
            lst.sort(key=lambda a: (plans[a.name][4], a.name))
            assert len(lst) <= QUEUE_LEN
            for k, a in enumerate(lst):
                a._spot = queue_spot(*key, k)  # type: ignore[attr-defined]
        for a in attacks:
            tx = a.boss or GOON_TX
            sp = rush_speed[tx]
            pl = plans[a.name]
            if pl[0] == "ring":
                pts = [a.wait, a.contact]
                start = pl[1]
                holds = {}
            elif pl[0] == "boss":
                _, r, arrive_wait, leave_wait = pl
                pts = [(q(x), q(z)) for x, z in r[:-1] + [a.wait, a.contact]]
                iw = len(pts) - 2
                arr, _ = vertex_times(pts, sp, 0.0, {})
                start = q(arrive_wait - arr[iw], 0.01)
                arr2, dep2 = vertex_times(pts, sp, start, {iw: 0.0})
                holds = {iw: q(leave_wait - arr2[iw], 0.01)}
            else:
                gate, side, row, r, t_gate, arrive_wait, leave_wait = pl
                corner, gate_in, _ = lane(gate, side, row)
                spot = a._spot  # type: ignore[attr-defined]
                pre = [spot, corner, gate_in]
                pts = pre + r[:-1] + [a.wait, a.contact]
                pts = [(q(x), q(z)) for x, z in pts]
                dedup = [pts[0]]
                for p in pts[1:]:
                    if math.dist(p, dedup[-1]) > 1e-6:
                        dedup.append(p)
                pts = dedup
                iw = len(pts) - 2
                arr, _ = vertex_times(pts, sp, 0.0, {})
                start = arrive_wait - arr[iw]
                holds = {iw: q(leave_wait - arrive_wait, 0.01)}
                start = q(start, 0.01)
                # recompute so the rush starts exactly on time
                arr2, dep2 = vertex_times(pts, sp, start, holds)
                holds[iw] = q(holds[iw] + (leave_wait - dep2[iw]), 0.01)
            path = PathSpec(f"{a.name} path", pts, holds=holds)
            a.actor.path = path
            a.actor.pos = pts[0]
            a.actor.props["start"] = q(max(start, 0.0), 0.01)
            spec.paths.append(path)
            spec.actors.append(a.actor)

    # Variants: which gate/queue row an attacker comes from and how early he arrives.
    for a in attacks:
        if a.site == 0:
            a._opts = [None]  # type: ignore[attr-defined]
            continue
        order = sorted(gates, key=lambda gname: math.dist(gates[gname][0], a.wait))
        opts = []
        for lead in (rng.uniform(1.6, 2.6), rng.uniform(2.6, 3.8)):
            for gname in order[:3]:
                for side in (-1, 1):
                    for row in (0, 1):
                        opts.append((gname, side, row, round(lead, 2)))
        head = opts[:4]
        rest = opts[4:]
        rng.shuffle(rest)
        a._opts = head + rest  # type: ignore[attr-defined]

    # -- beats --
    def make_beats():
        spec.beats[:] = []

        def beat(t, actor, action, target=None, duration=None, note=""):
            spec.beats.append(BeatSpec(round(t, 2), actor, action, target, duration, note))

        for a in attacks:
            note = ""
            if a.look_dur <= 0.3:
                note = "WHIP"
            beat(a.look_t, henry, "look", a.actor, a.look_dur, note)
            T = a.T
            if a.boss is None:
                style = rng.random()
                if style < 0.35:
                    beat(T - 0.3, henry, "punch", a.actor, 0.5)
                    beat(T + 0.2, henry, "punch", a.actor, 0.4)
                elif style < 0.6:
                    beat(T - 0.3, a.actor, "hit", henry, 0.5, a.role)
                    beat(T + 0.2, henry, "kick", a.actor, 0.4)
                elif style < 0.8:
                    beat(T - 0.3, henry, "grab", a.actor, 0.5)
                    beat(T + 0.2, henry, "throw", a.actor, 0.4)
                else:
                    beat(T - 0.3, henry, "kick", a.actor, 0.9)
                beat(T + 0.1, a.actor, "fall", None, 0.35)
            else:
                beat(T - 0.4, a.actor, "grab", henry, 1.1)
                beat(T + 0.7, henry, "punch", a.actor, 0.5)
                beat(T + 1.2, henry, "kick", a.actor, 0.6)
                beat(T + 1.8, henry, "punch", a.actor, 0.6)
                beat(T + 1.95, a.actor, "fall", None, 0.35)

    build_paths()
    make_beats()
    for it in range(200):
        bad = check_clearance(spec, margin=0.12)
        if os.environ.get("MAKE_LEVELS_DEBUG"):
            print(f"  finale re-plan {it}: {len(bad)} close pairs {bad[:3]}", file=sys.stderr)
        bad_zone = [a for a in attacks if a.site > 0 and a.actor.path and
                    min(g.segment_clearance(p0, p1) for p0, p1 in zip(a.actor.path.pts, a.actor.path.pts[1:])) < 0.45]
        if not bad and not bad_zone:
            break
        culprits = set(a.name for a in bad_zone)
        for gap, tt, n1, n2 in bad:
            cand = [attackers_by_name[n] for n in (n1, n2)
                    if n in attackers_by_name and attackers_by_name[n].site > 0 and not attackers_by_name[n].boss]
            if not cand:
                raise RuntimeError(f"finale: {n1} and {n2} too close at {tt:.2f} s and neither can move")
            # move the one who arrives later (he is the one walking into the other)
            culprits.add(max(cand, key=lambda a: (a.T, a.name)).name)
        for n in sorted(culprits):
            attackers_by_name[n].variant += 1
        build_paths()
    else:
        raise RuntimeError(f"finale: could not clear everyone: {bad[:5]}")
    spec.notes.append(f"finale: clearance settled after {it} re-plans")
    for a in attacks:
        if a.actor.get("start") <= 0.0 and a.site > 0:
            raise RuntimeError(f"finale: {a.name} would have to start before 0")
    spec.notes.append("Henry corners arrive/depart: " + ", ".join(f"{i}:{x:.2f}/{y:.2f}" for i, (x, y) in enumerate(zip(ha, hd))))
    spec.notes.append("waves: " + ", ".join(f"{site}:{kind}x{n}" for site, kind, n in plan))
    return spec


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------
# Level 4: the stairwell (floors with height, the action-cam lens)
# ---------------------------------------------------------------------------------------
def build_stairwell(rng: random.Random) -> LevelSpec:
    """Henry fights on a stairwell's ground floor, climbs a flight of ten 0.18 m steps to a
    landing 1.8 m up and fights two more there; shot with the action-cam lens.

    The landing (z 1..7) sits 1.8 m over the ground floor (z 9..14); the flight (x 2..4,
    z 7..9) climbs it northward in two stair tiles of five steps. A 1.1 m parapet stands on
    the landing's edge (its top 2.9 m up): from the ground floor it hides Goon 2 waiting on
    the landing. One whip cut: Goon 3 follows Henry up the stairs."""
    cols, rows, cell = 12, 15, 1.0
    g = Grid(cols, rows, cell)
    g.fill(0, 0, 12, 15, CONCRETE)
    g.carve(1, 1, 11, 14)
    g.fill(4, 7, 11, 8, COVER)  # the parapet along the landing's edge, east of the flight
    g.fill(1, 7, 2, 8, COVER)  # and west of it
    g.fill(9, 11, 10, 12, PILLAR)  # a column on the ground floor
    floor = np.where(g.solid(), -1, FLOOR)
    floor[1:8, 1:11] = LANDING  # the landing: z 1..8 (its edge row under the parapet)
    # The shaft's walls stand on the landing's height all round (a 1.8 m plinth under the
    # ground floor's too): 3 m above the landing, so Henry on it does not see over them.
    floor[g.t == CONCRETE] = LANDING
    floor[8, 2:4] = STAIRS_LOW  # the flight: 0 -> 0.9 m over z 9 -> 8
    floor[7, 2:4] = STAIRS_HIGH  # 0.9 -> 1.8 m over z 8 -> 7
    props = [
        ("title", "string", "Stairwell fight"), ("fps", "int", 24), ("duration", "float", 26.0),
        ("start_tc", "string", "04:00:00:00"), ("tile_meters", "float", 1.0), ("eye_height", "float", 1.7),
        ("hfov", "float", 121.3), ("lens", "string", "actioncam"), ("max_take", "float", 60.0),
        ("turn_cut_speed", "float", 150.0), ("turn_cut_angle", "float", 40.0), ("safety_distance", "float", 0.5),
    ]
    spec = LevelSpec("stairwell", cols, rows, cell, props, g.t, floor, encoding=("csv", None))
    A = spec.actors.append
    P = spec.paths.append

    def beat(t, actor, action, target=None, duration=None, note=""):
        spec.beats.append(BeatSpec(round(t, 2), actor, action, target, duration, note))

    # Henry: fights Goon 1 at the foot of the stairs, then climbs at 1 m/s (0.9 m/s up the
    # flight: 3.75 cm a frame) and stops on the landing.
    H = [(3.0, 11.5), (3.0, 4.5), (5.4, 4.5)]
    hp = PathSpec("Henry path", H)
    h_start = 5.5
    henry = ActorSpec("henry", "Henry", H[0], hp, {"speed": 1.0, "start": h_start, "heading": 0.0})
    h_arr, _ = vertex_times(H, 1.0, h_start, {})
    P(hp)
    A(henry)

    def goon(name, role, pts, speed, arrive_vertex, when, **extra):
        start = q(start_for_arrival(pts, speed, {}, arrive_vertex, when), 0.01)
        path = PathSpec(f"{name} path", pts)
        a = ActorSpec("performer", name, pts[0], path, {"role": role, "speed": speed, "start": start, **extra})
        P(path)
        A(a)
        return a

    # Fight 1, ground floor: Goon 1 (knife) comes round the column from the east.
    T1 = 3.0
    g1 = goon("Goon 1", "knife", [(8.0, 13.0), (5.5, 12.3), (3.9, 11.5)], 1.8, 2, T1, color=(190, 60, 40))
    # Fight 2, the landing: Goon 2 (bat) waits at its east end, then closes in.
    T2 = h_arr[2] + 0.6
    g2 = goon("Goon 2", "bat", [(9.5, 2.5), (8.0, 4.5), (6.3, 4.5)], 1.4, 2, T2, color=(150, 40, 110))
    # Goon 3 (pipe) follows Henry up the flight and comes at his back: the whip.
    T3 = T2 + 3.0
    g3 = goon("Goon 3", "pipe", [(10.5, 13.5), (6.0, 9.8), (3.0, 9.8), (3.0, 5.5), (4.5, 4.5)], 1.6, 4, T3, color=(90, 120, 60))

    beat(1.0, henry, "look", g1, 1.2, "hears Goon 1 on the ground floor (slow, no cut)")
    beat(T1 - 0.2, g1, "hit", henry, 0.5, "knife slash")
    beat(T1 + 0.3, henry, "grab", g1, 0.8, "grabs the knife hand")
    beat(T1 + 1.1, henry, "punch", g1, 0.4)
    beat(T1 + 1.05, g1, "fall", None, 0.35)
    beat(h_start + 0.3, henry, "look", g2, 2.5, "up the stairs: Goon 2 waiting on the landing (slow)")
    beat(T2 - 0.2, g2, "hit", henry, 0.5, "bat swing")
    beat(T2 + 0.3, henry, "kick", g2, 0.5)
    beat(T2 + 0.8, henry, "punch", g2, 0.5)
    beat(T2 + 0.9, g2, "fall", None, 0.35)
    beat(T3 - 0.6, henry, "look", g3, 0.25, "WHIP: Goon 3 came up the stairs behind him")
    beat(T3 - 0.2, g3, "hit", henry, 0.5, "pipe")
    beat(T3 + 0.3, henry, "grab", g3, 0.8)
    beat(T3 + 1.1, henry, "throw", g3, 0.8, "throws him down the flight")
    beat(T3 + 1.4, g3, "fall", None, 0.4)
    beat(3.5, g2, "look", henry, None)
    spec.notes = [
        "floors: ground 0 m, flight 0 -> 1.8 m (ten 0.18 m steps), landing 1.8 m",
        "hidden: from the ground floor, Goon 2 on the landing is behind the parapet (it stands on the landing: top 2.9 m)",
    ]
    return spec


BUILDERS = {"corridor": build_corridor, "chase": build_chase, "finale": build_finale, "stairwell": build_stairwell}


def level_for_facts(spec: LevelSpec, path: Path):
    """The engine's view of a written level, as previs's loader reads the file."""
    from previs.level.loader import load_level

    rel = os.path.relpath(path, Path.cwd())
    return load_level(rel), "loaded from the file by previs.level.loader"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("levels", nargs="*", metavar="LEVEL", help=f"which levels to write: {', '.join(BUILDERS)} (default: all)")
    ap.add_argument("--out", type=Path, default=LEVELS, help="output folder (default: levels/)")
    ap.add_argument("--no-tiled", action="store_true", help="keep our own XML; do not re-save through Tiled")
    ap.add_argument("--facts", action="store_true", help="replay each level with previs and print its facts")
    ap.add_argument("--pictures", action="store_true",
                    help="also draw each level with Tiled's tmxrasterizer into docs/img/<level>-map.png")
    args = ap.parse_args(argv)
    names = args.levels or list(BUILDERS)
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        ap.error(f"unknown level {', '.join(unknown)}; choose from {', '.join(BUILDERS)}")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    use_tiled = not args.no_tiled
    if use_tiled and not tiled_available():
        print("make_levels: Tiled is not installed (no 'tiled' on PATH); keeping this script's own XML. "
              "Install Tiled (apt-get install tiled) to write the files exactly as Tiled saves them.", file=sys.stderr)
        use_tiled = False

    tsx = write_tileset_files(out)
    if use_tiled:
        src = tsx.with_name(f".{tsx.stem}.gen.tsx")
        shutil.copyfile(tsx, src)
        try:
            resave("tileset", src, tsx)
        finally:
            src.unlink()
    written = [tsx, out / TILESET_IMAGE]
    written += write_templates(out)
    written += write_project(out)
    for name in names:
        spec = BUILDERS[name](random.Random(f"{SEED}-{name}"))
        path = write_level(spec, out, use_tiled)
        written.append(path)
        if args.facts:
            level, how = level_for_facts(spec, path)
            print(f"\n{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({how})")
            for note in spec.notes:
                print(f"  note: {note}")
            print_facts(analyse(level, spec))
    if args.pictures:
        if shutil.which("tmxrasterizer") is None:
            print("make_levels: tmxrasterizer (comes with Tiled) is not installed; no pictures drawn.", file=sys.stderr)
        else:
            for name in names:
                written.append(draw_picture(out / f"{name}.tmx", ROOT / "docs" / "img" / f"{name}-map.png"))
    for p in written:
        print(f"wrote {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    return 0


PICTURE_SIZE = {"corridor": ["--scale", "1"], "chase": ["--scale", "0.5"], "finale": ["--size", "800"],
                "stairwell": ["--scale", "1"]}


def draw_picture(tmx: Path, png: Path) -> Path:
    """Draw a map (tiles and objects, as Tiled shows it) to a PNG with tmxrasterizer."""
    png.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    tmp = png.with_name(f".{png.stem}.tmp.png")
    size = PICTURE_SIZE.get(tmx.stem, ["--size", "1200"])
    r = subprocess.run(["tmxrasterizer", *size, str(tmx), str(tmp)], env=env, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or not tmp.exists():
        raise RuntimeError(f"tmxrasterizer {tmx} failed ({r.returncode}): {r.stderr.strip()}")
    data = tmp.read_bytes()
    tmp.unlink()
    _write(png, data)
    return png


if __name__ == "__main__":
    sys.exit(main())
