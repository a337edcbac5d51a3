"""Takes of one shot (issue 19): where they start, what they are called, circling one.

A take of shot ``k`` starts at the shot's first frame (its cut) with the scene as it is
there: the performers are scripted, so they are wherever the script has them on that
frame, and Henry starts where the edit so far has him (:func:`state_at`). The take's
header (:mod:`previs.sim.take`) records ``start_frame`` and ``start_state`` so that it
replays on its own, and ``shot``, ``take_number``, ``operator``, ``notes``, ``circled``.

It is recorded to the next cut plus :data:`HANDLE_SECONDS` (frames an editor calls a
*handle*): the match at that cut compares the outgoing piece with the incoming one on the
cut's own frame, and the outgoing turn's speed is measured up to it
(:mod:`previs.plan.cut_match`).

Takes are named ``LEVEL-shotNNN-takeMM.take`` in the takes folder, so a folder listing
is the camera report: every take of every shot, in order (:func:`takes_of`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import TakeError
from .motion import Motion
from .take import Take, read_take
from .walker import WalkState

HANDLE_SECONDS = 0.25
"""Seconds recorded past the next cut (6 frames at 24 fps): two match windows' worth
(``cut_hide_window`` 0.125 s), so the outgoing side of the next cut is measured on the
take's own frames."""

_NAME = re.compile(r"^(?P<stem>.+)-shot(?P<shot>\d{3,})-take(?P<take>\d{2,})\.take$")


def state_at(motion: Motion, frame: int) -> WalkState:
    """Henry as a walked take starts from ``frame`` of ``motion``: feet (x, z), the
    camera's yaw and pitch there (degrees)."""
    f = min(max(int(frame), 0), motion.frames - 1)
    return WalkState(float(motion.henry_xz[f, 0]), float(motion.henry_xz[f, 1]), float(motion.track.yaw[f]),
                     float(motion.track.pitch[f]))


def shot_header(shot: int, start_frame: int, start: WalkState, take_number: int, operator: str = "",
                notes: str = "") -> dict:
    """The header fields of a take of ``shot`` (added to the take's own, see previs.sim.take)."""
    return {"shot": int(shot), "start_frame": int(start_frame),
            "start_state": [start.x, start.z, start.yaw, start.pitch], "take_number": int(take_number),
            "operator": operator, "notes": notes, "circled": False}


def handle_frames(fps: float) -> int:
    """:data:`HANDLE_SECONDS` in whole frames (6 at 24 fps)."""
    return max(1, int(round(HANDLE_SECONDS * float(fps))))


def take_name(level_source: str, shot: int, take_number: int) -> str:
    return f"{Path(level_source).stem or 'level'}-shot{shot:03d}-take{take_number:02d}.take"


@dataclass(frozen=True)
class TakeInfo:
    """One take of a shot as the window lists it."""

    path: str
    shot: int
    take_number: int
    frames: int
    operator: str
    notes: str
    circled: bool

    @property
    def label(self) -> str:
        mark = "\u25cf" if self.circled else " "  # a filled circle: printed (circled) take
        who = f" {self.operator}" if self.operator else ""
        return f"{mark} T{self.take_number:02d}{who} {self.frames}f"


def takes_of(takes_dir: str | os.PathLike, level_source: str) -> dict[int, list[TakeInfo]]:
    """Every readable shot take of ``level_source`` in ``takes_dir``, by shot, take order."""
    stem = Path(level_source).stem or "level"
    out: dict[int, list[TakeInfo]] = {}
    try:
        names = sorted(os.listdir(takes_dir))
    except OSError:
        return out
    for n in names:
        m = _NAME.match(n)
        if not m or m["stem"] != stem:
            continue
        p = os.path.join(takes_dir, n)
        try:
            t = read_take(p)
        except TakeError:
            continue  # a damaged take is not listed; 'previs replay --take' says what is wrong
        h = t.header
        info = TakeInfo(p, int(h.get("shot", int(m["shot"]))), int(h.get("take_number", int(m["take"]))),
                        len(t.cmds), str(h.get("operator", "")), str(h.get("notes", "")), bool(h.get("circled")))
        out.setdefault(info.shot, []).append(info)
    for v in out.values():
        v.sort(key=lambda i: i.take_number)
    return out


def next_take_number(takes_dir: str | os.PathLike, level_source: str, shot: int) -> int:
    return 1 + max((i.take_number for i in takes_of(takes_dir, level_source).get(shot, [])), default=0)


def set_circled(path: str | os.PathLike, circled: bool) -> None:
    """Mark a take circled (printed) or not (:func:`set_header_fields`)."""
    set_header_fields(path, circled=bool(circled))


MAX_NOTES = 500
"""Characters of a take's notes (a line on a camera report)."""


def set_header_fields(path: str | os.PathLike, **fields) -> None:
    """Change a take's header fields (``circled``, ``notes``, ``operator``): the header line
    is rewritten, the ticks kept byte for byte, the file replaced atomically (never
    half-written)."""
    from ..fsutil import atomic_write_bytes

    take: Take = read_take(path)  # refuses a damaged file before anything is written
    from ..safe_paths import open_regular

    with open_regular(path) as fh:  # read_take just checked it is a regular, readable take
        fh.readline()
        ticks = fh.read()
    header = dict(take.header)
    header.update(fields)
    atomic_write_bytes(path, (json.dumps(header) + "\n").encode("utf-8") + ticks)
