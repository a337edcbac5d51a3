"""A level's revision and its path in its project: what a printout needs to say which fight.

**The revision** is the first :data:`LENGTH` hex digits of a sha256 over a canonical text
of the parsed :class:`~previs.level.model.Level`: every field of the model (settings,
walls, Henry, performers, paths, beats, zones, floor tint, extent) except the ones that
name the file rather than the fight (:data:`NOT_CONTENT`: ``source``, ``content_hash``,
``notices``). So a Tiled re-save (other XML, same fight) and a moved or renamed file keep
it, and anything that changes the replay changes it: a beat 0.1 s later, a wall, a colour.
Object ids are part of it: beats name actors by id, the plan and its exports print them,
and Tiled keeps them on a re-save.

Every field is in the text, defaults too: a previs whose defaults or model change may give a
level a new revision (a false "changed" is safe; a false "same" would not be). Revisions
compare versions of a level under one previs version, which the report's footer prints.

A take records both its level's ``level_hash`` (``Level.content_hash``, the sha256 of the
map's bytes and its external files) and its :func:`replay_revision` (this revision without
beat notes, the title and beat-marker spots): a take replays silently when either matches,
and with a warning naming where its run departs otherwise (:mod:`previs.sim.take`).

**The project path** is the level's path relative to its project folder (the folder of the
nearest ``*.tiled-project`` at or above the map, else the map's folder:
:func:`previs.safe_paths.find_project_root`), with ``/`` separators: the same whether
previs was called with ``levels/x.tmx``, ``./levels/x.tmx`` or an absolute path.

Pure: hashlib and json; :func:`project_path` lists folders above the map (no file is read).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..safe_paths import find_project_root
from .model import Level

LENGTH = 12
"""Hex digits shown: 48 bits, a 1-in-10^14 chance that two versions look alike."""

NOT_CONTENT = frozenset({"source", "content_hash", "notices"})
"""Level fields about the file, not the fight."""

_TAG = b"previs-revision/1\n"


_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {}
"""Field names per dataclass type, looked up once (a level has thousands of values)."""


def _canon(value):
    """``value`` as JSON-able data that two equal fights share exactly."""
    t = type(value)
    # The common exact types first (the same answers as the general tests below): the
    # finale's 11 600 values then cost ~5 ms instead of ~15.
    if t is float:
        return "f" + repr(value + 0.0)
    if t is str or t is int or t is bool or value is None:
        return value
    if t is tuple or t is list:
        return [("f" + repr(v + 0.0)) if type(v) is float else _canon(v) for v in value]  # points: (x, z)
    names = _FIELDS.get(t)
    if names is not None:
        return _canon_fields(value, names)
    if isinstance(value, Fraction):  # a frame rate: 24 as before rates were exact, "q24000/1001"
        return int(value) if value.denominator == 1 else f"q{value.numerator}/{value.denominator}"
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # repr is the shortest exact text of a float; + 0.0 makes -0.0 read as 0.0.
        return "f" + repr(float(value) + 0.0)
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return {"dtype": data.dtype.str, "shape": list(data.shape),
                "sha256": hashlib.sha256(data.tobytes()).hexdigest()}
    if dataclasses.is_dataclass(value):
        names = tuple((f.name, f.default if f.metadata.get("omit_default_from_revision") else _KEEP)
                      for f in dataclasses.fields(value))
        if not isinstance(value, type):
            _FIELDS[t] = names
        return _canon_fields(value, names)
    if isinstance(value, (tuple, list)):
        return [_canon(v) for v in value]
    if isinstance(value, dict):
        return [[_canon(k), _canon(v)] for k, v in sorted(value.items())]
    raise TypeError(f"no canonical form for {type(value).__name__}")


_KEEP = object()
"""Marks a field always written; any other value is the default a field added after
revision 1 (``SINCE_REVISION_1`` in :mod:`previs.level.model`) is left out at, so a level
that does not use it keeps the revision it had before the field existed."""


def _canon_fields(value, names) -> dict:
    out = {}
    for n, default in names:
        v = getattr(value, n)
        if default is not _KEEP and (v is default or v == default):
            continue
        out[n] = _canon(v)
    return out


def canonical_text(level: Level) -> str:
    """The text the revision hashes (one JSON line; useful to see what two levels differ in)."""
    doc = {f.name: _canon(getattr(level, f.name)) for f in dataclasses.fields(level) if f.name not in NOT_CONTENT}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def revision(level: Level) -> str:
    """The level's revision: :data:`LENGTH` lowercase hex digits."""
    return hashlib.sha256(_TAG + canonical_text(level).encode("utf-8")).hexdigest()[:LENGTH]


def project_path(source: str | os.PathLike) -> str:
    """The map's path relative to its project folder, ``/``-separated (e.g. ``corridor.tmx``
    for ``levels/corridor.tmx`` beside ``levels/previs.tiled-project``)."""
    real = Path(os.path.realpath(source))
    return real.relative_to(find_project_root(real)).as_posix()


REPLAY_NOT_CONTENT = {"settings": ("title",), "beats": ("note", "position")}
"""Fields a take's replay cannot depend on: the title, a beat's note and its marker's spot
(the beat's timing, actor, action and target are what play)."""


def replay_revision(level: Level) -> str:
    """The revision a take records (``level_revision`` in its header): :func:`revision`
    without :data:`REPLAY_NOT_CONTENT`, so a note edit, a retitle or a Tiled re-save keeps a
    take valid, and anything that can change what the take's ticks do changes it."""
    doc = json.loads(canonical_text(level))
    for key, fields in REPLAY_NOT_CONTENT.items():
        items = doc.get(key)
        for item in (items if isinstance(items, list) else [items]):
            if isinstance(item, dict):
                for f in fields:
                    item.pop(f, None)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(b"previs-replay-revision/1\n" + text.encode("utf-8")).hexdigest()[:LENGTH]
