"""The map property ``lens`` (which :mod:`previs.lens` model the POV camera has), checked,
and the ``--lens NAME`` override every command applies to a loaded level.

A misspelt lens is refused, not warned: the lens changes every picture and every in-view
answer, so a fight must not quietly fall back to the pinhole. Wide models
(``equidistant``, ``actioncam``) take ``hfov`` up to :data:`previs.lens.MAX_WIDE_HFOV`
(150°); ``rectilinear`` keeps its range below 180° (checked with ``hfov`` itself).
"""

from __future__ import annotations

import dataclasses

from ..errors import PrevisError
from ..lens import LENS_MODELS, MAX_WIDE_HFOV
from .model import Level
from .props import Props
from .schema import MAP
from .slips import suggest


def lens_problem(name: str, hfov: float | None) -> tuple[str, str] | None:
    """``(what, fix)`` when lens ``name`` cannot be used at ``hfov`` degrees (None: fine;
    ``hfov`` None when it had its own problem)."""
    if name not in LENS_MODELS:
        close = suggest(name.lower(), LENS_MODELS, 0.6)
        hint = f"did you mean '{close}'? " if close else ""
        return f"lens = {name!r} is not a lens model", f"{hint}use one of {', '.join(LENS_MODELS)}"
    if name != "rectilinear" and hfov is not None and hfov > MAX_WIDE_HFOV:
        return (f"hfov = {hfov:g} degrees is too wide for the {name} lens",
                f"a wide lens takes at most {MAX_WIDE_HFOV:g} degrees: lower hfov, or use lens = rectilinear")
    return None


def read_lens(p: Props, hfov: float) -> str:
    """The map's ``lens`` (default ``rectilinear``); an unknown name, or a wide model with
    ``hfov`` (degrees, already checked) above 150, is an error on ``p``."""
    name = p.string("lens", MAP["lens"].default)
    bad = lens_problem(name, hfov)
    if bad is not None:
        p.error(*bad)
    return name


def with_lens(level: Level, name: str) -> Level:
    """``level`` with its ``settings.lens`` replaced by ``name`` (the ``--lens`` override);
    raises :class:`~previs.errors.PrevisError` naming the list of models for an unknown
    name, or a field too wide for a wide model."""
    bad = lens_problem(name, level.settings.hfov)
    if bad is not None:
        what, fix = bad
        raise PrevisError(f"--lens {name}: {level.source}: {what}; {fix}.")
    return dataclasses.replace(level, settings=dataclasses.replace(level.settings, lens=name))
