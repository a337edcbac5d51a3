"""Reading untrusted level files safely: size caps, refusal of DOCTYPEs/entities, bounded
XML parsing, and the project boundary that external references may not leave.

Nothing here knows about Tiled's semantics; it turns bytes on disk into an ElementTree
root or a one-line reason for refusing them. Every document goes through expat twice: first
a pass with no element handlers (C speed) whose DOCTYPE and declaration handlers raise on
any internal subset, entity, ATTLIST, ELEMENT or NOTATION declaration, then
``xml.etree``'s parse of the same bytes. The parser itself decides what is a DOCTYPE, so no
quoting trick (a ``>`` inside a quoted system id) gets a DTD past it. Tiled never writes a
DTD; entity declarations are how "billion laughs" files expand a few KB into gigabytes, and
ATTLIST defaults repeat into every element (1.1 MB grew to 7.7 GB). (A bare
``<!DOCTYPE map SYSTEM "...">``, as Tiled before 0.9 wrote, is allowed: it declares
nothing and expat does not fetch it.)
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from .. import safe_paths
from ..safe_paths import Unreadable, find_project_root  # noqa: F401 (find_project_root: re-exported for external_files)
from .limits import MAX_XML_DEPTH, MAX_XML_ELEMENTS
_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_DTD_REFUSAL = (
    "contains a DOCTYPE with entity declarations, which Tiled never writes and which "
    "can expand a small file into gigabytes; refused unread: re-save the map from Tiled"
)


class _Declaration(Exception):
    """Raised from inside expat the moment it meets a DTD declaration."""


def _refuse_declaration(*_args) -> None:
    raise _Declaration


def _doctype(_name, _sysid, _pubid, has_internal_subset) -> None:
    # Called at "<!DOCTYPE name ... [" before the subset is read: nothing in it expands.
    if has_internal_subset:
        raise _Declaration


def check_no_dtd(data: bytes) -> None:
    """Refuse ``data`` if expat finds a DOCTYPE internal subset or any declaration in it.

    A pass with no element handlers runs at expat's C speed (~100 MB/s) and stops at the
    first declaration, so nothing declared is ever expanded. Malformed XML is left for the
    real parse to report with its line and column."""
    p = expat.ParserCreate()
    p.StartDoctypeDeclHandler = _doctype
    for handler in ("EntityDeclHandler", "UnparsedEntityDeclHandler", "NotationDeclHandler",
                    "AttlistDeclHandler", "ElementDeclHandler", "ExternalEntityRefHandler"):
        setattr(p, handler, _refuse_declaration)
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        p.Parse(data, True)
    except _Declaration:
        raise Refused(_DTD_REFUSAL) from None
    except expat.ExpatError:
        pass


class Refused(Exception):
    """A file (or reference) that must not be read. ``str(e)`` completes the sentence
    "<file> ..." and ends with what to do."""


def resolve_inside(ref: str, base_dir: Path, project: Path) -> Path:
    """Resolve a reference written in a file in ``base_dir`` (symlinks followed) and
    refuse it unless it stays inside ``project`` (:func:`previs.safe_paths.resolve_inside`)."""
    try:
        return safe_paths.resolve_inside(ref, base_dir, project)
    except Unreadable as e:
        if not ref or "\x00" in ref:
            raise Refused(e.reason) from None
        where = e.reason.replace("the project folder", "the level's project folder")
        raise Refused(
            f"{where}; keep tilesets, templates and images inside the project "
            f"(the folder holding the .tiled-project file, else the map's folder)"
        ) from None


_READ_FIXES = {
    "missing": "does not exist; check the path",
    "folder": "is a folder, not a Tiled map; give the .tmx file inside it",
    "special": "is not a regular file",
}


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing anything larger than ``limit`` bytes
    (:func:`previs.safe_paths.read_bounded`: a FIFO or device is refused unopened)."""
    try:
        return safe_paths.read_bounded(path, limit)
    except Unreadable as e:
        if e.kind == "large":
            raise Refused(f"{e.reason}; is it really a Tiled file?") from None
        raise Refused(_READ_FIXES.get(e.kind, e.reason)) from None


def element_bound(data: bytes) -> int:
    """An upper bound on the XML elements in ``data``, taken at C speed before anything is
    built: every element has one "<" that starts neither "</", "<?" nor "<!"."""
    return data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")


def parse_xml(data: bytes, expect_root: str) -> ET.Element:
    """Parse UTF-8 XML bytes into an element tree, refusing empty, binary, non-UTF-8,
    DOCTYPE/entity-bearing, malformed, too large or too deeply nested documents."""
    if not data.strip():
        raise Refused("is empty; save the map again from Tiled")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Refused("is not UTF-8 (Tiled writes UTF-8); re-save it from Tiled")
    if b"\x00" in data:
        raise Refused("is binary data, not a Tiled XML file")
    m = _DECL_ENCODING.match(data.removeprefix(codecs.BOM_UTF8)[:512])
    if m and m.group(1).decode("ascii").lower() not in _UTF8_NAMES:
        raise Refused(f"declares encoding {m.group(1).decode('ascii')!r}; Tiled writes UTF-8; re-save it from Tiled")
    # Tiled before 0.9 wrote a bare <!DOCTYPE map SYSTEM "...map.dtd">, which expat
    # never fetches: that is harmless. An internal subset is where declarations live.
    check_no_dtd(data)
    bound = element_bound(data)
    if bound > MAX_XML_ELEMENTS:
        raise Refused(f"has more than {MAX_XML_ELEMENTS} XML elements; a level needs far fewer")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        line, col = getattr(e, "position", (0, 0))
        why = str(e).split(":")[0]
        raise Refused(
            f"is not well-formed XML ({why} at line {line}, column {col + 1}); it may be "
            f"truncated or not a Tiled file: re-save it from Tiled"
        ) from None
    # Depth, without recursion (later steps copy and walk the tree recursively).
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise Refused(f"nests XML elements more than {MAX_XML_DEPTH} deep")
        stack.extend((child, depth + 1) for child in el)
    if root.tag != expect_root:
        raise Refused(f"is XML with a <{root.tag}> root, not a Tiled <{expect_root}>")
    return root
