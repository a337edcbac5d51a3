"""What is true at frame ``f``: one pure answer, read by every picture previs draws.

The window's HUD, the animatic's burn-ins, the report's cut cards and the window's live
cut count all ask this module instead of working it out themselves. Everything here is
*read* from a :class:`~previs.plan.shotplan.ShotPlan` (its cuts, shots, beats and safety
findings) or put to the planner's own rules (:mod:`previs.plan.cuts`,
:mod:`previs.plan.safety`); nothing is derived a second way. Pure: no pygame, no OpenGL,
no clock.

Units: frames are 0-based integer track frames at the plan's fps; a frame ``f`` is at
``f / fps`` seconds. Shot ``i`` (1-based) covers the half-open frame range
``[shot_starts[i-1], shot_starts[i])``, the last one up to ``frames``.

- :class:`Timeline`: cuts and shot boundaries (from a plan, or from a list of cuts).
- :class:`FrameTruth`: everything true at one frame (timecode, shot, next/previous cut,
  the cut on this frame, active beats and captions, live safety findings, who is in view).
- :class:`FrameTruths`: answers :meth:`FrameTruths.at` for every frame of one plan.
- :func:`live_cut_swings`: the planner's turn cuts of a yaw curve walked so far.
- :func:`henry_findings_at`: the planner's safety rules about Henry at one walked frame.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

import numpy as np

from .cuts import find_swings, turn_cuts
from .safety import clearance_findings, zone_findings
from ..timebase import TimeBase, time_base_of

CAPTION_SECONDS = 1.5
"""A beat is active from its frame for ``max(duration, 1.5)`` s: a 0.25 s look is 6 frames
at 24 fps, too short to read as a caption."""
MAX_CAPTIONS = 4
"""At most this many beats are active at once (the newest)."""
CLEARANCE_LIVE_SECONDS = 0.5
"""A clearance finding (reported at its closest moment) is live this long either side of it:
12 frames at 24 fps."""


@dataclass(frozen=True)
class Timeline:
    """Cuts and shots of a track: ``cuts`` are turn-cut frames (sorted); shot ``i``
    (1-based) covers ``[shot_starts[i-1], shot_starts[i])``, the last up to ``frames``.
    ``over_max`` flags shots longer than ``max_take`` seconds."""

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
        """From a ShotPlan (``frames``, ``fps``, ``cuts[].frame``, ``shots[]``)."""
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


def clock(t: float) -> str:
    """``m:ss.ss`` for a caption or a table (seconds from frame 0; negative shows 0)."""
    m, s = divmod(max(0.0, float(t)), 60.0)
    return f"{int(m)}:{s:05.2f}"


def arrow(direction: str) -> str:
    """◀ for a left turn (the view swings left), ▶ for a right turn."""
    return "\u25c0" if direction == "left" else "\u25b6"


def caption(beat) -> str:
    """``"Henry: look → Goon 3"``; with a note, ``"Goon 2: punch → Henry (hook)"``
    (a plan's :class:`~previs.plan.shotplan.BeatRef`)."""
    s = f"{beat.actor}: {beat.action}"
    if beat.target is not None:
        s += f" \u2192 {beat.target}"
    if beat.note:
        s += f" ({beat.note})"
    return s


def finding_text(f) -> str:
    """One line for a safety finding: ``too close: A ↔ B 0.42 m``,
    ``Henry in no-go zone 'pit'``, ``Henry over lying Cook``, ``Henry 0.14 m from lying
    Cook``, ``Cook's fall lands on bare floor (crash mat 'Mat' 1.2 m away)``, ``Goon 4's
    throw lands 95% on a crash mat``, ``out of reach: Cook punch → Henry 8.0 m (6.4 m too far)``,
    ``crowd: 947 performers, 6.5 a m² around (11, 15) until 180.0 s``."""
    if f.kind == "clearance":
        a, b = f.who
        return f"too close: {a} \u2194 {b} {f.distance:.2f} m"
    if f.kind == "lying-body":
        a, b = f.who
        return f"{a} over lying {b}" if f.distance < 0 else f"{a} {f.distance:.2f} m from lying {b}"
    if f.kind == "landing":
        where = "on bare floor" if f.on_mat == 0 else f"{f.on_mat:.0%} on a crash mat"
        mat = f" (crash mat '{f.mat}' {f.mat_distance:.1f} m away)" if f.mat and f.mat_distance else ""
        return f"{f.who[0]}'s {f.action} lands {where}{mat}"
    if f.kind == "reach":
        a, b = f.who
        return f"out of reach: {a} {f.action} \u2192 {b} {f.distance:.1f} m ({f.beyond:.1f} m too far)"
    if f.kind == "crowd":
        return f"crowd: {f.count} performers, {f.density:g} a m\u00b2 around ({f.x:.0f}, {f.z:.0f}) until {f.exit:.1f} s"
    return f"{' + '.join(f.who)} in {f.kind} zone '{f.zone}'"


@dataclass(frozen=True)
class FrameTruth:
    """Everything true at one frame. ``shot`` is 1-based (0: no shot known), ``cut`` the
    plan's Cut on this very frame (the flash), ``last_cut`` the latest Cut at or before it, ``on_cut`` whether the timeline (planned
    or walked) cuts on this frame,
    ``next_cut``/``prev_cut`` frames strictly after/before it; ``beats`` the plan's
    BeatRefs active now (oldest first) and ``captions`` their one-line texts;
    ``findings`` the safety findings live now and ``warnings`` their texts; ``in_view``
    the performers in view in this frame's shot."""

    frame: int
    time: float
    timecode: str
    shot: int = 0
    shots: int = 0
    over_max_take: bool = False
    next_cut: int | None = None
    prev_cut: int | None = None
    cut: object | None = None
    last_cut: object | None = None
    suggested_cut: object | None = None
    beats: tuple = ()
    captions: tuple[str, ...] = ()
    findings: tuple = ()
    warnings: tuple[str, ...] = ()
    in_view: tuple[str, ...] = ()
    on_cut: bool = False
    """A turn cut (of the timeline, planned or walked) is on this frame: the flash."""


class FrameTruths:
    """What is true at each frame of ``plan`` (a ShotPlan; None: only time is known).

    ``timeline`` replaces the plan's own cuts and shots (the window's walked track, whose
    cuts are :func:`live_cut_swings`); ``fps``/``start_tc`` are needed only without a plan.
    Look-ups bisect the plan's sorted cuts, shots and beats: nothing grows with the frame."""

    def __init__(self, plan=None, *, timeline: Timeline | None = None, fps: float | None = None,
                 start_tc: str | None = None):
        self.plan = plan
        self.fps = float(plan.fps if plan is not None else fps)
        self.start_tc = plan.settings.start_tc if plan is not None else (start_tc or "00:00:00:00")
        self.tb = plan.time_base if plan is not None else TimeBase(self.fps, self.start_tc)
        if timeline is None:
            timeline = Timeline.from_plan(plan) if plan is not None else Timeline.from_cuts((), 1, self.fps)
        self.timeline = timeline
        own = plan is not None and timeline.cuts == tuple(c.frame for c in plan.cuts)
        self._cuts = list(plan.cuts) if own else []
        self._cut_frames = [c.frame for c in self._cuts]
        self._shots = list(plan.shots) if own else []
        shots = [] if plan is None else list(plan.shots)
        self._suggested = {s.suggested_cut.frame: s.suggested_cut for s in shots
                           if getattr(s.suggested_cut, "frame", None) is not None}
        beats = sorted((b for s in shots for b in s.beats), key=lambda b: (b.frame, b.t))
        self._beats = beats
        self._beat_frames = [b.frame for b in beats]
        self._spans = [self._caption_frames(b.duration) for b in beats]
        self._longest = max(self._spans or [1])
        self._near = self.tb.frames_in(CLEARANCE_LIVE_SECONDS)
        # Findings by the first frame they are live, each with the frame it stops (exclusive).
        found = [] if plan is None else list(plan.safety)
        spans = [self.live_span(f) for f in found]
        order = sorted(range(len(found)), key=lambda i: (spans[i][0], i))
        self._findings = [(i, found[i]) for i in order]
        self._live_starts = [spans[i][0] for i in order]
        self._live_ends = [spans[i][1] for i in order]
        self._longest_finding = max([e - b for b, e in spans] + [1])

    def _caption_frames(self, duration: float) -> int:
        """Frames a beat of ``duration`` s stays captioned: ``max(duration, 1.5 s)``, at least 1."""
        return max(1, self.tb.frames_in(max(CAPTION_SECONDS, duration)))

    def live_span(self, f) -> tuple[int, int]:
        """Frames ``[start, end)`` during which safety finding ``f`` is live (shown):

        - ``clearance``, ``lying-body`` (reported at the closest moment): within
          :data:`CLEARANCE_LIVE_SECONDS` of it;
        - a hazard zone (``no-go``, ``pyro``): from the entry until the body leaves
          (``exit``, the exit frame's time rounded to 1 ms: the nearest frame is that frame);
        - ``landing``: from the fall's (or throw's) first frame until
          :data:`CLEARANCE_LIVE_SECONDS` after the landing frame;
        - ``reach``: while the beat's caption shows, from its first frame for
          ``max(duration, 1.5 s)``."""
        near = self._near
        if f.kind in ("clearance", "lying-body"):
            return f.frame - near, f.frame + near + 1
        if f.kind == "landing":
            return f.start, f.frame + near + 1
        if f.kind == "reach":
            return f.start, f.start + self._caption_frames(f.duration)
        return f.frame, self.tb.frames_in(f.exit)

    def active_beats(self, frame: int) -> tuple:
        """Beats active at ``frame``: from their frame for ``max(duration, 1.5 s)``, at
        least one frame, oldest first, at most :data:`MAX_CAPTIONS` (the newest)."""
        lo = bisect.bisect_left(self._beat_frames, frame - self._longest + 1)
        hi = bisect.bisect_right(self._beat_frames, frame)
        out = [b for b, n in zip(self._beats[lo:hi], self._spans[lo:hi]) if b.frame <= frame < b.frame + n]
        return tuple(out[-MAX_CAPTIONS:])

    def live_findings(self, frame: int) -> tuple:
        """The plan's safety findings live at ``frame`` (:meth:`live_span`), in the plan's
        order."""
        lo = bisect.bisect_left(self._live_starts, frame - self._longest_finding + 1)
        hi = bisect.bisect_right(self._live_starts, frame)
        out = sorted((i, f) for (i, f), end in zip(self._findings[lo:hi], self._live_ends[lo:hi]) if frame < end)
        return tuple(f for _, f in out)

    def at(self, frame: int, *, walked: tuple[str, tuple] | None = None) -> FrameTruth:
        """What is true at ``frame``. ``walked``: ``(Henry's name, findings)`` for a Henry
        walked by hand (:func:`henry_findings_at`): they replace the plan's findings about
        the scripted Henry, and come first."""
        frame = int(frame)
        tl = self.timeline
        cut = last = None
        i = bisect.bisect_right(self._cut_frames, frame) - 1
        if i >= 0:
            last = self._cuts[i]
            cut = last if last.frame == frame else None
        shot = tl.shot_at(frame)
        over = tl.over_max[shot - 1] if shot - 1 < len(tl.over_max) else False
        in_view = self._shots[shot - 1].performers_in_view if shot - 1 < len(self._shots) else ()
        beats = self.active_beats(frame)
        findings = self.live_findings(frame)
        if walked is not None:
            name, own = walked
            findings = tuple(own) + tuple(f for f in findings if name not in f.who)
        return FrameTruth(
            frame=frame, time=self.tb.time_of(frame), timecode=self.tb.timecode(frame),
            shot=shot, shots=tl.shots, over_max_take=bool(over), next_cut=tl.next_cut(frame),
            prev_cut=tl.prev_cut(frame), cut=cut, last_cut=last, suggested_cut=self._suggested.get(frame),
            on_cut=tl.is_cut(frame), beats=beats, captions=tuple(caption(b) for b in beats), findings=findings,
            warnings=tuple(dict.fromkeys(finding_text(f) for f in findings)), in_view=tuple(in_view))


def live_cut_swings(yaws, fps: float, settings) -> list:
    """Turn cuts (:class:`~previs.plan.cuts.Swing`) of the yaw walked so far (deg, one per
    tick), by the planner's own rules and thresholds (``settings``: a PlanSettings). Run on
    a recorded take's ticks, this is exactly the cuts a replay of the take plans."""
    return turn_cuts(find_swings(np.asarray(yaws, float), fps), settings.turn_cut_speed, settings.turn_cut_angle)


@dataclass(frozen=True)
class _FrameMotion:
    """A replay whose only real frame is its last: the shape :mod:`previs.plan.safety`'s
    and :mod:`previs.plan.safety_bodies`' rules read (``track.fps``, ``henry_xz``,
    ``perf_xz``, ``perf_down``, ``perf_facing``)."""

    track: object
    henry_xz: np.ndarray
    perf_xz: np.ndarray
    perf_down: np.ndarray
    perf_facing: np.ndarray | None = None


@dataclass(frozen=True)
class _TrackClock:
    """The part of a CameraTrack the safety rules read: its rate and time base."""

    fps: float
    time_base: TimeBase


FAR = 1e9
"""Metres: where the filler frames before the asked one put every body, out of every zone."""


def henry_findings_at(level, fs, safety_distance: float) -> tuple:
    """Safety findings about Henry at one frame ``fs`` (a FrameState) of a walked track,
    which has no plan yet: the planner's own clearance and hazard-zone rules
    (:func:`~previs.plan.safety.clearance_findings`, :func:`~previs.plan.safety.zone_findings`)
    and lying-body rule (:func:`~previs.plan.safety_bodies.lying_body_findings`) asked about
    frame ``fs.frame`` alone.

    Contact windows are absolute frames, so the question is a replay of ``fs.frame + 1``
    frames whose earlier frames hold every body :data:`FAR` away with every performer down
    (never close). Only the performers whose centre is within
    ``safety_distance`` + both radii + 1 m of Henry are put in it (the others cannot be
    too close to him): at frame 4235 of the finale (103 performers) that is 1.4 ms
    instead of 55."""
    f = int(fs.frame)
    hx, hz = (float(v) for v in fs.henry_xz)
    xz_all = np.asarray(fs.perf_xz, float).reshape(-1, 2)
    radii = np.array([p.radius for p in level.performers], float)
    reach = safety_distance + level.henry.radius + radii + 1.0
    keep = np.flatnonzero(np.hypot(xz_all[:, 0] - hx, xz_all[:, 1] - hz) < reach)
    near = replace(level, performers=tuple(level.performers[i] for i in keep))
    P = len(keep)
    henry = np.full((f + 1, 2), FAR)
    henry[f] = (hx, hz)
    perf = np.full((f + 1, P, 2), FAR)
    perf[f] = xz_all[keep]
    down = np.ones((f + 1, P), bool)
    down[f] = np.asarray(fs.perf_down, bool)[keep]
    tb = time_base_of(level.settings)
    m = _FrameMotion(_TrackClock(float(tb.fps), tb), henry, perf, down)
    # Zone entries do not depend on the frame number: one frame, Henry alone.
    alone = _FrameMotion(m.track, henry[f:], perf[f:, :0], down[f:, :0])
    name = level.henry.name or "Henry"
    found = list(clearance_findings(near, m, safety_distance))
    found += zone_findings(replace(level, performers=()), alone)
    found += _lying_findings_at(level, fs, henry, safety_distance, tb)
    return tuple(x for x in found if name in x.who)


def _lying_findings_at(level, fs, henry: np.ndarray, safety_distance: float, tb) -> list:
    """:func:`~previs.plan.safety_bodies.lying_body_findings` for Henry (``henry``: the
    filler frames, then his position on the asked frame) at frame ``fs.frame``: the
    performers down on it lie there from frame 0 with the facing they show (held since
    they went down, :mod:`previs.sim.facing`), so each footprint, fixed on its first down
    frame, is the one drawn. Only those whose feet are within ``safety_distance`` + his
    radius + their radius + their height of Henry can be too close to him."""
    from .safety_bodies import lying_body_findings

    down = np.asarray(fs.perf_down, bool)
    if not down.any():
        return []
    f = int(fs.frame)
    xz = np.asarray(fs.perf_xz, float).reshape(-1, 2)
    size = np.array([p.radius + p.height for p in level.performers], float)
    near = np.hypot(xz[:, 0] - henry[f, 0], xz[:, 1] - henry[f, 1]) < safety_distance + level.henry.radius + size
    lie = np.flatnonzero(down & near)
    if not lie.size:
        return []
    clock, facing, out = _TrackClock(float(tb.fps), tb), np.asarray(fs.perf_facing, float), []
    # Only Henry's contact beats can excuse him touching a lying body; the rule scans the
    # beats once per body.
    hid = level.henry.id
    his = tuple(b for b in level.beats if b.is_contact and hid in (b.actor, b.target))
    # One lying body at a time: two bodies on the floor together are no finding, and alone
    # each is measured against Henry on the asked frame only (the filler frames hold him
    # FAR away): 20 bodies lie near him at frame 4235 of the finale.
    for i in lie.tolist():
        m = _FrameMotion(clock, henry, np.broadcast_to(xz[i], (f + 1, 1, 2)), np.ones((f + 1, 1), bool),
                         np.full((f + 1, 1), facing[i]))
        one = replace(level, performers=(level.performers[i],), beats=his)
        out += lying_body_findings(one, m, safety_distance, tb)
    return out
