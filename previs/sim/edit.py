"""The edit: which take fills each shot, and the track assembled from those pieces.

An edit is a small TOML file beside the level, ``LEVEL.edit.toml`` (``corridor.edit.toml``
for ``corridor.tmx``), like the level's ``LEVEL.expect.toml``: the film's *edit* is the
cut assembled from the circled takes, and this file is that decision, written by hand or
by the window when the director circles a take (the EDL is what previs *exports* from it)::

    format = "previs-edit/1"

    [[shot]]
    shot = 2
    take = "takes/corridor-shot002-take03.take"

    [[shot]]
    shot = 4
    take = "script"

Shots are the script's shots: the scripted fight's turn cuts at the level's thresholds
split ``[0, frames)`` into shots 1, 2, ... (:func:`previs.plan.shots.shot_bounds`). A
shot not listed (or listed as ``"script"``) is filled by the scripted fight. A take path
is relative to the edit file's folder. A take fills shot ``k`` (frames ``[a, b)``, ``b``
exclusive) only if it covers those frames: it starts at or before ``a`` and runs to ``b``
or later (:attr:`previs.sim.take.Take.start_frame`, ``end_frame``).

:func:`assemble` cuts at each turn cut of the script: frames ``[a, b)`` of the assembled
:class:`~previs.sim.motion.Motion` are the filling piece's frames ``[a, b)``, every array
copied as it is (camera, Henry, performers), so the assembled track equals each piece on
its frames byte for byte.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import TakeError
from ..level.model import Level
from .motion import Motion
from .take import Take, read_take, replay_take
from .track import CameraTrack

FORMAT = "previs-edit/1"
SCRIPT = "script"
SUFFIX = ".edit.toml"
MAX_EDIT_BYTES = 1024 * 1024
"""An edit names one take per shot (the finale has 63 shots: ~5 KB); 1 MB is plenty."""


@dataclass(frozen=True)
class EditEntry:
    """Shot ``shot`` (1-based) is filled by ``take`` (a path as written, or ``"script"``)."""

    shot: int
    take: str


@dataclass(frozen=True)
class Edit:
    """A parsed edit file: ``entries`` in shot order, ``path`` the file (its folder is
    where take paths start)."""

    entries: tuple[EditEntry, ...]
    path: str = ""

    def take_for(self, shot: int) -> str:
        """The take path (as written) filling ``shot``, or ``"script"``."""
        for e in self.entries:
            if e.shot == shot:
                return e.take
        return SCRIPT

    def resolve(self, take: str) -> str:
        """A take path as written, relative to the edit's folder."""
        if take == SCRIPT or os.path.isabs(take):
            return take
        return os.path.join(os.path.dirname(self.path) or ".", take)


@dataclass(frozen=True, eq=False)
class Piece:
    """Frames ``[start, end)`` of the edit, taken from ``motion`` (a full replay of its
    source: the script, or a take with the script before its ``start_frame``).
    ``own_start``/``own_end`` are the frames the source itself made (the take's ticks; the
    whole fight for the script): speeds at the cut are measured on those only."""

    shot: int
    start: int
    end: int
    source: str  # "script" or the take path as the edit writes it
    motion: Motion
    take: Take | None = None
    own_start: int = 0
    own_end: int = 0

    @property
    def name(self) -> str:
        """What editors call the source: ``"script"`` or the take file's stem."""
        return SCRIPT if self.take is None else Path(self.source).stem


@dataclass(frozen=True, eq=False)
class Assembly:
    """The assembled fight and the pieces it was cut from, in order."""

    motion: Motion
    pieces: tuple[Piece, ...]
    edit: Edit


def edit_path_for(level_source: str | os.PathLike) -> Path:
    """``LEVEL.edit.toml`` beside the level (``levels/corridor.edit.toml``)."""
    p = Path(level_source)
    return p.with_name(p.stem + SUFFIX)


def read_edit(path: str | os.PathLike) -> Edit:
    """Parse an edit file; every problem named with the file and the fix (TakeError)."""
    name = os.fspath(path)
    from ..safe_paths import Unreadable, read_bounded

    try:  # a regular file only (a FIFO would hang), at most MAX_EDIT_BYTES
        data = read_bounded(name, MAX_EDIT_BYTES)
    except Unreadable as e:
        if e.kind == "large":
            raise TakeError(f"{name}: larger than {MAX_EDIT_BYTES // 1024} KB; an edit names one take per shot.") from None
        raise TakeError(f"{name}: cannot read the edit: it {e.reason}.") from None
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise TakeError(f"{name}: not a TOML edit ({e}); see docs/walk.md, 'The edit'.") from None
    problems = []
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        problems.append(f"{name}: format = {fmt!r}; this previs reads {FORMAT!r}.")
    for k in sorted(set(doc) - {"format", "level", "shot"}):
        problems.append(f"{name}: unknown key {k!r}; an edit has 'format', 'level' and [[shot]] tables.")
    shots = doc.get("shot", [])
    if not isinstance(shots, list):
        problems.append(f"{name}: 'shot' must be [[shot]] tables (shot = N, take = \"FILE\" or \"script\").")
        shots = []
    entries: dict[int, EditEntry] = {}
    for i, t in enumerate(shots, start=1):
        where = f"{name}: [[shot]] #{i}"
        if not isinstance(t, dict):
            problems.append(f"{where} is not a table.")
            continue
        extra = sorted(set(t) - {"shot", "take", "note"})
        if extra:
            problems.append(f"{where}: unknown key {extra[0]!r}; a shot has 'shot', 'take' and an optional 'note'.")
        n, take = t.get("shot"), t.get("take")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problems.append(f"{where}: 'shot' must be a shot number (1 is the first shot).")
            continue
        if not isinstance(take, str) or not take:
            problems.append(f"{where}: 'take' must be a take file (relative to the edit) or \"script\".")
            continue
        if n in entries:
            problems.append(f"{where}: shot {n} is filled twice; keep one [[shot]] per shot.")
            continue
        entries[n] = EditEntry(n, take)
    if problems:
        raise TakeError(problems)
    return Edit(tuple(entries[k] for k in sorted(entries)), name)


def edit_text(entries, level_name: str = "") -> str:
    """The TOML text of an edit (what :func:`write_edit` writes; strings as JSON strings,
    which TOML basic strings are a superset of for the characters previs writes)."""
    lines = [f'format = "{FORMAT}"']
    if level_name:
        lines.append(f"level = {json.dumps(level_name, ensure_ascii=False)}")
    for e in sorted(entries, key=lambda e: e.shot):
        lines += ["", "[[shot]]", f"shot = {int(e.shot)}", f"take = {json.dumps(e.take, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"


def write_edit(path: str | os.PathLike, entries, level_name: str = "") -> None:
    """Write an edit atomically (the window does when the director circles a take)."""
    from ..fsutil import atomic_write_text

    atomic_write_text(path, edit_text(entries, level_name))


def assemble(level: Level, edit: Edit, bounds, script: Motion, warn=None, strict: bool = False) -> Assembly:
    """Cut the pieces together at the script's turn cuts: ``bounds`` is the script's shots,
    ``[(a, b), ...]`` covering ``[0, frames)`` (:func:`previs.plan.shots.shot_bounds` of
    its cuts; ``script`` its Motion). Shot ``k`` is filled by its take in ``edit`` or the
    script. Raises :class:`TakeError` naming the edit, shot and take when a take cannot
    fill its shot. Each take is checked against the level as ``previs replay --take``
    checks it: a take of an earlier version replays with a warning to ``warn``, or with
    ``strict`` is refused (:func:`previs.sim.take.check_take`)."""
    bounds = [(int(a), int(b)) for a, b in bounds]
    n = bounds[-1][1]
    name = edit.path or "edit"
    problems = [f"{name}: shot {e.shot} is not a shot of {os.path.basename(level.source)}: its script has "
                f"{len(bounds)} shot{'s' * (len(bounds) != 1)}; renumber the [[shot]] or remove it."
                for e in edit.entries if e.shot > len(bounds)]
    if problems:
        raise TakeError(problems)
    pieces = []
    replays: dict[str, tuple[Take, Motion]] = {}
    for k, (a, b) in enumerate(bounds, start=1):
        src = edit.take_for(k)
        if src == SCRIPT:
            pieces.append(Piece(k, a, b, SCRIPT, script, None, 0, n))
            continue
        path = edit.resolve(src)
        if path not in replays:
            take = read_take(path)
            replays[path] = (take, replay_take(level, take, warn=warn, strict=strict, script=script))
        take, motion = replays[path]
        if take.start_frame > a or take.end_frame < b:
            problems.append(
                f"{name}: shot {k} (frames {a}-{b}) is filled by {src}, which covers frames "
                f"{take.start_frame}-{take.end_frame}; record a take from the cut at frame {a} to frame {b} "
                f"or later ('previs walk', key C), or fill shot {k} with \"script\".")
            continue
        pieces.append(Piece(k, a, b, src, motion, take, take.start_frame, take.end_frame))
    if problems:
        raise TakeError(problems)
    return Assembly(splice(level, pieces, n, source=f"edit {name}"), tuple(pieces), edit)


def splice(level: Level, pieces, frames: int, source: str = "edit") -> Motion:
    """One Motion of ``frames`` frames: each piece's arrays copied on its ``[start, end)``."""

    def cat(get):
        return np.concatenate([get(p.motion)[p.start:p.end] for p in pieces])

    track = CameraTrack(fps=float(level.settings.fps), pos=cat(lambda m: m.track.pos), yaw=cat(lambda m: m.track.yaw),
                        pitch=cat(lambda m: m.track.pitch), roll=cat(lambda m: m.track.roll),
                        hfov=cat(lambda m: m.track.hfov))
    assert len(track) == frames, (len(track), frames)
    return Motion(level=level, track=track, henry_xz=cat(lambda m: m.henry_xz), perf_xz=cat(lambda m: m.perf_xz),
                  perf_facing=cat(lambda m: m.perf_facing), perf_down=cat(lambda m: m.perf_down), source=source)
