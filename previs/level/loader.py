"""``load_level(path) -> Level``: the one entry point from a Tiled map to the level model.

A level is loaded whole or refused whole: :func:`load_level` returns a validated
:class:`~previs.level.model.Level` (with non-fatal ``notices``) or raises
:class:`~previs.errors.LevelError` whose ``problems`` list every problem found, each naming
the file, the object's id, name and type, and the fix.

Pipeline: :mod:`.safety` (bytes, XML, project boundary) -> :mod:`.tmx` (templates,
tilesets, tile data, pytmx) -> :mod:`.build` (contract checks, metres, walls, duration).
No pygame or OpenGL is imported on the way (see :func:`previs.level.pytmx_bridge._import_pytmx`).

Where the contract is silent, the loader chooses (what a stunt coordinator would expect):

- Object kinds match case-insensitively after trimming (``Henry`` is henry). A tile object
  with no type takes its tile's class/type and custom properties (as Tiled shows them).
- Actors and beats may be points, ellipses, rectangles or tile objects (the centre of the
  footprint, rotation applied); polylines/polygons are refused as actors. Zones: rectangle
  or polygon only (an ellipse zone is refused: draw a polygon). Object-layer and group
  offsets are applied (what Tiled shows is what plays); a walls layer must not be offset.
- Hidden layers and objects count: hiding is an editing aid in Tiled, not a deletion.
- Numbers typed into string properties are accepted; NaN/inf never. Object references
  must be Tiled object properties (or ints); 0 means unset. ``holds`` accepts ``,`` or
  ``;`` between items and ``=`` or ``:`` inside them. Action words are lower-cased.
- Infinite and non-orthogonal maps are refused, with how to convert them in Tiled.
- Several walls layers merge (highest block wins); other tile layers are art, and tiles
  with a ``color`` property tint the floor (``Level.floor_color``; None if none do).
- Default ``title`` is the map's file name without ``.tmx``. A performer may not share
  Henry's name (reports would be ambiguous). A beat at or after an explicit ``duration``
  is a notice; a beat's target may not be its own actor.
- Objects without ids (Tiled before 0.11) are numbered from ``nextobjectid`` with a notice.
- Limits: :mod:`previs.level.limits`.
"""

from __future__ import annotations

import gc
import os

from .build import build_level
from .diagnostics import Problems
from .model import Level
from .replay_budget import zone_budget_problem
from .tmx import read_map

__all__ = ["load_level"]


def load_level(path: str | os.PathLike) -> Level:
    """Load and validate the Tiled map at ``path``.

    ``Level.source`` is ``path`` as given; messages name the file the same way.
    Raises :class:`previs.errors.LevelError` listing every problem.
    """
    problems = Problems(os.fspath(path))
    # Parsing builds ~10 objects per XML element and frees almost none of them: cyclic GC
    # passes over that growing heap are pure cost (~40% of loading a 20 000-object map).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        raw = read_map(path, problems)
        level = build_level(raw, problems)
        too_costly = zone_budget_problem(level, level.settings.frames)
        if too_costly:
            raise problems.refuse(too_costly)
        return level
    finally:
        if was_enabled:
            gc.enable()
