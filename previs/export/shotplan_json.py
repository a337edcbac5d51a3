"""``shotplan.json``: the plan for scripts and tests (``"format": "previs-shotplan/1"``).

The document is :meth:`previs.plan.shotplan.ShotPlan.to_dict`: keys in the contract's
order (never sorted), lists in the plan's order. It is indented by 2 like
``json.dumps(indent=2)``, except that a small object or list holding no other object or
list (a beat, a performer's continuity pose, a ``who`` pair, the settings) is kept on one
line when it fits in :data:`WIDTH` characters: a cut with 100 performers then reads as
100 lines instead of 700, and the file is written by the C JSON encoder instead of the
(20x slower) indenting Python one. UTF-8, a final newline; the same plan always gives the
same bytes, and ``json.load`` gives back exactly ``plan.to_dict()``.
"""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring

from ..fsutil import atomic_write_text

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

    def _one_line(obj) -> str:
        """``_encode(obj)``: the same text, from the encoder made once."""
        return "".join(_c_encoder(obj, 0))
else:  # pragma: no cover
    _one_line = _encode

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


def _dump(obj, depth: int, out: list[str]) -> None:
    if isinstance(obj, (dict, list)):
        if not obj:
            out.append("{}" if isinstance(obj, dict) else "[]")
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
            _dump(v, depth + 1, out)
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


def dumps(doc) -> str:
    out: list[str] = []
    _dump(doc, 0, out)
    out.append("\n")
    return "".join(out)


def to_text(plan) -> str:
    return dumps(plan.to_dict())


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
