"""The scripted fight: every actor and Henry's head over every frame, as array operations.

Frame ``f`` (integer tick; one tick per frame) is at ``t = f / fps`` seconds and a beat at ``t``
takes effect on ``frame_at(t)`` (:mod:`previs.timebase`). Nothing here
reads the wall clock; the same level always gives bit-identical arrays.

Henry's head (level contract, "beat / look"):

- Before his first ``look`` he faces his walking direction, or ``heading`` while he has not
  walked yet. Path corners are turned smoothly (see :data:`CORNER_TURN_RATE`) so that a
  corner never reads as a whip turn: at most 135 deg/s, below the 150 deg/s cut default.
- A ``look`` turns the short way to the target over its ``duration`` with a smoothstep
  ease-in-out (peak speed 1.5 x mean), then keeps tracking the target until the next look.
  Pitch eases the same way to aim at the target's chest (0.75 x its height; 0.2 m once down),
  or at a mark's ``height`` (:func:`aim_points`).
"""

from __future__ import annotations

import math

import numpy as np

from ..level.model import Level
from ..timebase import time_base_of
from . import paths
from .floor_follow import floor_under
from .head_motion import camera_on_head
from .mocap_head import head_offsets
from .motion import Motion
from .strike_sway import strike_sway
from .track import CameraTrack

CORNER_TURN_RATE = 90.0
"""deg/s of mean turn rate at a path corner; with smoothstep's 1.5x peak that is 135 deg/s."""
CORNER_MIN_TIME = 0.5
"""Seconds: the shortest corner turn, so small corners still ease instead of snapping."""
DOWN_CHEST_HEIGHT = 0.2
"""Metres: where Henry aims at a performer lying on the floor."""


def smoothstep(s: np.ndarray) -> np.ndarray:
    """Ease-in-out on [0, 1]: 0 before, 1 after, ``3s^2 - 2s^3`` between (peak slope 1.5)."""
    s = np.clip(s, 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def wrap180(a, out: np.ndarray | None = None):
    """Angle(s) in degrees wrapped into [-180, 180); into ``out`` (float64, may be ``a``
    itself: no new array) if given."""
    if out is None:
        return (np.asarray(a) + 180.0) % 360.0 - 180.0
    np.add(a, 180.0, out=out)
    np.remainder(out, 360.0, out=out)
    return np.subtract(out, 180.0, out=out)


def yaw_towards(src_xz: np.ndarray, dst_xz: np.ndarray) -> np.ndarray:
    """Yaw (deg, (-180, 180]) looking from ``src`` to ``dst`` (..., 2) on the ground."""
    d = dst_xz - src_xz
    return np.degrees(np.arctan2(-d[..., 0], -d[..., 1]))


def down_frames(level: Level, frames: int) -> np.ndarray:
    """First frame at which each performer is down (``frames`` if never): (P,) int64.

    A ``fall``/``down`` beat makes its actor down from ``t + duration`` on."""
    tb = time_base_of(level.settings)
    out = np.full(len(level.performers), frames, dtype=np.int64)
    for b in level.beats:
        if b.downs_actor and b.actor != level.henry.id:
            p = level.performer_index(b.actor)
            out[p] = min(out[p], tb.frame_at(b.end))
    return out


def _scripted_henry_xz(level: Level, t: float) -> np.ndarray:
    """Henry's scripted feet ``(x, z)`` in metres at time ``t`` s (his path, not a take)."""
    w = paths.build_walk(level.henry)
    lt = paths.local_time([w], np.array([t]))
    return paths.positions([w], paths.arc_length([w], lt))[0, 0]


def performer_motion(level: Level, frames: int):
    """Scripted performers: positions (F, P, 2), down (F, P) bool, walking yaw (F, P) and
    moving (F, P) bool (changed position since the previous frame).

    Walks, falls and shoves of every performer: :func:`previs.sim.performers.performer_motion`."""
    from .performers import performer_motion as crowd_motion  # it imports the fall and look rules from here

    return crowd_motion(level, frames)


def henry_walk(level: Level, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Henry's feet (F, 2) and his walking yaw (F,) with eased corners (unwrapped, deg)."""
    tb = time_base_of(level.settings)
    t = tb.times(frames)
    h = level.henry
    w = paths.build_walk(h)
    lt = paths.local_time([w], t)
    s = paths.arc_length([w], lt)
    xz = paths.positions([w], s)[:, 0, :]
    yaw = np.full(frames, float(h.heading))
    if h.path is None or h.speed <= 0:
        return xz, yaw
    # Direction changes happen at each departure: yaw(t) = heading + sum_k d_k * E((t - t_k)/T_k).
    nseg = len(w.seg_yaw)
    depart = w.knot_t[1::2][:nseg]  # local departure time from vertex i onto segment i
    laps = 1
    if w.period is not None:
        laps = int(math.ceil(max(t[-1] - h.start, 0.0) / w.period)) + 1
    prev = float(h.heading)
    for lap in range(laps):  # events: vertices x laps (hundreds at most), not frames
        for i in range(nseg):
            new = float(w.seg_yaw[i])
            delta = float(wrap180(new - prev))
            prev = prev + delta
            if abs(delta) < 1e-9:
                continue
            dur = max(CORNER_MIN_TIME, abs(delta) / CORNER_TURN_RATE)
            arrive = float(w.knot_t[2 * i])
            t_dep = h.start + (lap * w.period if w.period else 0.0) + depart[i]
            t_arr = h.start + (lap * w.period if w.period else 0.0) + arrive
            # Turn while holding if the hold is long enough, else start on arrival.
            t0 = max(t_arr, t_dep - dur) if i > 0 or lap > 0 else max(h.start, t_dep - dur)
            if t0 > t[-1]:
                break
            yaw += delta * smoothstep((t - t0) / dur)
    return xz, yaw


def aim_points(level: Level, target: int, perf_xz: np.ndarray, perf_down: np.ndarray, sl: slice):
    """Where a look at object ``target`` aims on frames ``sl``: ground points (n, 2) m and
    heights (n,) m above the floor. A performer: its chest, 0.75 x its height
    (:data:`DOWN_CHEST_HEIGHT` once down); a mark: its place and ``height``; Henry: None."""
    n = len(range(*sl.indices(len(perf_xz))))
    mark = level.mark(target)
    if mark is not None:
        return np.broadcast_to(np.asarray(mark.position, float), (n, 2)), np.full(n, float(mark.height))
    if target == level.henry.id:
        return None
    pi = level.performer_index(target)
    return perf_xz[sl, pi], np.where(perf_down[sl, pi], DOWN_CHEST_HEIGHT, 0.75 * level.performers[pi].height)


def _regimes(level: Level, frames: int):
    """Henry's look beats as (first_frame, beat) in time order, dropping looks at himself."""
    tb = time_base_of(level.settings)
    out = []
    for b in level.beats:
        if b.actor == level.henry.id and b.aims and b.target not in (None, level.henry.id):
            f0 = tb.frame_at(b.t)
            if f0 < frames:
                out.append((f0, b))
    return out


def henry_head(level: Level, frames: int, henry_xz: np.ndarray, walk_yaw: np.ndarray,
               perf_xz: np.ndarray, perf_down: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Henry's yaw (unwrapped) and pitch (deg) per frame, following the look beats. On
    floors with height the pitch aims from his eye over the floor under him (smoothed, as
    the camera rides it) to the target's point over the floor under the target."""
    st = level.settings
    floors = level.walls.floors
    feet_y = floor_under(floors, henry_xz, st.fps) if floors is not None else None
    tb = time_base_of(st)
    t = tb.times(frames)
    yaw = walk_yaw.copy()
    pitch = np.zeros(frames)
    looks = _regimes(level, frames)
    for k, (f0, b) in enumerate(looks):  # loop over look beats, vectorised over their frames
        f1 = looks[k + 1][0] if k + 1 < len(looks) else frames
        if f1 <= f0:
            continue
        y0 = float(yaw[f0])  # the previous regime's yaw at this frame
        p0 = float(pitch[f0])
        # One frame past the regime too (frame f1), so the next look starts from where this
        # one would have been; the next regime overwrites it.
        sl = slice(f0, min(f1 + 1, frames))
        aim = aim_points(level, b.target, perf_xz, perf_down, sl)
        if aim is None:
            continue
        txz, chest = aim
        hxz = henry_xz[sl]
        ty = np.degrees(np.unwrap(np.radians(yaw_towards(hxz, txz))))
        # Distance ~0: direction undefined; hold the last defined yaw (rare, keeps it finite).
        dist = np.hypot(*(txz - hxz).T)
        if np.any(dist < 1e-6):
            ok = dist >= 1e-6
            if not ok.any():
                ty[:] = y0
            else:
                idx = np.maximum.accumulate(np.where(ok, np.arange(len(ok)), 0))
                first = int(np.argmax(ok))
                idx[:first] = first
                ty = ty[idx]
        # Short way: shift the target's unwrapped yaw to within 180 deg of where we are.
        ty += 360.0 * np.round((y0 - ty[0]) / 360.0)
        if ty[0] - y0 >= 180.0:
            ty -= 360.0
        elif ty[0] - y0 < -180.0:
            ty += 360.0
        up = chest - st.eye_height
        if floors is not None:
            up = up + floors.height_at(txz[:, 0], txz[:, 1]) - feet_y[sl]
        tp = np.degrees(np.arctan2(up, np.maximum(dist, 1e-6)))
        with np.errstate(over="ignore"):  # a duration like 1e-320 is an instant turn
            e = smoothstep((t[sl] - b.t) / b.duration) if b.duration > 0 else np.ones(len(ty))
        yaw[sl] = y0 + e * (ty - y0)
        pitch[sl] = p0 + e * (tp - p0)
    return yaw, pitch


def performer_facing(level: Level, frames: int, walk_yaw: np.ndarray, moving: np.ndarray,
                     perf_xz: np.ndarray, henry_xz: np.ndarray, perf_down: np.ndarray,
                     out: np.ndarray | None = None) -> np.ndarray:
    """Performers' facing (F, P), degrees in [-180, 180); drawing only. ``out`` (F, P)
    float64, if given, receives it and may be ``walk_yaw`` itself.

    Walking: along the path. Standing: toward the target of their latest ``look`` or contact
    beat, else toward Henry. Down (``perf_down`` (F, P)): as on the frame they went down
    (the rule: :mod:`previs.sim.facing`)."""
    from .facing import facing_all  # the rule lives there (it imports wrap180/yaw_towards from here)

    return facing_all(level, frames, walk_yaw, moving, perf_xz, henry_xz, perf_down, out=out)


def simulate(level: Level, frames: int | None = None) -> Motion:
    """Replay the scripted fight: the POV camera track and every actor, per frame.

    ``frames`` defaults to the level's (``duration * fps``); a take may ask for more."""
    st = level.settings
    F = st.frames if frames is None else int(frames)
    perf_xz, perf_down, walk_yaw, moving = performer_motion(level, F)
    henry_xz, henry_walk_yaw = henry_walk(level, F)
    yaw, pitch = henry_head(level, F, henry_xz, henry_walk_yaw, perf_xz, perf_down)
    # The facing overwrites the walking yaw, read by nothing after it (a 1000-performer
    # 3-minute fight: 35 MB not faulted in afresh).
    facing = performer_facing(level, F, walk_yaw, moving, perf_xz, henry_xz, perf_down, out=walk_yaw)
    roll = np.zeros(F)
    if level.henry.mocap is not None:  # his BVH head turns the camera from mocap_start on
        d_yaw, d_pitch, roll = head_offsets(level.henry.mocap, level.henry.mocap_start, st.fps, F)
        yaw, pitch = yaw + d_yaw, pitch + d_pitch
    # His own blows move the head a little (at most 9.4 deg/s of yaw, never near a cut:
    # previs.sim.strike_sway); forward along the way he looks on the ground. The lens rides
    # his head on the mouth mount, with his gait's bob, sway and lean (previs.sim.head_motion).
    sway = strike_sway(level, yaw)
    yaw, pitch = yaw + sway.yaw, pitch + sway.pitch
    pos, roll = camera_on_head(st, henry_xz, henry_walk_yaw, yaw, pitch, roll, sway.forward, level.walls.floors)
    track = CameraTrack(fps=float(st.fps), pos=pos, yaw=yaw, pitch=pitch,
                        roll=roll, hfov=np.full(F, float(st.hfov)))
    return Motion(level=level, track=track, henry_xz=henry_xz, perf_xz=perf_xz,
                  perf_facing=facing, perf_down=perf_down, source="script")
