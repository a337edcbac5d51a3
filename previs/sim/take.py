"""Take files: what a walker did, tick by tick, and how to replay it.

A take is plain text, written one tick per line as it happens (and forced to disk at least
once a second), so a crash of previs loses at most the tick being written, power loss at most
about a second, and a person can read it::

    {"format": "previs-take/1", "level": "corridor.tmx", "level_hash": "…", "fps": 24, …}
    0 127 0 0 0 0
    1 127 0 -150 0 1
    …

Line 1 is a JSON header naming the level and its content hash. Every further line is one
tick: ``tick forward strafe turn look buttons`` as integers (units in
:mod:`previs.sim.walker`). Ticks count from 0. A take of the whole fight starts at frame 0
with Henry at his start position, so tick ``k`` is frame ``k`` of the replay. A take of
one shot (issue 19, :mod:`previs.sim.shot_take`) says where it starts in optional header
fields: ``start_frame`` (tick ``k`` is frame ``start_frame + k``) and ``start_state``
(Henry's ``[x, z, yaw, pitch]`` before tick 0, metres and degrees), plus ``shot``,
``take_number``, ``operator``, ``notes`` and ``circled``. A take without them reads as
before (start 0, Henry at his start).

A take cut off mid-line (power loss) replays up to its last whole tick, with a warning.

**Takes outlive harmless edits.** The header also records ``level_revision``, the level's
replay revision (:func:`previs.level.revision.replay_revision`: the fight without notes,
title and beat-marker spots), and each tick line may end with Henry's feet after the tick,
``x z`` in whole millimetres (written by :class:`TakeWriter`, which walks the ticks on the
level as it records them). On replay (:func:`check_take`):

- same bytes (``level_hash``) or same replay revision: the take replays silently (a note
  edit, a re-save in Tiled);
- another level (another file name and another revision): refused, saying so;
- the same level after a real change: the ticks still replay (they are input, as a demo
  plays on a changed map) with a warning naming the first frame where Henry's walk departs
  from the recorded one by more than :data:`DEPART_MM`; ``strict`` refuses instead.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..errors import TakeError
from ..level.limits import MAX_ACTOR_FRAMES, MAX_DURATION, MAX_FPS
from ..level.model import Level
from ..level.replay_budget import zone_budget_problem
from ..timebase import TimeBase, as_rate, rate_label, rate_text, time_base_of
from .head_motion import camera_on_head
from .motion import Motion
from .script import performer_facing, performer_motion
from .track import CameraTrack
from ..safe_paths import Unreadable, open_regular
from .walker import CMD_LIMITS, TickCmd, WalkState, start_state, step, walk_states

_INT = re.compile(r"[+-]?[0-9]{1,12}")

FORMAT = "previs-take/1"
FIELDS = ("forward", "strafe", "turn", "look", "buttons")
MAX_TICKS = TimeBase(MAX_FPS).frames_in(MAX_DURATION)
"""Most ticks replayed from any take. A take replays at most ``MAX_DURATION`` (one hour) at
its fps, like a scripted replay; a longer recording is not lost: its first hour replays,
with a warning (:func:`max_ticks`)."""
MAX_HEADER_BYTES = 64 * 1024
"""Line 1 (the JSON header; previs writes ~200 bytes)."""
MAX_LINE_BYTES = 256
"""One tick line (the longest possible is ~40 bytes)."""
DEPART_MM = 2
"""Millimetres Henry's replayed feet may differ from the recorded ones before the run is
said to depart (positions are recorded rounded to 1 mm)."""
MAX_HEADER_DEPTH = 32
"""Nesting of ``[``/``{`` in the header, checked before JSON parsing (which recurses)."""
FSYNC_SECONDS = 1.0
"""The writer forces ticks to disk at least this often, so power loss costs at most ~1 s."""


@dataclass(frozen=True)
class Take:
    """A parsed take: header fields and the commands, tick 0 first."""

    level: str
    level_hash: str
    fps: int | str  # as in the header: 24, or "24000/1001"
    cmds: tuple[TickCmd, ...]
    header: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    path: str = ""
    positions: tuple[tuple[int, int], ...] | None = None  # Henry's feet per tick, mm, as recorded

    @property
    def start_frame(self) -> int:
        """The frame tick 0 shows (0 for a take of the whole fight)."""
        return int(self.header.get("start_frame", 0))

    @property
    def end_frame(self) -> int:
        """One past the last frame the take covers: ``start_frame + len(cmds)``."""
        return self.start_frame + len(self.cmds)

    def start_walk_state(self, level: Level):
        """Henry before tick 0: the header's ``start_state``, else his start on ``level``."""
        st = self.header.get("start_state")
        return WalkState(*(float(v) for v in st)) if st is not None else start_state(level)


def _rate_field(fps):
    """A take header's ``fps``: a whole rate as a number (``24``, as takes always had it), an
    NTSC one as exact text (``"24000/1001"``)."""
    rate = as_rate(fps)
    return rate.numerator if rate.denominator == 1 else rate_text(rate)


def _read_rate(value):
    """The exact rate of a header's ``fps`` (int or ``"N/D"`` text), or None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str) and re.fullmatch(r"[1-9]\d{0,6}/[1-9]\d{0,6}", value):
        return Fraction(value)
    return None


def header_line(level: Level, extra: dict | None = None) -> str:
    """The JSON header line (with newline) for a take of ``level``."""
    from ..level.revision import replay_revision

    h = {"format": FORMAT, "level": os.path.basename(level.source), "level_hash": level.content_hash,
         "level_revision": replay_revision(level), "fps": _rate_field(level.settings.fps)}
    if extra:
        h.update(extra)
    return json.dumps(h, sort_keys=False) + "\n"


def cmd_line(tick: int, cmd: TickCmd, xz: tuple[float, float] | None = None) -> str:
    """One tick's line (with newline); ``xz``: Henry's feet after it (metres), written in mm."""
    mm = () if xz is None else (int(round(xz[0] * 1000.0)), int(round(xz[1] * 1000.0)))
    return " ".join(str(v) for v in (tick, *cmd.as_tuple(), *mm)) + "\n"


class TakeWriter:
    """Appends ticks to a take file, one unbuffered ``write`` per tick (what a crash of
    previs loses is at most the tick being written) and an ``fsync`` every
    :data:`FSYNC_SECONDS` of fight time, counted in ticks (what power loss loses: the
    window records one tick per frame in real time, so that is about a second of wall
    time, and the simulation still never reads a clock). Use as a context manager.

    A failed write (disk full, device gone) closes the file and raises
    :class:`~previs.errors.TakeError`: the ticks already on disk stay a readable take (a
    partly written last line is dropped by :func:`read_take` with a warning)."""

    def __init__(self, path: str | os.PathLike, level: Level, extra: dict | None = None):
        self.path = os.fspath(path)
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        # "x": never overwrite another take (FileExistsError tells the caller to pick a name)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        self.ticks = 0
        self._sync_every = max(1, time_base_of(level.settings).frames_in(FSYNC_SECONDS))
        self._level = level
        st = (extra or {}).get("start_state")  # a take of one shot starts where its header says
        self._state = WalkState(*(float(v) for v in st)) if st is not None else start_state(level)
        self._write(header_line(level, extra).encode("utf-8"))

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def _write(self, data: bytes, sync: bool = False) -> None:
        if self._fd < 0:
            raise TakeError(f"{self.path}: the take is closed; start a new one.")
        try:
            view = memoryview(data)
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
            if sync:
                os.fsync(self._fd)
        except OSError as e:
            self._abort()
            why = "the disk is full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
            err = TakeError(f"{self.path}: recording stopped after {self.ticks} ticks ({why}); "
                            f"the ticks recorded so far are kept and replay.")
            err.reason = why  # for callers that phrase their own message
            raise err from None

    def _abort(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def write(self, cmd: TickCmd) -> None:
        self._state = step(self._level, self._state, cmd)
        xz = (self._state.x, self._state.z)
        self._write(cmd_line(self.ticks, cmd, xz).encode("ascii"), sync=(self.ticks + 1) % self._sync_every == 0)
        self.ticks += 1

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            os.fsync(self._fd)
        except OSError:
            pass  # what write() put there is in the page cache; fsync cannot lose it
        finally:
            self._abort()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_take(path: str | os.PathLike, level: Level, cmds, extra: dict | None = None) -> None:
    """Write a whole take at once (tests, tools)."""
    with TakeWriter(path, level, extra) as w:
        for c in cmds:
            w.write(c)


def _too_deep(text: str, limit: int) -> bool:
    """Whether ``[``/``{`` nest deeper than ``limit`` (over-counts inside strings: fine)."""
    depth = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _header(name: str, line: bytes) -> dict:
    if not line.strip():
        raise TakeError(f"{name}: empty; takes are written by 'previs walk'.")
    if len(line) > MAX_HEADER_BYTES:
        raise TakeError(f"{name}: line 1 is longer than {MAX_HEADER_BYTES} bytes, not a take header; "
                        "takes are written by 'previs walk'.")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise TakeError(f"{name}: not a take (not UTF-8 text); takes are written by 'previs walk'.") from None
    if _too_deep(text, MAX_HEADER_DEPTH):
        raise TakeError(f"{name}: line 1 is not a take header (nested too deep); takes are written by 'previs walk'.")
    try:
        header = json.loads(text)
    except (ValueError, RecursionError):
        raise TakeError(f"{name}: line 1 is not a take header; takes are written by 'previs walk'.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TakeError(f"{name}: line 1 does not say format {FORMAT!r}; not a take this previs can read.")
    problems = []
    for k, typ in (("level", str), ("level_hash", str)):
        if not isinstance(header.get(k), typ) or isinstance(header.get(k), bool):
            problems.append(f"{name}: header field {k!r} is missing or not a {typ.__name__}.")
    if _read_rate(header.get("fps")) is None:
        problems.append(f"{name}: header field 'fps' is missing or not an int (or exact text like \"24000/1001\").")
    if not problems and not 1 <= _read_rate(header["fps"]) <= MAX_FPS:
        problems.append(f"{name}: header field 'fps' = {header['fps']} is not a frame rate from 1 to {MAX_FPS}.")
    problems += _shot_field_problems(name, header)
    if problems:
        raise TakeError(problems)
    return header


SHOT_FIELDS = {"start_frame": int, "start_state": list, "shot": int, "take_number": int,
               "operator": str, "notes": str, "circled": bool}
"""Optional header fields of a take of one shot (issue 19), with their JSON types."""


def _shot_field_problems(name: str, header: dict) -> list[str]:
    """Problems with the optional shot fields (absent is fine: a take of the whole fight)."""
    out = []
    for k, typ in SHOT_FIELDS.items():
        if k not in header:
            continue
        v = header[k]
        if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
            word = {bool: "true or false", int: "a whole number", list: "a list", str: "a string"}[typ]
            out.append(f"{name}: header field {k!r} is not {word}.")
        elif typ is int and not 0 <= v <= MAX_TICKS:
            out.append(f"{name}: header field {k!r} = {v} is not a whole number from 0 to {MAX_TICKS}.")
        elif k == "start_state" and not (len(v) == 4 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in v)):
            out.append(f"{name}: header field 'start_state' is not [x, z, yaw, pitch] (four finite numbers).")
    return out


def read_take(path: str | os.PathLike) -> Take:
    """Parse a take file. Raises :class:`TakeError` naming the file and line on bad input;
    a last line cut short is dropped with a warning (``Take.warnings``), and a take longer
    than :data:`MAX_TICKS` replays its first ``MAX_TICKS`` ticks, with a warning.

    The file is read line by line with every line's length bounded, so no file (huge,
    binary, one endless line, a FIFO) can exhaust memory."""
    name = os.fspath(path)
    warnings: list[str] = []
    cmds: list[TickCmd] = []
    xzs: list[tuple[int, int] | None] = []
    try:
        fh = open_regular(name)  # a FIFO or device would block or never end
    except Unreadable as e:
        raise TakeError(f"{name}: " + {"folder": "is a folder; give the .take file inside it.",
                                       "special": "not a regular file; takes are written by 'previs walk'."}.get(
                                           e.kind, f"cannot read the take ({e.reason}).")) from None
    try:
        with fh:
            header = _header(name, fh.readline(MAX_HEADER_BYTES + 1))
            limit = max_ticks(header["fps"])
            lineno = 1
            while True:
                line = fh.readline(MAX_LINE_BYTES + 1)
                if not line:
                    break
                lineno += 1
                if len(line) > MAX_LINE_BYTES:
                    raise TakeError(f"{name}: line {lineno} is longer than {MAX_LINE_BYTES} bytes; "
                                    "not a tick (tick forward strafe turn look buttons).")
                if not line.endswith(b"\n"):
                    if line.strip():
                        warnings.append(f"{name}: the last line is cut short (the recording stopped "
                                        f"mid-write); replaying the {len(cmds)} whole ticks before it.")
                    break
                if not line.strip():
                    continue
                if len(cmds) == limit:
                    warnings.append(f"{name}: longer than {limit} ticks ({TimeBase(header['fps']).time_of(limit) / 60:g} minutes "
                                    f"at {header['fps']} fps, the longest replay); replaying the first {limit}.")
                    break
                cmd, xz = _tick(name, lineno, line, len(cmds))
                cmds.append(cmd)
                xzs.append(xz)
    except OSError as e:
        raise TakeError(f"{name}: cannot read the take ({e.strerror or e}).") from None
    if not cmds:
        raise TakeError(f"{name}: holds no ticks; record at least one frame.")
    positions = tuple(xzs) if xzs and all(p is not None for p in xzs) else None
    return Take(header["level"], header["level_hash"], header["fps"], tuple(cmds), header,
                tuple(warnings), name, positions)


def max_ticks(fps: int) -> int:
    """Ticks a take at ``fps`` may replay: ``MAX_DURATION`` seconds' worth (at most
    :data:`MAX_TICKS`; tests may lower that)."""
    return min(MAX_TICKS, TimeBase(fps).frames_in(MAX_DURATION))


def _tick(name: str, lineno: int, raw: bytes, expected: int) -> tuple[TickCmd, tuple[int, int] | None]:
    """One tick line -> its command and the recorded (x, z) in mm (None if not recorded),
    or a TakeError naming the line."""
    line = raw.decode("ascii", "replace")
    parts = line.split(maxsplit=8)
    try:
        vals = [int(p) for p in parts] if all(_INT.fullmatch(p) for p in parts) else None
    except ValueError:
        vals = None
    if vals is None:
        raise TakeError(f"{name}: line {lineno}: {line.strip()[:60]!r} is not six whole numbers "
                        "(tick forward strafe turn look buttons).")
    if len(vals) not in (6, 8):
        raise TakeError(f"{name}: line {lineno}: expected 6 numbers (tick forward strafe turn look "
                        f"buttons, optionally then Henry's x z in mm), found "
                        f"{len(parts) if len(parts) < 9 else 'more'}.")
    xz = (vals[6], vals[7]) if len(vals) == 8 else None
    vals = vals[:6]
    if vals[0] != expected:
        raise TakeError(f"{name}: line {lineno}: tick {vals[0]} where tick {expected} was expected; "
                        "the take is damaged.")
    for f, v in zip(FIELDS, vals[1:]):
        lim = CMD_LIMITS[f]
        if not (-lim <= v <= lim) or (f == "buttons" and v < 0):
            raise TakeError(f"{name}: line {lineno}: {f} = {v} is outside "
                            f"{'0' if f == 'buttons' else -lim}..{lim}.")
    return TickCmd(*vals[1:]), xz


def check_take(take: Take, level: Level, strict: bool = False) -> str | None:
    """Refuse a take of another level (or at another fps). Returns None when the take was
    recorded on this version of the level (same bytes, or the same replay revision: a note
    edit, a re-save), else the first part of the warning its replay gets (the level changed
    since); ``strict`` refuses that instead."""
    from ..level.revision import replay_revision

    name = take.path or "take"
    changed = None
    if take.level_hash != level.content_hash:
        recorded = take.header.get("level_revision")
        now = replay_revision(level)
        here = os.path.basename(level.source)
        if recorded != now:
            if take.level != here:
                raise TakeError(f"{name}: a take of {take.level}, not of {here}: replay it on its own level "
                                f"(previs replay {take.level} --take {name}).")
            was = f"revision {recorded}" if isinstance(recorded, str) else f"level hash {take.level_hash[:12]}…"
            changed = (f"{name}: recorded on an earlier version of {take.level} ({was}, now revision {now}); "
                       "its ticks replay on the level as it is now")
            if strict:
                raise TakeError(f"{changed}, which --strict refuses: re-record the take with 'previs walk', "
                                "or check out the level as it was.")
    if _read_rate(take.fps) != level.settings.fps:
        raise TakeError(f"{name}: recorded at {rate_label(_read_rate(take.fps))} fps but {level.source} runs at "
                        f"{rate_label(level.settings.fps)} fps; re-record the take.")
    actors = 1 + len(level.performers)
    if take.end_frame * actors > MAX_ACTOR_FRAMES:
        raise TakeError(f"{name}: {_span(take)} x {actors} actors (Henry and {len(level.performers)} "
                        f"performers of {level.source}) = {take.end_frame * actors}, more than the "
                        f"{MAX_ACTOR_FRAMES} frames x actors a replay may hold; the take is kept: replay it "
                        "on a level with fewer performers, or record shorter takes.")
    # A take may run longer than the level's own duration: the load-time zone budget
    # (checked on the level's frames) is checked again on the take's.
    why = zone_budget_problem(level, take.end_frame)
    if why is not None:
        raise TakeError(f"{name}: a replay of its {len(take.cmds)} ticks on {level.source} {why}; "
                        "the take is kept.")
    return changed


def departure(take: Take, henry_xz: np.ndarray, fps: float) -> str:
    """Where the replayed walk ``henry_xz`` ((T, 2) metres, one row per tick of ``take``)
    first departs from the one recorded in ``take``, in words (frames of the fight)."""
    if take.positions is None:
        return "the take holds no recorded positions, so where the run departs cannot be told"
    rec = np.asarray(take.positions, dtype=np.float64)[: len(henry_xz)]
    now = np.round(np.asarray(henry_xz, dtype=np.float64)[: len(rec)] * 1000.0)
    off = np.abs(now - rec).max(axis=1)
    bad = np.flatnonzero(off > DEPART_MM)
    if bad.size == 0:
        return "Henry's walk matches the recorded one on every frame (the rest of the fight may differ)"
    k = int(bad[0])
    x, z = now[k] / 1000.0
    rx, rz = rec[k] / 1000.0
    f = take.start_frame + k  # a take of one shot starts its ticks there
    return (f"the run departs from the recorded one first at frame {f} ({f / fps:.3f} s): Henry at "
            f"x {x:.3f}, z {z:.3f}, recorded x {rx:.3f}, z {rz:.3f} ({np.hypot(x - rx, z - rz):.3f} m off)")


def _span(take: Take) -> str:
    """What a replay of ``take`` holds: ``"900 ticks"``, or for a take of one shot
    ``"1200 frames (300 scripted, then 900 ticks)"``."""
    if take.start_frame == 0:
        return f"{len(take.cmds)} ticks"
    return f"{take.end_frame} frames ({take.start_frame} scripted, then {len(take.cmds)} ticks)"


def replay_take(level: Level, take: Take, warn=None, strict: bool = False, script: Motion | None = None) -> Motion:
    """The fight as walked in ``take``: Henry from the commands, everyone else scripted.

    The replay runs to the take's last tick (one frame per tick). A take of one shot
    (``start_frame`` s > 0) replays frames ``[0, s)`` as the script has them and walks
    Henry from its ``start_state`` on frames ``[s, s + ticks)``; the camera on those frames
    is computed from the walked frames alone, so the take's own frames do not depend on
    what came before them (an edit splices them in as they are, :mod:`previs.sim.edit`).
    A take of an earlier version of the level replays with a warning passed to ``warn``
    (:func:`check_take`). ``script``: the level's scripted Motion when the caller has it
    (an edit of several takes), used for the frames before the take instead of replaying
    the script again."""
    changed = check_take(take, level, strict=strict)
    s0 = take.start_frame
    n = take.end_frame
    perf_xz, perf_down, walk_yaw, moving = performer_motion(level, n)
    st = walk_states(level, list(take.cmds), take.start_walk_state(level))
    pos, roll = camera_on_head(level.settings, st[:, 0:2], st[:, 2], st[:, 2], st[:, 3], np.zeros(len(st)),
                               floors=level.walls.floors)
    yaw, pitch = st[:, 2], st[:, 3]
    henry_xz = st[:, 0:2]
    if s0 > 0:
        from .script import simulate

        F = max(s0, level.settings.frames)
        # The script's own frames, cut at s0 (simulate(level, F) is the script when F is its length).
        pre = script if script is not None and script.frames == F == level.settings.frames else simulate(level, F)
        pre_xz, pre_tr = pre.henry_xz[:s0], pre.track
        henry_xz = np.concatenate([pre_xz, henry_xz])
        pos = np.concatenate([pre_tr.pos[:s0], pos])
        roll = np.concatenate([pre_tr.roll[:s0], roll])
        yaw = np.concatenate([pre_tr.yaw[:s0], yaw])
        pitch = np.concatenate([pre_tr.pitch[:s0], pitch])
    if changed is not None and warn is not None:
        warn(f"{changed}: {departure(take, henry_xz[s0:], float(level.settings.fps))}.")
    # Standing performers watch the walked Henry, not the scripted one.
    facing = performer_facing(level, n, walk_yaw, moving, perf_xz, henry_xz, perf_down)
    # The lens on his head as the script's (previs.sim.head_motion): he walks where he looks.
    track = CameraTrack(fps=float(level.settings.fps), pos=pos, yaw=yaw, pitch=pitch,
                        roll=roll, hfov=np.full(n, float(level.settings.hfov)))
    return Motion(level=level, track=track, henry_xz=henry_xz, perf_xz=perf_xz,
                  perf_facing=facing, perf_down=perf_down, source=take.path or "take")
