"""Builders for edit tests (issue 19): takes of one shot that walk (roughly) where the script walks.

:func:`follow_cmds` turns the script's Henry into walker commands tick by tick: the turn
and look are the script's yaw and pitch changes in whole centidegrees (the remainder
carried, so yaw tracks to 0.01 degree), the steps the script's displacement in Henry's
frame as a fraction of his walking speed (run when that is over walking pace).
"""

from __future__ import annotations

import math

from previs.sim.shot_take import shot_header, state_at
from previs.sim.take import write_take
from previs.sim.walker import RUN, RUN_FACTOR, TickCmd, WalkState, step


def follow_cmds(level, script, start: WalkState, first: int, last: int, slow_turn_frames: int = 0,
                slow_turn_cdeg: int = 100):
    """Commands for frames ``[first, last)`` that follow ``script``'s steps from ``start``. The
    first ``slow_turn_frames`` ticks turn at most ``slow_turn_cdeg`` centidegrees a tick
    (1 degree: 24 deg/s at 24 fps; a turn too slow to hide a cut), the rest catching up."""
    fps = level.settings.fps
    walk = (level.henry.speed if level.henry.speed > 0 else 1.4) / fps
    s, cmds = start, []
    # Walk the script's steps from wherever the take starts (a take started off the mark
    # stays off by as much).
    ox, oz = start.x - float(script.henry_xz[first, 0]), start.z - float(script.henry_xz[first, 1])
    for k, f in enumerate(range(first, last)):
        want_yaw, want_pitch = float(script.track.yaw[f]), float(script.track.pitch[f])
        turn = int(round((want_yaw - s.yaw) * 100))
        if k < slow_turn_frames:
            turn = max(-slow_turn_cdeg, min(slow_turn_cdeg, turn))
        look = int(round((want_pitch - s.pitch) * 100))
        yaw = s.yaw + turn / 100.0
        dx, dz = float(script.henry_xz[f, 0]) + ox - s.x, float(script.henry_xz[f, 1]) + oz - s.z
        a = math.radians(yaw)
        fwd = dx * -math.sin(a) + dz * -math.cos(a)
        right = dx * math.cos(a) + dz * -math.sin(a)
        run = math.hypot(fwd, right) > walk * 1.001
        scale = walk * (RUN_FACTOR if run else 1.0)
        c = TickCmd(max(-127, min(127, int(round(fwd / scale * 127)))), max(-127, min(127, int(round(right / scale * 127)))),
                    max(-18000, min(18000, turn)), max(-18000, min(18000, look)), RUN if run else 0)
        cmds.append(c)
        s = step(level, s, c)
    return cmds


def write_shot_take(path, level, script, shot: int, first: int, last: int, start: WalkState | None = None,
                    take_number: int = 1, operator: str = "test", **follow):
    """A take of ``shot`` covering frames ``[first, last)``, starting from ``start`` (default:
    the script's Henry on frame ``first``), following the script."""
    start = state_at(script, first) if start is None else start
    cmds = follow_cmds(level, script, start, first, last, **follow)
    write_take(path, level, cmds, shot_header(shot, first, start, take_number, operator))
    return path
