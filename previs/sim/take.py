"""Take files: what a walker did, tick by tick, and how to replay it.

A take is plain text, so a crash loses at most the last unflushed line and a person can read
it::

    {"format": "previs-take/1", "level": "corridor.tmx", "level_hash": "…", "fps": 24, …}
    0 127 0 0 0 0
    1 127 0 -150 0 1
    …

Line 1 is a JSON header naming the level and its content hash. Every further line is one
tick: ``tick forward strafe turn look buttons`` as integers (units in
:mod:`previs.sim.walker`). Ticks count from 0 and a take always starts at frame 0 of the
fight with Henry at his start position, so tick ``k`` is frame ``k`` of the replay.

A take cut off mid-line (power loss) replays up to its last whole tick, with a warning.
A take recorded on a different version of its level is refused: the same commands on other
walls or other choreography would give a different track.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import TakeError
from ..level.model import Level
from .motion import Motion
from .script import performer_facing, performer_motion
from .track import CameraTrack
from .walker import CMD_LIMITS, TickCmd, start_state, walk_states

FORMAT = "previs-take/1"
FIELDS = ("forward", "strafe", "turn", "look", "buttons")
MAX_TICKS = 24 * 3600 * 4  # 4 hours at 24 fps; a bigger file is not a take


@dataclass(frozen=True)
class Take:
    """A parsed take: header fields and the commands, tick 0 first."""

    level: str
    level_hash: str
    fps: int
    cmds: tuple[TickCmd, ...]
    header: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    path: str = ""


def header_line(level: Level, extra: dict | None = None) -> str:
    """The JSON header line (with newline) for a take of ``level``."""
    h = {"format": FORMAT, "level": os.path.basename(level.source), "level_hash": level.content_hash,
         "fps": int(level.settings.fps)}
    if extra:
        h.update(extra)
    return json.dumps(h, sort_keys=False) + "\n"


def cmd_line(tick: int, cmd: TickCmd) -> str:
    """One tick's line (with newline)."""
    return " ".join(str(v) for v in (tick, *cmd.as_tuple())) + "\n"


class TakeWriter:
    """Appends ticks to a take file, flushing every tick (24 small writes a second), so a
    crash loses at most the tick being written. Use as a context manager."""

    def __init__(self, path: str | os.PathLike, level: Level, extra: dict | None = None):
        self.path = os.fspath(path)
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        self._fh = open(self.path, "x", encoding="utf-8")  # never overwrite another take
        self._fh.write(header_line(level, extra))
        self._fh.flush()
        self.ticks = 0

    def write(self, cmd: TickCmd) -> None:
        self._fh.write(cmd_line(self.ticks, cmd))
        self._fh.flush()
        self.ticks += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_take(path: str | os.PathLike, level: Level, cmds, extra: dict | None = None) -> None:
    """Write a whole take at once (tests, tools)."""
    with TakeWriter(path, level, extra) as w:
        for c in cmds:
            w.write(c)


def read_take(path: str | os.PathLike) -> Take:
    """Parse a take file. Raises :class:`TakeError` naming the file and line on bad input;
    a last line cut short is dropped with a warning (``Take.warnings``)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            raw = fh.read(64 * MAX_TICKS)
    except OSError as e:
        raise TakeError(f"{name}: cannot read the take ({e.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TakeError(f"{name}: not a take (not UTF-8 text); takes are written by 'previs walk'.") from None
    lines = text.split("\n")
    complete_last = text.endswith("\n")
    if not lines or not lines[0].strip():
        raise TakeError(f"{name}: empty; takes are written by 'previs walk'.")
    try:
        header = json.loads(lines[0])
    except ValueError:
        raise TakeError(f"{name}: line 1 is not a take header; takes are written by 'previs walk'.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TakeError(f"{name}: line 1 does not say format {FORMAT!r}; not a take this previs can read.")
    problems = []
    for k, typ in (("level", str), ("level_hash", str), ("fps", int)):
        if not isinstance(header.get(k), typ) or isinstance(header.get(k), bool):
            problems.append(f"{name}: header field {k!r} is missing or not a {typ.__name__}.")
    if problems:
        raise TakeError(problems)
    body = lines[1:]
    warnings = []
    if not complete_last and body and body[-1].strip():
        warnings.append(f"{name}: the last line is cut short (the recording stopped mid-write); "
                        f"replaying the {len(body) - 1} whole ticks before it.")
        body = body[:-1]
    cmds = []
    for i, line in enumerate(body):
        if not line.strip():
            continue
        lineno = i + 2
        parts = line.split()
        try:
            vals = [int(p) for p in parts]
        except ValueError:
            raise TakeError(f"{name}: line {lineno}: {line[:60]!r} is not six whole numbers "
                            "(tick forward strafe turn look buttons).") from None
        if len(vals) != 6:
            raise TakeError(f"{name}: line {lineno}: expected 6 numbers (tick forward strafe turn look "
                            f"buttons), found {len(vals)}.")
        if vals[0] != len(cmds):
            raise TakeError(f"{name}: line {lineno}: tick {vals[0]} where tick {len(cmds)} was expected; "
                            "the take is damaged.")
        for f, v in zip(FIELDS, vals[1:]):
            lim = CMD_LIMITS[f]
            if not (-lim <= v <= lim) or (f == "buttons" and v < 0):
                raise TakeError(f"{name}: line {lineno}: {f} = {v} is outside -{lim}..{lim}.")
        cmds.append(TickCmd(*vals[1:]))
        if len(cmds) > MAX_TICKS:
            raise TakeError(f"{name}: more than {MAX_TICKS} ticks (4 hours); not a take previs replays.")
    if not cmds:
        raise TakeError(f"{name}: holds no ticks; record at least one frame.")
    return Take(header["level"], header["level_hash"], header["fps"], tuple(cmds), header,
                tuple(warnings), name)


def check_take(take: Take, level: Level) -> None:
    """Refuse a take recorded on another version of ``level`` (or at another fps)."""
    name = take.path or "take"
    if take.level_hash != level.content_hash:
        raise TakeError(
            f"{name}: recorded on a different version of {take.level} (level hash "
            f"{take.level_hash[:12]}…, now {level.content_hash[:12]}…): the level has changed since. "
            "Re-record the take with 'previs walk', or check out the level as it was."
        )
    if take.fps != level.settings.fps:
        raise TakeError(f"{name}: recorded at {take.fps} fps but {level.source} runs at "
                        f"{level.settings.fps} fps; re-record the take.")


def replay_take(level: Level, take: Take) -> Motion:
    """The fight as walked in ``take``: Henry from the commands, everyone else scripted.

    The replay is as long as the take (one frame per tick)."""
    check_take(take, level)
    n = len(take.cmds)
    perf_xz, perf_down, walk_yaw, moving = performer_motion(level, n)
    st = walk_states(level, list(take.cmds), start_state(level))
    henry_xz = st[:, 0:2]
    # Standing performers watch the walked Henry, not the scripted one.
    facing = performer_facing(level, n, walk_yaw, moving, perf_xz, henry_xz)
    eye = level.settings.eye_height
    pos = np.column_stack([st[:, 0], np.full(n, eye), st[:, 1]])
    track = CameraTrack(fps=float(level.settings.fps), pos=pos, yaw=st[:, 2], pitch=st[:, 3],
                        roll=np.zeros(n), hfov=np.full(n, float(level.settings.hfov)))
    return Motion(level=level, track=track, henry_xz=henry_xz, perf_xz=perf_xz,
                  perf_facing=facing, perf_down=perf_down, source=take.path or "take")
