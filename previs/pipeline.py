"""The main job as plain functions: level (+ take) -> motion -> shot plan -> files.

Pure (no pygame/OpenGL): ``previs replay``, ``previs test`` and the benchmarks all call
these, so the path a CI run checks is the path a user runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from .level.model import Level
from .sim.motion import Motion
from .sim.script import simulate
from .sim.take import read_take, replay_take


def load(level_path: str | os.PathLike, lens: str | None = None) -> Level:
    """Load and validate a level (raises :class:`previs.errors.LevelError`); ``lens`` (a
    ``--lens`` override, None: the level's own) replaces ``settings.lens``
    (:func:`previs.level.lens_setting.with_lens`: an unknown name or a field too wide for a
    wide model raises :class:`previs.errors.PrevisError`)."""
    from .level.lens_setting import with_lens
    from .level.loader import load_level

    level = load_level(level_path)
    return level if lens is None else with_lens(level, lens)


def replay(level: Level, take_path: str | os.PathLike | None = None, warn=None, strict: bool = False) -> Motion:
    """The scripted fight, or the fight as walked in a take (refused if it is a take of
    another level; after a real change to its level it replays with a warning, or with
    ``strict`` is refused: :func:`previs.sim.take.check_take`).

    ``warn`` is called with each non-fatal warning (e.g. a take cut short by a crash)."""
    if take_path is None:
        return simulate(level)
    take = read_take(take_path)
    for w in take.warnings:
        if warn is not None:
            warn(w)
    return replay_take(level, take, warn=warn, strict=strict)


def replay_edit(level: Level, edit_path: str | os.PathLike, warn=None, strict: bool = False, **overrides):
    """An edit (``LEVEL.edit.toml``) assembled on ``level``: ``(assembly, plan)``. Shots
    are the script's, cut at its turn cuts at the plan's thresholds (the level's, with
    ``overrides``); the plan is the assembled track's, with the match of every cut
    (``plan.edit``, :mod:`previs.plan.cut_match`). Each take is checked as ``replay`` checks
    one (``warn``, ``strict``)."""
    import dataclasses

    from .plan.cut_match import MatchSettings, edit_report
    from .plan.shots import shot_bounds
    from .sim.edit import assemble, read_edit

    edit = read_edit(edit_path)
    script = simulate(level)
    script_plan = plan(script, **overrides)
    bounds = shot_bounds([c.frame for c in script_plan.cuts], script.frames)
    assembly = assemble(level, edit, bounds, script, warn=warn, strict=strict)
    for p in assembly.pieces:
        for w in (p.take.warnings if p.take is not None else ()):
            if warn is not None:
                warn(w)
    assembled = plan(assembly.motion, **overrides)
    report = edit_report(level, assembly, MatchSettings.from_level(level.settings, assembled.settings.turn_cut_speed))
    return assembly, dataclasses.replace(assembled, edit=report)


def plan(motion: Motion, **overrides):
    """The shot plan of a replay; ``overrides`` replace the level's plan settings
    (turn_cut_speed, turn_cut_angle, max_take, …)."""
    from .plan.shotplan import PlanSettings, build_plan

    lv = motion.level
    settings = PlanSettings.from_level(lv.settings, **overrides)
    return build_plan(motion.track, settings=settings, motion=motion, title=lv.settings.title)


def write(stage_dir: str | os.PathLike, plan_, forked=None, warn=None) -> list[Path]:
    """Every registered export of the plan (:data:`previs.export.EXPORTS`: track.csv,
    shotplan.json/.otio/.edl, camera.usda/.chan); ``forked`` and ``warn`` as in
    :func:`previs.export.write_outputs`."""
    from .export import write_outputs

    return write_outputs(Path(stage_dir), plan_, forked=forked, warn=warn)
