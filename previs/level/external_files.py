"""A map's external files: tilesets (``.tsx``) and object templates (``.tx``), each read and
parsed once from inside the level's project, and inlined or expanded into the map's tree
with every budget counted on what is built (not on the file) before building it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from xml.etree import ElementTree as ET

from . import limits
from .diagnostics import Problems
from .pytmx_bridge import xml_properties
from .raw_map import RawTile, RawTileset
from .safe_read import Refused, element_bound, find_project_root, parse_xml, read_capped, resolve_inside
from .templates import Template, apply_template, parse_template
from .tree_checks import int_attr, object_label

MAX_GID = 0x0FFFFFFF  # a gid's top four bits are Tiled's flip flags


class MapReader:
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
        self.tileset_tiles: dict[Path, dict[int, RawTile]] = {}  # one dict per file, shared
        self.notices: list[str] = []
        self.external_bytes = 0  # bytes of every distinct external file read
        self.external_elements = 0  # their XML elements (bounded before parsing)

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
            self.external_bytes += len(data)
            self.external_elements += element_bound(data)
            for total, limit, what in (
                (self.external_bytes, limits.MAX_EXTERNAL_BYTES, f"{limits.MAX_EXTERNAL_BYTES // (1024 * 1024)} MB"),
                (self.external_elements, limits.MAX_EXTERNAL_ELEMENTS, f"{limits.MAX_EXTERNAL_ELEMENTS} XML elements"),
            ):
                if total > limit:
                    raise self.problems.refuse(
                        f"uses more than {what} of tilesets and templates together (reached at '{ref}'); "
                        f"a level's external files are a few KB each; refused before parsing them",
                        "delete unused tilesets and templates from the map")
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


def with_files(content_hash: str, files: dict[str, bytes]) -> str:
    """``content_hash`` extended by more files the level reads (its BVH takes: path relative
    to the project -> bytes), each length-prefixed in path order; unchanged with none, so a
    level without such files keeps the hash it always had."""
    if not files:
        return content_hash
    h = hashlib.sha256(b"previs-level-files/1\0" + content_hash.encode("ascii"))
    for rel, data in sorted(files.items()):
        name = rel.encode("utf-8", "surrogateescape")
        h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def inline_tilesets(root: ET.Element, rd: MapReader) -> tuple[list[RawTileset], dict[Path, int]]:
    """Replace each ``<tileset>`` by a bare ``<tileset firstgid name>`` (no image, no tiles)
    after reading its tiles' properties, so pytmx needs no files and loads no images."""
    tilesets: list[RawTileset] = []
    by_path: dict[Path, int] = {}
    entries = 0  # tiles with a class or properties, over every reference (each adds its gids)
    for i, ts in enumerate(list(root.findall("tileset"))):
        firstgid = int_attr(ts, "firstgid")
        ref = ts.get("source")
        what = f"tileset {ref or ts.get('name', i)!r}"
        if firstgid is None or not 1 <= firstgid <= MAX_GID:
            rd.problems.error(what, f"has firstgid={ts.get('firstgid')!r}, not a whole number from 1 to {MAX_GID}",
                              "re-save the map from Tiled")
            firstgid = 1
        node, base, path = ts, rd.base, None
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
        if path is not None and path in rd.tileset_tiles:
            tiles = rd.tileset_tiles[path]  # read once: a second reference shares the same tiles
        else:
            tiles = _read_tiles(node, base, label, rd)
            if path is not None:
                rd.tileset_tiles[path] = tiles
        entries += len(tiles)
        if entries > limits.MAX_TILESET_TILES:
            raise rd.problems.refuse(
                f"{label}: its tilesets give more than {limits.MAX_TILESET_TILES} tiles a class or properties "
                f"over all {i + 1} tileset references so far (each reference numbers its tiles again); "
                f"refused before building them",
                "reference each tileset once and delete unused ones")
        if tiles and max(tiles) + firstgid > MAX_GID:
            rd.problems.error(label, f"has tile ids past gid {MAX_GID} at firstgid {firstgid}", "re-save the map from Tiled")
        tilesets.append(RawTileset(firstgid, label, tiles))
        bare = ET.Element("tileset", {"firstgid": str(firstgid), "name": name})
        root.insert(list(root).index(ts), bare)
        root.remove(ts)
    return tilesets, by_path


def _read_tiles(node: ET.Element, base: Path, label: str, rd: MapReader) -> dict[int, RawTile]:
    """The tiles of one tileset that carry a class or properties (local id -> tile), after
    checking that its images stay inside the project."""
    for image in node.iter("image"):
        rd.check_image(image, base, label)
    tiles: dict[int, RawTile] = {}
    for tile in node.findall("tile"):
        tid = int_attr(tile, "id")
        if tid is None or not 0 <= tid <= MAX_GID:
            rd.problems.error(label, f"has a tile with id={tile.get('id')!r}", "re-save the tileset from Tiled")
            continue
        kind = (tile.get("type") or tile.get("class") or "").strip()
        tiles[tid] = RawTile(kind, xml_properties(tile))
    return tiles


def expand_templates(groups: list, rd: MapReader, by_path: dict[Path, int]) -> int:
    """Expand every template instance in the object groups in place. The cost of the
    expansion (template bytes copied, properties built) is counted over all instances and
    refused before the first instance is expanded. Returns the objects' custom property
    count after expansion (an upper bound: an instance may override its template's)."""
    instances: list[tuple[ET.Element, Template]] = []
    copied = 0
    for og, _, _ in groups:
        for obj in og.findall("object"):
            ref = obj.get("template")
            if not ref:
                continue
            tpl = _template(obj, ref, rd)
            if tpl is None:
                obj.attrib.pop("template", None)
                continue
            instances.append((obj, tpl))
            copied += len(rd.used[tpl.path])
    if copied > limits.MAX_EXPANDED_TEMPLATE_BYTES:
        raise rd.problems.refuse(
            f"has {len(instances)} template instances whose templates add up to {copied // (1024 * 1024)} MB, "
            f"more than the {limits.MAX_EXPANDED_TEMPLATE_BYTES // (1024 * 1024)} MB that expanding templates "
            f"may copy; refused before expanding any",
            "keep templates small (one object each) or draw the objects without a template")
    props = sum(1 for _ in _all_properties(groups)) + sum(tpl.property_count for _, tpl in instances)
    check_property_budget(props, rd.problems)
    for obj, tpl in instances:
        note = apply_template(obj, tpl, by_path)
        if note:
            rd.notices.append(f"{rd.source}: {object_label(obj)}: {note}.")
    return props


def _all_properties(groups: list):
    for og, _, _ in groups:
        yield from og.iter("property")


def check_property_budget(count: int, problems: Problems) -> None:
    """Refuse a map whose objects would hold more than ``MAX_PROPERTIES`` custom
    properties once templates are expanded and tiles inherited."""
    if count > limits.MAX_PROPERTIES:
        raise problems.refuse(
            f"would give its objects {count} custom properties once templates are expanded and tile "
            f"objects inherit their tiles' properties, more than the {limits.MAX_PROPERTIES} a level may "
            f"have; refused before building them",
            "move repeated properties off templates and tiles, or split the level")


def _template(obj: ET.Element, ref: str, rd: MapReader) -> Template | None:
    """The parsed template an instance refers to (read and parsed once per file)."""
    what = object_label(obj)
    got = rd.external(ref, rd.base, "template", f"{what}: template '{ref}'")
    if got is None:
        return None
    path, troot = got
    if path not in rd.templates:
        try:
            rd.templates[path] = parse_template(troot, path, lambda r, b=path.parent: resolve_inside(r, b, rd.project))
        except (ValueError, Refused) as e:
            rd.problems.error(f"template '{ref}'", str(e))
            rd.templates[path] = None
    return rd.templates[path]
