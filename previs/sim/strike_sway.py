"""The camera riding Henry's head through his own strikes: small per-frame offsets.

A pure function, added to the scripted camera track by :func:`previs.sim.script.simulate`:
for each of Henry's own contact beats (``punch``, ``kick``, ``hit``, ``grab``, ``throw``,
``tackle``, ``shove``) the head moves
into the blow and back: a raised-cosine bump from ``t - RISE`` to ``t + SETTLE`` peaking on
the beat's ``t``, of the pitch (deg, + looks up), yaw (deg, + turns left) and forward
(metres along the view's ground direction) in :data:`SWAY`.

Comfort and cuts (``previs/plan/comfort.py``, ``previs/plan/cuts.py``): the largest yaw in
:data:`SWAY` is 1.5 deg over a 0.25 s rise, so the sway's own yaw speed peaks at
``1.5 * pi / (2 * 0.25) = 9.4`` deg/s (:data:`MAX_YAW_RATE`), far below the 150 deg/s
turn-cut default and the 60 deg/s comfort speed. Pitch and forward bumps of overlapping
beats add; yaw takes the largest bump (all yaw amplitudes are >= 0), so overlaps never
raise its speed above one bump's. So that it can never *make or hide* a cut
or change the comfort figures, a beat's yaw bump is dropped when the camera's own yaw speed
anywhere in its window is within ``2 * MAX_YAW_RATE`` of the level's ``turn_cut_speed`` or
of the comfort speed (pitch and forward stay: they do not count for cuts or comfort).
The promise holds at the level's own ``turn_cut_speed`` and the default comfort speed: the
track is simulated once, before any ``--turn-cut-speed`` or ``--comfort-speed`` given to the
planner, and the sway's 9.4 deg/s can only matter for a threshold set that low.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..level.actions import CONTACT_ACTIONS
from ..timebase import time_base_of

RISE, SETTLE = 0.25, 0.35
"""Seconds from the bump's start to the contact, and from the contact to its end."""
SWAY: dict[str, tuple[float, float, float]] = {
    "punch": (-1.0, 1.0, 0.06),
    "hit": (-1.0, 1.5, 0.05),
    "kick": (-2.0, 0.0, -0.03),
    "grab": (-1.0, 0.0, 0.08),
    "throw": (-1.0, 1.5, 0.05),
    "tackle": (-3.0, 0.0, 0.15),
    "shove": (-0.5, 0.0, 0.08),
}
"""Per action: (pitch deg, yaw deg, forward m) at the contact."""
MAX_YAW_RATE = max(y for _, y, _ in SWAY.values()) * np.pi / (2 * min(RISE, SETTLE))
"""deg/s: the most the sway adds to the camera's yaw speed (9.42: 1.5 deg over 0.25 s)."""
COMFORT_SPEED = 60.0
"""deg/s: the plan's default comfort speed (:data:`previs.plan.comfort.DEFAULT_COMFORT_SPEED`)."""


@dataclass(frozen=True, eq=False)
class Sway:
    """Per-frame offsets (F,): ``pitch`` and ``yaw`` degrees, ``forward`` metres."""

    pitch: np.ndarray
    yaw: np.ndarray
    forward: np.ndarray


def _bump(t: np.ndarray, tc: float) -> np.ndarray:
    """0 .. 1 .. 0 raised cosine over ``[tc - RISE, tc + SETTLE]``, 1 at ``tc``."""
    up = np.clip((t - (tc - RISE)) / RISE, 0.0, 1.0)
    down = np.clip(((tc + SETTLE) - t) / SETTLE, 0.0, 1.0)
    return 0.5 * (1.0 - np.cos(np.pi * np.minimum(up, down)))


def strike_sway(level, yaw: np.ndarray, comfort_speed: float = COMFORT_SPEED) -> Sway:
    """The :class:`Sway` of ``level`` for a camera whose unwrapped yaw (deg) per frame is
    ``yaw`` (F,) (the track before the sway)."""
    tb = time_base_of(level.settings)
    yaw = np.asarray(yaw, np.float64)
    F = len(yaw)
    t = tb.times(F)
    fps = float(tb.fps)
    speed = np.abs(np.gradient(yaw) * fps) if F > 1 else np.zeros(F)
    limit = min(float(level.settings.turn_cut_speed), comfort_speed) - 2 * MAX_YAW_RATE
    pitch, yw, fwd = np.zeros(F), np.zeros(F), np.zeros(F)
    for b in level.beats:  # Henry's contact beats, each over its own ~0.6 s of frames
        if b.actor != level.henry.id or b.action not in CONTACT_ACTIONS or b.action not in SWAY:
            continue
        p, y, d = SWAY[b.action]
        # The bump is 0 outside (t - RISE, t + SETTLE): work on those frames only (the
        # finale's 171 blows over its 4,236 frames took 12 ms done over every frame).
        sl = slice(max(0, tb.frame_at(b.t - RISE) - 1), min(F, tb.frame_at(b.t + SETTLE) + 1))
        e = _bump(t[sl], b.t)
        pitch[sl] += p * e
        fwd[sl] += d * e
        win = e > 0
        if y and win.any() and speed[sl][win].max() < limit:
            yw[sl] = np.maximum(yw[sl], y * e)
    return Sway(pitch=pitch, yaw=yw, forward=fwd)
