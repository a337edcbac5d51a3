"""The pytmx boundary: a ``.tmx`` file on disk becomes a :class:`RawMap` of plain values.

Order of work, each step guarding the next:

1. Read the map (size-capped) and parse it with ``xml.etree`` after refusing entity
   declarations (:mod:`previs.level.safe_read`).
2. Check the header (orthogonal, finite, ``width * height`` within the limit) before any
   tile data is decoded.
3. Inline external tilesets (``.tsx``) and expand object templates (``.tx``), reading each
   only from inside the level's project.
4. Decode every tile layer once, size-checked (:mod:`previs.level.tiledata`).
5. Hand the expanded tree to ``pytmx.TiledMap.parse_xml``, which builds layers, objects and
   typed properties; pytmx never touches the disk (no-op image loader, tilesets inlined).

What pytmx 3.32 gets wrong for us is done here instead, from the same tree: tile custom
properties (pytmx overwrites a tile property named ``height`` with the tile's pixel height
and merges synthetic keys into tile objects), cell data (pytmx builds Python lists per cell:
~40x the memory of a uint32 array, and the safety check must decode it anyway), object
shape kind (pytmx does not record ellipse/point), and layer offsets (pytmx casts them to
int; Tiled writes fractions).

Everything in a :class:`RawMap` is still in Tiled **pixels** with Tiled's y down.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from . import limits
from .diagnostics import Problems, describe
from .safe_read import Refused, find_project_root, parse_xml, read_capped, resolve_inside
from .templates import SHAPE_TAGS, Template, apply_template, parse_template
from .tiledata import DataError, decode_layer_data


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

LAYER_TAGS = ("layer", "objectgroup", "imagelayer", "group")
MAX_GID = 0x0FFFFFFF  # a gid's top four bits are Tiled's flip flags


def _no_images(filename, colorkey, **kwargs):
    """pytmx image loader that loads nothing: the engine never needs tileset images, and a
    missing image must not stop a level from loading."""
    return lambda rect=None, flags=None: None


@dataclass(frozen=True)
class RawTile:
    """One tile's class/type and custom properties (values typed as Tiled declared)."""

    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class RawTileset:
    firstgid: int
    label: str  # "tileset 'walls' (walls.tsx)" for messages
    tiles: dict[int, RawTile]  # local tile id -> tile


@dataclass(frozen=True)
class RawTileLayer:
    name: str
    properties: dict[str, Any]
    gids: np.ndarray  # uint32 (rows, cols), raw Tiled gids with flip bits
    offset: tuple[float, float]  # pixels, including enclosing groups


@dataclass(frozen=True)
class RawObject:
    """One map object in pixels. ``x, y`` is Tiled's origin plus layer offsets (top-left for
    rectangles/ellipses, bottom-left for tile objects); ``points`` are absolute (origin +
    Tiled's relative point + layer offsets) but not yet rotated; ``rotation`` is degrees
    clockwise on screen about the origin."""

    id: int
    name: str
    kind: str  # type/class as written (or the tile's), stripped
    shape: str  # point | ellipse | rectangle | polyline | polygon | tile | text
    x: float
    y: float
    width: float
    height: float
    rotation: float
    points: tuple[tuple[float, float], ...]
    properties: dict[str, Any]
    layer: str


@dataclass(frozen=True)
class RawMap:
    source: str
    path: Path
    project: Path
    content_hash: str
    width: int  # tiles
    height: int
    tilewidth: int  # pixels
    tileheight: int
    properties: dict[str, Any]
    background: str | None
    tile_layers: list[RawTileLayer]
    tilesets: list[RawTileset]
    objects: list[RawObject]
    notices: list[str] = field(default_factory=list)


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


class _Reader:
    """State for reading one map: its project, every external file used, and problems."""

    def __init__(self, source: str, problems: Problems):
        self.source = source
        self.problems = problems
        self.path = Path(os.path.realpath(source))
        self.project = find_project_root(self.path)
        self.base = self.path.parent
        self.used: dict[Path, bytes] = {}
        self.parsed: dict[tuple[Path, str], ET.Element] = {}
        self.templates: dict[Path, Template | None] = {}
        self.notices: list[str] = []

    def where_file(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.project))
        except ValueError:
            return str(path)

    def external(self, ref: str, base: Path, root_tag: str, what: str) -> tuple[Path, ET.Element] | None:
        """Read and parse an external file referenced as ``ref`` from folder ``base``."""
        try:
            path = resolve_inside(ref, base, self.project)
        except Refused as e:
            self.problems.error(what, str(e))
            return None
        if (path, root_tag) in self.parsed:  # a template used by many objects is read once
            return path, self.parsed[(path, root_tag)]
        if path not in self.used and len(self.used) >= limits.MAX_EXTERNAL_FILES:
            self.problems.error(what, f"is one file too many: a map may use {limits.MAX_EXTERNAL_FILES} tilesets and templates")
            return None
        try:
            data = read_capped(path, limits.MAX_AUX_BYTES)
            root = parse_xml(data, root_tag)
        except Refused as e:
            self.problems.error(what, f"'{ref}' ({self.where_file(path)}) {e}")
            return None
        self.used[path] = data
        self.parsed[(path, root_tag)] = root
        return path, root

    def check_image(self, image: ET.Element, base: Path, what: str) -> None:
        """Images are never read (missing ones are fine) but may not point outside."""
        ref = image.get("source")
        if ref:
            try:
                resolve_inside(ref, base, self.project)
            except Refused as e:
                self.problems.error(what, f"image {e}")

    def content_hash(self, map_bytes: bytes) -> str:
        """sha256 over the map bytes, then each external file in order of its path relative
        to the project (so moving the whole project keeps the hash), each length-prefixed."""
        h = hashlib.sha256(b"previs-level/1\0")
        h.update(len(map_bytes).to_bytes(8, "little") + map_bytes)
        for rel, data in sorted((self.where_file(p).replace(os.sep, "/"), d) for p, d in self.used.items()):
            name = rel.encode("utf-8", "surrogateescape")
            h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
        return h.hexdigest()


def _label(obj: ET.Element) -> str:
    """``object 12 'Goon 3' (performer)`` from an ``<object>`` element, before pytmx."""
    kind = (obj.get("type") or obj.get("class") or "").strip()
    return describe(obj.get("id", "?"), obj.get("name", ""), kind)  # type: ignore[arg-type]


def _int_attr(el: ET.Element, name: str, default: int | None = None) -> int | None:
    value = el.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return None


def _check_header(root: ET.Element, problems: Problems) -> tuple[int, int, int, int]:
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
        v = _int_attr(root, name)
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


def _walk_layers(parent: ET.Element, ox: float, oy: float, out: list, problems: Problems):
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
            _walk_layers(child, ox + dx, oy + dy, out, problems)


def _prune(root: ET.Element, keep: set[int]) -> None:
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


def _inline_tilesets(root: ET.Element, rd: _Reader) -> tuple[list[RawTileset], dict[Path, int]]:
    """Replace each ``<tileset>`` by a bare ``<tileset firstgid name>`` (no image, no tiles)
    after reading its tiles' properties, so pytmx needs no files and loads no images."""
    tilesets: list[RawTileset] = []
    by_path: dict[Path, int] = {}
    for i, ts in enumerate(list(root.findall("tileset"))):
        firstgid = _int_attr(ts, "firstgid")
        ref = ts.get("source")
        what = f"tileset {ref or ts.get('name', i)!r}"
        if firstgid is None or not 1 <= firstgid <= MAX_GID:
            rd.problems.error(what, f"has firstgid={ts.get('firstgid')!r}, not a whole number from 1 to {MAX_GID}",
                              "re-save the map from Tiled")
            firstgid = 1
        node, base = ts, rd.base
        if ref:
            got = rd.external(ref, rd.base, "tileset", f"tileset source '{ref}'")
            if got is None:
                root.remove(ts)
                continue
            path, node = got
            base = path.parent
            by_path[path] = firstgid
        name = node.get("name", "")
        label = f"tileset '{name}'" + (f" ({ref})" if ref else "")
        for image in node.iter("image"):
            rd.check_image(image, base, label)
        tiles: dict[int, RawTile] = {}
        for tile in node.findall("tile"):
            tid = _int_attr(tile, "id")
            if tid is None or tid < 0 or firstgid + tid > MAX_GID:
                rd.problems.error(label, f"has a tile with id={tile.get('id')!r}", "re-save the tileset from Tiled")
                continue
            kind = (tile.get("type") or tile.get("class") or "").strip()
            tiles[tid] = RawTile(kind, xml_properties(tile))
        tilesets.append(RawTileset(firstgid, label, tiles))
        bare = ET.Element("tileset", {"firstgid": str(firstgid), "name": name})
        root.insert(list(root).index(ts), bare)
        root.remove(ts)
    return tilesets, by_path


def _expand_templates(groups: list, rd: _Reader, by_path: dict[Path, int]) -> None:
    for og, _, _ in groups:
        for obj in og.findall("object"):
            ref = obj.get("template")
            if not ref:
                continue
            what = _label(obj)
            got = rd.external(ref, rd.base, "template", f"{what}: template '{ref}'")
            if got is None:
                obj.attrib.pop("template", None)
                continue
            path, troot = got
            if path not in rd.templates:
                try:
                    rd.templates[path] = parse_template(troot, path, lambda r, b=path.parent: resolve_inside(r, b, rd.project))
                except (ValueError, Refused) as e:
                    rd.problems.error(f"template '{ref}'", str(e))
                    rd.templates[path] = None
            tpl = rd.templates[path]
            if tpl is None:
                obj.attrib.pop("template", None)
                continue
            note = apply_template(obj, tpl, by_path)
            if note:
                rd.notices.append(f"{rd.source}: {_label(obj)}: {note}.")


def _sanitize_for_pytmx(root: ET.Element, problems: Problems) -> None:
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
                who = _label(el) if el.tag == "object" else f"{el.tag} '{el.get('name', '')}'"
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


def _shape_of(obj: ET.Element) -> str:
    for child in obj:
        if child.tag in SHAPE_TAGS:
            return "rectangle" if child.tag == "text" else child.tag
    return "tile" if obj.get("gid") not in (None, "", "0") else "rectangle"


def _check_objects(root: ET.Element, groups: list, rd: "_Reader") -> None:
    """Count limits, ids and point lists. Objects saved by Tiled before 0.11 have no id:
    like Tiled, give them the next free ids (from the map's ``nextobjectid``), with a
    notice, so that the map still loads."""
    problems = rd.problems
    count = points = 0
    ids: dict[int, str] = {}
    all_objs = [o for og, _, _ in groups for o in og.findall("object")]
    present = [v for o in all_objs if (v := _int_attr(o, "id")) is not None]
    next_id = max([_int_attr(root, "nextobjectid", 1) or 1, *(v + 1 for v in present)])
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
            oid = _int_attr(obj, "id")
            label = _label(obj)
            if oid is None or oid < 1:
                problems.error(label, "has an id that is not a whole number from 1", "the file is damaged: re-save it from Tiled")
            elif oid in ids:
                problems.error(label, f"has the same id as {ids[oid]}", "the file is damaged: re-save it from Tiled")
            else:
                ids[oid] = label
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


def read_map(source: str | os.PathLike, problems: Problems) -> RawMap:
    """Read, check and parse a map; raise :class:`previs.errors.LevelError` listing every
    structural problem (refusals, damaged data, references leaving the project)."""
    rd = _Reader(os.fspath(source), problems)
    try:
        data = read_capped(rd.path, limits.MAX_MAP_BYTES)
        root = parse_xml(data, "map")
    except Refused as e:
        raise problems.refuse(str(e)) from None
    width, height, tw, th = _check_header(root, problems)

    tilesets, by_path = _inline_tilesets(root, rd)

    layers: list = []
    _walk_layers(root, 0.0, 0.0, layers, problems)
    for el, _, _ in layers:
        if el.tag == "imagelayer":
            for image in el.iter("image"):
                rd.check_image(image, rd.base, f"image layer '{el.get('name', '')}'")
    layers = [t for t in layers if t[0].tag != "imagelayer"]
    _prune(root, {id(el) for el, _, _ in layers} | {id(ts) for ts in root.findall("tileset")})
    groups = [t for t in layers if t[0].tag == "objectgroup"]
    tile_layers = [t for t in layers if t[0].tag == "layer"]

    _expand_templates(groups, rd, by_path)
    # Problems so far (references, tile data) still let pytmx parse the rest, so the level
    # checks can list their problems too; broken ids, limits and attributes pytmx cannot
    # cast stop here.
    before = len(problems.errors)
    _check_objects(root, groups, rd)
    fatal = len(problems.errors) > before

    if len(tile_layers) * width * height > limits.MAX_TOTAL_CELLS:
        raise problems.refuse(
            f"has {len(tile_layers)} tile layers of {width}x{height}, more than the {limits.MAX_TOTAL_CELLS} "
            f"cells over all tile layers a level may have; refused before decoding any",
            "merge or delete art layers",
        )
    grids: list[np.ndarray] = []
    for el, _, _ in tile_layers:
        what = f"tile layer '{el.get('name', '')}'"
        grid = np.zeros((height, width), np.uint32)
        lw, lh = _int_attr(el, "width", width), _int_attr(el, "height", height)
        data_el = el.find("data")
        if (lw, lh) != (width, height):
            problems.error(what, f"is {el.get('width')}x{el.get('height')} tiles but the map is {width}x{height}", "re-save the map from Tiled")
        else:
            try:
                grid = decode_layer_data(data_el, width, height)
            except DataError as e:
                problems.error(what, f"data {e}")
        grids.append(grid)
        # pytmx gets an empty layer (its decoder is unbounded; the cells are decoded above)
        if data_el is None:
            data_el = ET.SubElement(el, "data")
        for child in list(data_el):
            data_el.remove(child)
        data_el.attrib.clear()
        data_el.set("encoding", "base64")
        data_el.text = ""
    before = len(problems.errors)
    _sanitize_for_pytmx(root, problems)
    if fatal or len(problems.errors) > before:
        raise problems.as_error()

    try:
        tmx = pytmx.TiledMap(image_loader=_no_images, allow_duplicate_names=True, load_all=False)
        tmx.filename = str(rd.path)
        tmx.parse_xml(root)
    except Exception as e:  # pytmx raises bare Exception/ValueError/KeyError on odd input
        raise problems.refuse(f"could not be read by pytmx ({type(e).__name__}: {e})", "re-save the map from Tiled") from None

    tmx_groups = [g for g in tmx.layers if isinstance(g, pytmx.TiledObjectGroup)]
    tmx_tiles = [g for g in tmx.layers if isinstance(g, pytmx.TiledTileLayer)]
    if len(tmx_groups) != len(groups) or len(tmx_tiles) != len(tile_layers):  # pragma: no cover - pruned above
        raise problems.refuse("has layers where Tiled never puts them", "re-save the map from Tiled")

    tile_of: dict[int, RawTile] = {ts.firstgid + tid: tile for ts in tilesets for tid, tile in ts.tiles.items()}
    objects: list[RawObject] = []
    for (og, ox, oy), group in zip(groups, tmx_groups):
        for el, o in zip(og.findall("object"), group):
            shape = _shape_of(el)
            kind = (o.__dict__.get("type") or o.__dict__.get("class") or "").strip()
            properties = dict(o.properties)
            if shape == "tile":
                # a tile object inherits its tile's class/type and custom properties
                tile = tile_of.get(int(el.get("gid")) & 0x0FFFFFFF)
                if tile is not None:
                    kind = kind or tile.type
                    properties = {**tile.properties, **properties}
            x, y = float(o.x) + ox, float(o.y) + oy
            if shape == "tile" and tmx.invert_y:
                y += float(o.height)  # pytmx moved tile objects' origin to the top-left
            pts: tuple[tuple[float, float], ...] = ()
            if shape in ("polyline", "polygon"):
                pts = tuple((float(px) + ox, float(py) + oy) for px, py in getattr(o, "points", ()))
            objects.append(
                RawObject(
                    id=int(o.id),
                    name=(o.name or "").strip(),
                    kind=kind,
                    shape=shape,
                    x=x,
                    y=y,
                    width=float(o.width or 0),
                    height=float(o.height or 0),
                    rotation=float(o.rotation or 0),
                    points=pts,
                    properties=properties,
                    layer=og.get("name", ""),
                )
            )
    raw_layers = [
        RawTileLayer(name=(t.name or ""), properties=dict(t.properties), gids=g, offset=(ox, oy))
        for (el, ox, oy), t, g in zip(tile_layers, tmx_tiles, grids)
    ]
    return RawMap(
        source=rd.source,
        path=rd.path,
        project=rd.project,
        content_hash=rd.content_hash(data),
        width=width,
        height=height,
        tilewidth=tw,
        tileheight=th,
        properties=dict(tmx.properties),
        background=tmx.background_color,
        tile_layers=raw_layers,
        tilesets=tilesets,
        objects=objects,
        notices=rd.notices,
    )
