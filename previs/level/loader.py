"""``load_level(path) -> Level``: the one entry point from a Tiled map to the level model.

A level is loaded whole or refused whole: :func:`load_level` returns a validated
:class:`~previs.level.model.Level` (with non-fatal ``notices``) or raises
:class:`~previs.errors.LevelError` whose ``problems`` list every problem found, each naming
the file, the object's id, name and type, and the fix.

Pipeline: :mod:`.safety` (bytes, XML, project boundary) -> :mod:`.tmx` (templates,
tilesets, tile data, pytmx) -> :mod:`.build` (contract checks, metres, walls, duration).
No pygame or OpenGL is imported on the way (see :func:`previs.level.tmx._import_pytmx`).
"""

from __future__ import annotations

import gc
import os

from .build import build_level
from .diagnostics import Problems
from .model import Level
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
        return build_level(raw, problems)
    finally:
        if was_enabled:
            gc.enable()
