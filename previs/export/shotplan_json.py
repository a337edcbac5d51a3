"""``shotplan.json``: the plan for scripts and tests (``"format": "previs-shotplan/1"``).

The document is :meth:`previs.plan.shotplan.ShotPlan.to_dict`: keys in the contract's
order (never sorted), lists in the plan's order. It is indented by 2 like
``json.dumps(indent=2)``, except that a small object or list holding no other object or
list (a beat, a performer's continuity pose, a ``who`` pair, the settings) is kept on one
line when it fits in :data:`WIDTH` characters: a cut with 100 performers then reads as
100 lines instead of 700, and the file is written by the C JSON encoder instead of the
(20x slower) indenting Python one. UTF-8, a final newline; the same plan always gives the
same bytes, and ``json.load`` gives back exactly ``plan.to_dict()``.

**The layout rule** is :func:`_dump` with ``fast=False``: a recursive walk deciding, object
by object, one line or one item per line. A 1000-performer melee's plan has over a million
safety findings and a battle's 50 000 continuity poses, and that walk with a ``to_dict``
a finding costs ~16 us a finding (a million: 16 s; a generated 1000-performer battle's
file 0.26-0.5 s), so the two shapes that fill the file are written in bulk, to the very
same text (tests compare them with the rule on awkward values: long names, quotes,
``-0.0``, ints among floats, huge and non-finite numbers):

- a list of objects holding only scalars (continuity poses, beats) is encoded in *one* C
  encoder call whose separator, a NUL, cannot appear in the encoder's output (it escapes
  every control character), and cut into records there (:func:`_table`);
- the safety findings' clearance records are filled into one template from columns of
  their fields, each distinct name, time and distance encoded once
  (:func:`_findings_pieces`), never through a ``to_dict`` a finding: a million in 1.3 s
  when the findings lie together in memory (unpickled), ~3 s as a simulation leaves them,
  scattered (benchmarks/plan_exports.py). The text is built as a list of pieces joined
  once: a million findings' 115 MB is never copied by a concatenation.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from itertools import chain, groupby
from json.encoder import encode_basestring
from operator import attrgetter

from ..fsutil import atomic_write_text
from ..plan.safety import ClearanceFinding

WIDTH = 100
_INDENT = "  "
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
_encode = _ENCODER.encode

try:  # CPython's C encoder, made once: JSONEncoder.encode makes one per call (~40 % of
    # the cost of a small record, and the finale writes 8 000 of them).
    from json.encoder import c_make_encoder
except ImportError:  # pragma: no cover - other Pythons
    c_make_encoder = None
if c_make_encoder is not None:
    # markers=None: no circular check (a plan's dict is a tree); the rest as _ENCODER.
    _c_encoder = c_make_encoder(None, _ENCODER.default, encode_basestring, None, ": ", ", ", False, False, False)
    # The same encoder with NUL between items: it never occurs inside the encoder's output
    # (strings escape every control character as \\u00XX), so :func:`_table` can cut a
    # list of records into its records and put the ", " back.
    _c_rows = c_make_encoder(None, _ENCODER.default, encode_basestring, None, ": ", "\x00", False, False, False)

    def _one_line(obj) -> str:
        """``_encode(obj)``: the same text, from the encoder made once."""
        return "".join(_c_encoder(obj, 0))
else:  # pragma: no cover
    _one_line = _encode
    _c_rows = None

_SCALARS = frozenset((str, int, float, bool, type(None)))
"""Exact types whose values the encoder writes as one token (no subclasses: an ``IntEnum``
or a numpy float takes the plain path)."""

_KEYS: dict[str, str] = {}
"""Encoded dict keys (a plan has a few dozen, written thousands of times)."""


def _key(k) -> str:
    if type(k) is not str:
        return _one_line(k)
    text = _KEYS.get(k)
    if text is None:
        text = _KEYS[k] = encode_basestring(k)
    return text


def _flat(obj) -> bool:
    vals = obj.values() if isinstance(obj, dict) else obj
    return not any(isinstance(v, (dict, list)) and v for v in vals)


def _dump(obj, depth: int, out: list[str], fast: bool = True) -> None:
    """Append the text of ``obj`` at nesting ``depth`` (0: the document) to ``out``.
    ``fast=False`` is the plain rule (see the module doc); ``fast`` writes the same text."""
    if isinstance(obj, (dict, list)):
        if not obj:
            out.append("{}" if isinstance(obj, dict) else "[]")
            return
        if fast and type(obj) is list and (text := _list_fast(obj, depth)) is not None:
            out.append(text)
            return
        if _flat(obj):
            one = _one_line(obj)
            if len(one) + 2 * depth <= WIDTH:
                out.append(one)
                return
        pad = _INDENT * (depth + 1)
        is_dict = isinstance(obj, dict)
        if is_dict and (text := _record(obj, depth, pad)) is not None:
            out.append(text)
            return
        if not is_dict and all(isinstance(v, dict) and v and _flat(v) for v in obj):
            # A list of small records (performer poses, beats, findings): one per line.
            lines = [_one_line(v) for v in obj]
            if max(map(len, lines)) + 2 * (depth + 1) <= WIDTH:
                out.append("[\n" + pad + (",\n" + pad).join(lines) + "\n" + _INDENT * depth + "]")
                return
        out.append("{\n" if is_dict else "[\n")
        items = obj.items() if is_dict else enumerate(obj)
        first = True
        for k, v in items:
            if not first:
                out.append(",\n")
            first = False
            out.append(pad)
            if is_dict:
                out.append(_key(k) + ": ")
            _dump(v, depth + 1, out, fast)
        out.append("\n" + _INDENT * depth + ("}" if is_dict else "]"))
    else:
        out.append(encode_basestring(obj) if type(obj) is str else _one_line(obj))


def _record(obj: dict, depth: int, pad: str) -> str | None:
    """:func:`_dump`'s text of a dict whose values are scalars or one-line lists of
    scalars (a safety finding: ``"who": [...]``), made in one go; None for any other dict.
    A melee's plan has a million such records: this is the same text without a call and
    a list append per value."""
    items = []
    for k, v in obj.items():
        if type(v) is list:
            if not v:
                text = "[]"
            elif any(isinstance(x, (dict, list)) for x in v):
                return None
            else:
                text = _one_line(v)
                if len(text) + 2 * (depth + 1) > WIDTH:
                    return None
        elif isinstance(v, dict):
            return None
        else:
            text = encode_basestring(v) if type(v) is str else _one_line(v)
        items.append(_key(k) + ": " + text)
    return "{\n" + pad + (",\n" + pad).join(items) + "\n" + _INDENT * depth + "}"


def _block(texts, depth: int) -> str:
    """A list written one item per line: ``texts`` are the items' texts at ``depth + 1``."""
    pad = _INDENT * (depth + 1)
    return "[\n" + pad + (",\n" + pad).join(texts) + "\n" + _INDENT * depth + "]"


def _list_fast(obj: list, depth: int) -> str | None:
    """:func:`_dump`'s text of a non-empty list of scalars or of scalar-only objects, in
    bulk; None for any other list (the plain rule writes it)."""
    kinds = set(map(type, obj))
    if kinds <= _SCALARS:  # a list of names (a shot's performers in view): one line, or one a line
        one = _one_line(obj)
        if len(one) + 2 * depth <= WIDTH:
            return one
        if kinds == {str}:
            return _block(map(encode_basestring, obj), depth)
        return _block([encode_basestring(v) if type(v) is str else _one_line(v) for v in obj], depth)
    if kinds == {dict}:
        return _table(obj, depth)
    return None


def _table(obj: list, depth: int) -> str | None:
    """:func:`_dump`'s text of a list of non-empty dicts whose values are all scalars
    (one C encoder call for the whole list, cut at its NUL item separators); None for
    any other list."""
    if _c_rows is None or not all(obj):
        return None
    if not set(map(type, chain.from_iterable(map(dict.values, obj)))) <= _SCALARS:
        return None
    try:
        body = "".join(_c_rows(obj, 0))
    except ValueError:  # NaN or infinity: the plain rule raises the encoder's error
        return None
    # Inside a record NUL separates items, each a quoted key; between records it is
    # followed by the next record's "{".
    lines = body[1:-1].replace("\x00{", "\x01{").replace("\x00", ", ").split("\x01")
    room = WIDTH - 2 * (depth + 1)
    lens = list(map(len, lines))
    if max(lens) <= room:  # the plain rule's "list of small records, one per line"
        return _block(lines, depth)
    # Else each record on its own, as the plain rule writes it: one line when it fits,
    # else one key per line.
    texts = []
    for line, n, rec in zip(lines, lens, obj):
        if n <= room:
            texts.append(line)
        else:
            out: list[str] = []
            _dump(rec, depth + 1, out, False)
            texts.append("".join(out))
    return _block(texts, depth)


class _Texts(dict):
    """Encoded texts of values of one type, each worked out once (``texts[v]``): a million
    findings have a few thousand distinct times and a few hundred distances. One type
    only (``1 == 1.0 == True`` are one key): the caller checks. ``0.0`` and ``-0.0`` are
    equal keys with different texts, so zero is never stored. A value the template
    cannot write raises :class:`_Unwritable`."""

    def __init__(self, encode):
        super().__init__()
        self.encode = encode

    def __missing__(self, v):
        text = self.encode(v)
        if text is None:
            raise _Unwritable(v)
        if v:
            self[v] = text
        return text


class _Unwritable(ValueError):
    """A value the bulk template does not write (the plain rule writes its record)."""


def _number_text(v) -> str | None:
    """A finite float's or an int's JSON text, as the C encoder writes it; None otherwise."""
    t = type(v)
    if t is float:
        return float.__repr__(v) if math.isfinite(v) else None
    if t is int:
        return int.__repr__(v)
    return None


_CLEARANCE_KEYS = ("kind", "who", "time", "distance")
CHUNK = 1000
"""Clearance records formatted at a time. Each finding, its ``who`` and its two numbers
are objects of their own, scattered over memory in a plan of a million: every field of a
chunk is read while its objects are still in the cache (10 000 at a time cost 3 s for a
million, 1000 1.7 s), and the plain rule redoes a chunk holding a value the template
cannot write."""


def _template_is_to_dict(f) -> bool:
    """True if ``f.to_dict()`` is the record :class:`_ClearanceTemplate` writes (keys in its
    order, values its fields), checked on a plan's first clearance finding."""
    d = f.to_dict()
    return (tuple(d) == _CLEARANCE_KEYS and d["who"] == list(f.who)
            and all(d[k] is getattr(f, k) for k in ("kind", "time", "distance")))


_KIND, _WHO, _TIME, _DISTANCE = map(attrgetter, _CLEARANCE_KEYS)


class _ClearanceTemplate:
    """Clearance records at ``depth`` + 1, each followed by ``sep``: the plain rule's one
    key per line (a non-empty ``who`` makes a record more than flat), filled into one
    template from the findings' fields."""

    def __init__(self, depth: int, sep: str):
        self.sep, self.depth = sep, depth
        room = WIDTH - 2 * (depth + 2)
        pad, self.end = "\n" + _INDENT * (depth + 2), "\n" + _INDENT * (depth + 1) + "}" + sep
        k0, k1, k2, k3 = (_key(k) + ": " for k in _CLEARANCE_KEYS)
        self.head, self.w0, self.w1, self.d = "{" + pad + k0, "," + pad + k1 + "[", "]," + pad + k2, "," + pad + k3
        self.kinds = _Texts(lambda v: encode_basestring(v) if type(v) is str else None)
        # A name longer than half a line is refused even where its pair would fit: that
        # chunk is the plain rule's (names are ~10 characters; the line holds 94).
        self.names = _Texts(lambda v: t if type(v) is str and 2 * len(t := encode_basestring(v)) + 4 <= room else None)
        self.floats = _Texts(_number_text)

    def write(self, part: list, out: list[str]) -> bool:
        """Append the records of clearance findings ``part`` (at most :data:`CHUNK`) to
        ``out``; by the plain rule, record by record, when one holds something the
        template cannot write (a ``who`` other than two names that fit on one line, a
        non-finite number, an int among the floats, a kind that is not text). True if the
        template wrote them."""
        head, w0, w1, d, end = self.head, self.w0, self.w1, self.d, self.end
        kinds, names, floats = self.kinds, self.names, self.floats
        # Columns of the fields (no tuple a record: a million of them woke the garbage
        # collector), checked a chunk at a time: every value of one type.
        kind, who, time, distance = (list(map(g, part)) for g in (_KIND, _WHO, _TIME, _DISTANCE))
        try:
            if (set(map(type, who)) != {tuple} or set(map(len, who)) != {2} or set(map(type, time)) != {float}
                    or set(map(type, distance)) != {float}):
                raise _Unwritable(part)
            out.append("".join([f"{head}{kinds[k]}{w0}{names[w[0]]}, {names[w[1]]}{w1}{floats[t]}{d}{floats[x]}{end}"
                                for k, w, t, x in zip(kind, who, time, distance)]))
            return True
        except (_Unwritable, TypeError):  # (TypeError: an unhashable value) the plain rule
            for f in part:
                _dump(f.to_dict(), self.depth + 1, out)
                out.append(self.sep)
            return False


def _findings_pieces(findings, depth: int, out: list[str]) -> None:
    """Append the ``safety`` list at ``depth`` to ``out``: the text of
    ``_dump([f.to_dict() for f in findings])``, its clearance findings written from their
    fields, :data:`CHUNK` findings at a time (module doc).

    If one clearance record (whose "who" is not empty) goes through the template, the
    list is not flat and the plain rule writes it one record after the other, each as
    _dump writes it at depth + 1: the template for each run of clearance findings, _dump
    itself for every other record."""
    findings = list(findings)
    pad = _INDENT * (depth + 1)
    template = _ClearanceTemplate(depth, ",\n" + pad)
    mine = ["[\n" + pad]
    used = probed = False
    for a in range(0, len(findings), CHUNK):
        part = findings[a:a + CHUNK]
        start = 0
        for kind, run in groupby(list(map(type, part))):
            n = len(list(run))
            sub = part[start:start + n]
            start += n
            if kind is ClearanceFinding:
                if not probed:
                    if not _template_is_to_dict(sub[0]):
                        break
                    probed = True
                used = template.write(sub, mine) or used
                continue
            for f in sub:
                _dump(f.to_dict(), depth + 1, mine)
                mine.append(template.sep)
        else:
            continue
        break  # a clearance finding the template does not describe: the plain rule for all
    else:
        if used:
            mine[-1] = mine[-1][:-len(template.sep)]  # no separator after the last record
            mine.append("\n" + _INDENT * depth + "]")
            out.extend(mine)
            return
    _dump([f.to_dict() for f in findings], depth, out)  # the plain rule


def dumps(doc) -> str:
    """The text of JSON document ``doc`` in the layout above (with a final newline)."""
    out: list[str] = []
    _dump(doc, 0, out)
    out.append("\n")
    return "".join(out)


def dumps_plain(doc) -> str:
    """:func:`dumps` by the plain rule alone (no bulk paths): the reference the tests and
    the benchmark compare with."""
    out: list[str] = []
    _dump(doc, 0, out, False)
    out.append("\n")
    return "".join(out)


def _pieces(plan) -> list[str]:
    """The text of ``dumps(plan.to_dict())`` in pieces, the safety findings written from
    the plan's findings (never a ``to_dict`` each)."""
    out: list[str] = []
    doc = dataclasses.replace(plan, safety=()).to_dict() if plan.safety else None
    # The document is an object holding objects ("settings"), so the rule writes it one
    # key per line, each value at depth 1: the safety list's text goes in its place.
    if not plan.safety or not (isinstance(doc.get("settings"), dict) and doc["settings"]):
        _dump(plan.to_dict(), 0, out)
        out.append("\n")
        return out
    out.append("{")
    for i, (k, v) in enumerate(doc.items()):
        out.append(("\n" if i == 0 else ",\n") + _INDENT + _key(k) + ": ")
        if k == "safety":
            _findings_pieces(plan.safety, 1, out)
        else:
            _dump(v, 1, out)
    out.append("\n}\n")
    return out


def to_text(plan) -> str:
    """``dumps(plan.to_dict())``: the file's text."""
    return "".join(_pieces(plan))


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
