"""What the HUD says, as plain data (no pygame, no GL): testable, and reusable for the
animatic's and the report's burn-ins.

- :class:`Timeline`: turn-cut frames and shot boundaries of a track, from a
  :class:`previs.plan.shotplan.ShotPlan` or from plain lists.
- :class:`HudState`: everything drawn over one frame (timecode, shot, cut countdown and
  flash, beat captions, safety warnings, mode, speed, REC, errors, help).
- :func:`hud_state`: builds it for a frame of a replay.

Times are seconds, frames are 0-based track frames at the level's fps.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from ..level.model import Level

CAPTION_MIN_SECONDS = 1.5
"""A beat's caption stays up at least this long: a 0.25 s look is 6 frames, too short to read."""
CLEARANCE_WARN_SECONDS = 0.5
"""A clearance finding (reported at its closest moment) shows this long either side of it."""
FLASH_FRAMES = 1
"""Frames the screen flashes on a turn cut."""


def timecode(frame: int, fps: float, start_tc: str = "00:00:00:00") -> str:
    """SMPTE non-drop timecode of ``frame`` (via :mod:`previs.plan.timecode`)."""
    try:
        from ..plan.timecode import timecode as tc
    except ImportError:  # pragma: no cover - previs.plan is part of previs
        rate = max(1, int(round(fps)))
        hh, mm, ss, ff = (int(x) for x in start_tc.split(":"))
        n = ((hh * 60 + mm) * 60 + ss) * rate + ff + int(frame)
        s = n // rate
        return f"{s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{n % rate:02d}"
    return tc(frame, fps, start_tc)


@dataclass(frozen=True)
class Timeline:
    """Cuts and shots of a track: ``cuts`` are turn-cut frames (sorted); shot ``i``
    (1-based) covers ``[shot_starts[i-1], shot_starts[i])``, the last up to ``frames``.
    ``over_max`` flags shots longer than ``max_take``."""

    frames: int
    fps: float
    cuts: tuple[int, ...] = ()
    shot_starts: tuple[int, ...] = (0,)
    over_max: tuple[bool, ...] = ()

    @classmethod
    def from_cuts(cls, cut_frames, frames: int, fps: float, max_take: float | None = None) -> "Timeline":
        cuts = tuple(sorted({int(c) for c in cut_frames if 0 < int(c) < frames}))
        starts = (0, *cuts)
        over = ()
        if max_take is not None:
            ends = (*cuts, frames)
            over = tuple((e - s) / fps > max_take + 1e-9 for s, e in zip(starts, ends))
        return cls(int(frames), float(fps), cuts, starts, over)

    @classmethod
    def from_plan(cls, plan) -> "Timeline":
        """From a ShotPlan (duck-typed: ``frames``, ``fps``, ``cuts[].frame``, ``shots[]``)."""
        shots = sorted(plan.shots, key=lambda s: s.start_frame)
        return cls(int(plan.frames), float(plan.fps), tuple(int(c.frame) for c in plan.cuts),
                   tuple(int(s.start_frame) for s in shots) or (0,),
                   tuple(bool(s.over_max_take) for s in shots))

    def shot_at(self, frame: int) -> int:
        """1-based index of the shot holding ``frame``."""
        return max(1, bisect.bisect_right(self.shot_starts, int(frame)))

    @property
    def shots(self) -> int:
        return len(self.shot_starts)

    def next_cut(self, frame: int) -> int | None:
        """First cut after ``frame`` (strictly), or None."""
        i = bisect.bisect_right(self.cuts, int(frame))
        return self.cuts[i] if i < len(self.cuts) else None

    def prev_cut(self, frame: int) -> int | None:
        """Last cut before ``frame`` (strictly), or None."""
        i = bisect.bisect_left(self.cuts, int(frame))
        return self.cuts[i - 1] if i > 0 else None

    def is_cut(self, frame: int) -> bool:
        i = bisect.bisect_left(self.cuts, int(frame))
        return i < len(self.cuts) and self.cuts[i] == int(frame)

    def jump(self, frame: int, direction: int) -> int:
        """The frame to go to for "previous/next cut or shot": the next cut (or the last
        frame), or the previous shot start (0 at the first shot)."""
        if direction > 0:
            n = self.next_cut(frame)
            return n if n is not None else self.frames - 1
        p = self.prev_cut(frame)
        return p if p is not None else 0


@dataclass(frozen=True)
class HudState:
    """Everything drawn over one frame. Empty/None fields are not drawn, so a burn-in
    (animatic, report) sets only timecode, shot and flash."""

    timecode: str = ""
    frame: int = 0
    frames: int = 0
    fps: float = 24.0
    title: str = ""
    shot: int = 0  # 1-based; 0 = no shot information
    shots: int = 0
    next_cut_in: float | None = None  # seconds until the next turn cut
    cut_note: str | None = None  # shown instead of the countdown (walk mode: how to cut)
    flash: bool = False  # this frame is a turn cut
    captions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    mode: str = ""
    speed: float = 1.0
    playing: bool = True
    rec: str | None = None  # e.g. "REC 00:12" while recording a take
    errors: tuple[str, ...] = ()  # a broken level save: shown in a red panel
    toast: str | None = None  # a passing message (take saved, level reloaded, ...)
    help: tuple[tuple[str, str], ...] = ()  # (keys, what) rows of the F1 help
    minimap: bool = False
    timeline: Timeline | None = None  # drawn as the scrub bar at the bottom
    trail: tuple[tuple[float, float], ...] = field(default=())  # walked path, for the minimap


def beat_caption(level: Level, beat) -> str:
    """``"Henry: look → Goon 3"``; with a note, ``"Goon 2: punch → Henry (hook)"``."""
    def name(i):
        try:
            return level.actor_name(i)
        except KeyError:
            return f"object {i}"

    s = f"{name(beat.actor)}: {beat.action}"
    if beat.target is not None:
        s += f" \u2192 {name(beat.target)}"
    if beat.note:
        s += f" ({beat.note})"
    return s


def active_captions(level: Level, time: float, limit: int = 4) -> tuple[str, ...]:
    """Captions of the beats running at ``time`` s (each held at least
    :data:`CAPTION_MIN_SECONDS`), oldest first, at most ``limit`` (the newest)."""
    out = []
    for b in level.beats:
        if b.t > time + 1e-9:
            break  # beats are sorted by time
        if time < b.t + max(b.duration, CAPTION_MIN_SECONDS) - 1e-9:
            out.append(beat_caption(level, b))
    return tuple(out[-limit:])


def plan_warnings(plan, time: float) -> tuple[str, ...]:
    """Safety findings of a shot plan that are live at ``time`` s: hazard-zone entries
    while the body is inside, clearance findings around their closest moment."""
    out = []
    for f in getattr(plan, "safety", ()) or ():
        kind = getattr(f, "kind", "")
        if kind == "clearance":
            if abs(time - f.time) <= CLEARANCE_WARN_SECONDS:
                a, b = f.who
                out.append(f"too close: {a} \u2194 {b} {f.distance:.2f} m")
        elif hasattr(f, "exit"):
            if f.time - 1e-9 <= time < f.exit:
                out.append(f"{' + '.join(f.who)} in {kind} zone '{f.zone}'")
    return tuple(out)


def _in_polygon(x: float, z: float, poly) -> bool:
    inside = False
    n = len(poly)
    for i in range(n):
        (x0, z0), (x1, z1) = poly[i], poly[(i + 1) % n]
        if (z0 > z) != (z1 > z) and x < x0 + (z - z0) * (x1 - x0) / (z1 - z0):
            inside = not inside
    return inside


def henry_warnings(level: Level, fs) -> tuple[str, ...]:
    """Live safety warnings about Henry at one frame (for a hand-walked track, which has
    no plan yet): within ``safety_distance`` of a standing performer outside a contact
    beat with him, or inside a no-go/pyro zone. Same rules as :mod:`previs.plan.safety`."""
    st = level.settings
    h = level.henry
    hx, hz = fs.henry_xz
    out = []
    P = len(level.performers)
    if P:
        xz = np.asarray(fs.perf_xz)
        gap = np.hypot(xz[:, 0] - hx, xz[:, 1] - hz) - h.radius - np.array([p.radius for p in level.performers])
        close = np.nonzero((gap < st.safety_distance) & ~np.asarray(fs.perf_down, bool))[0]
        for i in close:
            pid = level.performers[i].id
            touching = any(
                b.is_contact and {b.actor, b.target} == {h.id, pid} and b.t - 1e-9 <= fs.time <= b.end + 1e-9
                for b in level.beats)
            if not touching:
                out.append(f"too close: {h.name or 'Henry'} \u2194 {level.performers[i].name} {gap[i]:.2f} m")
    for z in level.zones:
        if z.hazardous and _in_polygon(hx, hz, z.polygon):
            out.append(f"{h.name or 'Henry'} in {z.kind} zone '{z.name}'")
    return tuple(out)


def hud_state(level: Level, fs, timeline: Timeline | None = None, plan=None, **app) -> HudState:
    """The HUD of frame ``fs`` (a FrameState) of a replay of ``level``.

    ``timeline``: cuts and shots (None: none known). ``plan``: the ShotPlan whose safety
    findings to show. ``app``: the window's own fields (mode, speed, playing, rec, errors,
    toast, help, minimap, trail, warnings to add)."""
    st = level.settings
    fps = float(st.fps)
    frame = int(fs.frame)
    shot = shots = 0
    next_in = None
    flash = False
    if timeline is not None:
        shot, shots = timeline.shot_at(frame), timeline.shots
        n = timeline.next_cut(frame)
        next_in = None if n is None else (n - frame) / fps
        flash = any(timeline.is_cut(frame - k) for k in range(FLASH_FRAMES))
    warnings = tuple(app.pop("warnings", ()))
    if plan is not None:
        warnings += plan_warnings(plan, fs.time)
    frames = timeline.frames if timeline is not None else app.pop("frames", st.frames)
    return HudState(
        timecode=timecode(frame, fps, st.start_tc),
        frame=frame,
        frames=int(frames),
        fps=fps,
        title=st.title,
        shot=shot,
        shots=shots,
        next_cut_in=next_in,
        flash=flash,
        captions=active_captions(level, fs.time),
        warnings=tuple(dict.fromkeys(warnings)),
        timeline=timeline,
        **app,
    )


def burnin_state(level: Level, fs, timeline: Timeline | None) -> HudState:
    """The animatic/storyboard burn-in: timecode, frame, shot number and the cut flash."""
    full = hud_state(level, fs, timeline)
    return HudState(timecode=full.timecode, frame=full.frame, frames=full.frames, fps=full.fps,
                    shot=full.shot, shots=full.shots, flash=full.flash, title=full.title)


def fmt_seconds(s: float) -> str:
    """``"1:02.5"`` for 62.5 s; ``"4.2 s"`` under a minute."""
    if s < 60:
        return f"{s:.1f} s"
    m = int(s // 60)
    return f"{m}:{s - 60 * m:04.1f}"


def speed_label(speed: float) -> str:
    """``"x0.25"``, ``"x1"``, ``"x4"``."""
    if math.isclose(speed, round(speed)):
        return f"\u00d7{int(round(speed))}"
    return f"\u00d7{speed:g}"
