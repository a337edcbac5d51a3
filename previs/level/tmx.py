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

import os
from xml.etree import ElementTree as ET

import numpy as np

from . import limits
from .diagnostics import Problems
from .external_files import MAX_GID, MapReader, check_property_budget, expand_templates, inline_tilesets
from .pytmx_bridge import no_images, pytmx, sanitize_for_pytmx
from .raw_map import RawMap, RawObject, RawTile, RawTileLayer, RawTileset
from .safe_read import Refused, parse_xml, read_capped
from .tiledata import DataError, decode_layer_data
from .tree_checks import check_header, check_objects, int_attr, prune, shape_of, walk_layers

__all__ = ["read_map", "RawMap", "RawObject", "RawTile", "RawTileLayer", "RawTileset"]


def read_map(source: str | os.PathLike, problems: Problems) -> RawMap:
    """Read, check and parse a map; raise :class:`previs.errors.LevelError` listing every
    structural problem (refusals, damaged data, references leaving the project)."""
    rd = MapReader(os.fspath(source), problems)
    try:
        data = read_capped(rd.path, limits.MAX_MAP_BYTES)
        root = parse_xml(data, "map")
    except Refused as e:
        raise problems.refuse(str(e)) from None
    width, height, tw, th = check_header(root, problems)

    tilesets, by_path = inline_tilesets(root, rd)

    layers: list = []
    walk_layers(root, 0.0, 0.0, layers, problems)
    for el, _, _ in layers:
        if el.tag == "imagelayer":
            for image in el.iter("image"):
                rd.check_image(image, rd.base, f"image layer '{el.get('name', '')}'")
    layers = [t for t in layers if t[0].tag != "imagelayer"]
    prune(root, {id(el) for el, _, _ in layers} | {id(ts) for ts in root.findall("tileset")})
    groups = [t for t in layers if t[0].tag == "objectgroup"]
    tile_layers = [t for t in layers if t[0].tag == "layer"]

    props = expand_templates(groups, rd, by_path)
    tile_of: dict[int, RawTile] = {ts.firstgid + tid: tile for ts in tilesets for tid, tile in ts.tiles.items()}
    # A tile object inherits its tile's properties: counted before any is copied.
    gids = (el.get("gid") or "" for og, _, _ in groups for el in og.iter("object"))
    inherited = (tile_of.get(int(g) & MAX_GID) for g in gids if g.isascii() and g.isdigit() and len(g) <= 10)
    check_property_budget(props + sum(len(t.properties) for t in inherited if t is not None), problems)
    # Problems so far (references, tile data) still let pytmx parse the rest, so the level
    # checks can list their problems too; broken ids, limits and attributes pytmx cannot
    # cast stop here.
    before = len(problems.errors)
    check_objects(root, groups, rd)
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
        lw, lh = int_attr(el, "width", width), int_attr(el, "height", height)
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
    sanitize_for_pytmx(root, problems)
    if fatal or len(problems.errors) > before:
        raise problems.as_error()

    try:
        tmx = pytmx.TiledMap(image_loader=no_images, allow_duplicate_names=True, load_all=False)
        tmx.filename = str(rd.path)
        tmx.parse_xml(root)
    except Exception as e:  # pytmx raises bare Exception/ValueError/KeyError on odd input
        raise problems.refuse(f"could not be read by pytmx ({type(e).__name__}: {e})", "re-save the map from Tiled") from None

    tmx_groups = [g for g in tmx.layers if isinstance(g, pytmx.TiledObjectGroup)]
    tmx_tiles = [g for g in tmx.layers if isinstance(g, pytmx.TiledTileLayer)]
    if len(tmx_groups) != len(groups) or len(tmx_tiles) != len(tile_layers):  # pragma: no cover - pruned above
        raise problems.refuse("has layers where Tiled never puts them", "re-save the map from Tiled")

    objects: list[RawObject] = []
    for (og, ox, oy), group in zip(groups, tmx_groups):
        for el, o in zip(og.findall("object"), group):
            shape = shape_of(el)
            kind = (o.__dict__.get("type") or o.__dict__.get("class") or "").strip()
            properties = dict(o.properties)
            if shape == "tile":
                # a tile object inherits its tile's class/type and custom properties
                tile = tile_of.get(int(el.get("gid")) & MAX_GID)
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
