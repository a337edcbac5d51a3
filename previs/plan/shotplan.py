"""The shot plan: one immutable, in-memory answer that every export and the report read.

:func:`build_plan` turns a camera track (and, for a level replay, the whole
:class:`~previs.sim.motion.Motion`) into a :class:`ShotPlan`: turn cuts with continuity
cards, shots with performers in view, beats and over-long-take suggestions, safety and
comfort findings. :meth:`ShotPlan.to_dict` is exactly the ``shotplan.json`` shape of
``docs/exports.md`` (``"format": "previs-shotplan/1"``).

Without a motion (``previs plan TRACK.csv``: no level) the plan has no performers in view,
no beats and no safety findings, and continuity cards carry only Henry.

**Rounding.** Values in the plan are already rounded as they are reported, so the JSON is
stable and readable: positions 0.001 m, angles 0.1 degree, times and durations 0.001 s,
yaw speeds 0.1 deg/s, clearances 0.01 m. Frames are exact integers; ``yaw_speed`` (kept
for plots, not written to JSON) is the unrounded per-frame curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

import numpy as np

from ..errors import PrevisError
from . import comfort as _comfort, lens_facts
from .continuity import Continuity, HenryPose, PerformerPose, continuity_at  # noqa: F401 (re-exported)
from .rounding import rounded as _r
from .cut_match import EditReport  # noqa: F401 (the type of ShotPlan.edit)
from .cuts import Swing, find_swings, turn_cuts, yaw_speed
from . import safety_bodies as _bodies
from .crowd import CrowdFinding, crowd_findings
from .safety import ENTERED_ZONE_KINDS, ClearanceFinding, body_names, ZoneFinding, clearance_findings, zone_findings
from .shots import SWING_KEYS, NoTurn, SuggestedCut, best_swing, shot_bounds
from ..level.lens_setting import lens_problem
from ..level.model import Settings as _LevelDefaults
from ..timebase import TimeBase, split_timecode
from .reel import reel_name

FORMAT = "previs-shotplan/1"


def _num(v: float):
    """An integral float as int (``150``), else the float: how a person writes settings."""
    v = float(v)
    return int(v) if v.is_integer() else v


@dataclass(frozen=True)
class PlanSettings:
    """Thresholds of the plan (degrees per second, degrees, seconds, metres). ``screen_fov``
    (degrees, 1-180) is the angle the screen fills for the seat the comfort figures are for
    and ``screen_comfort_speed`` (deg/s of the viewer's view) the on-screen threshold
    (:mod:`previs.plan.comfort`)."""

    turn_cut_speed: float = _LevelDefaults.turn_cut_speed
    turn_cut_angle: float = _LevelDefaults.turn_cut_angle
    max_take: float = _LevelDefaults.max_take
    safety_distance: float = _LevelDefaults.safety_distance
    comfort_speed: float = _comfort.DEFAULT_COMFORT_SPEED
    start_tc: str = _LevelDefaults.start_tc
    lens: str = _LevelDefaults.lens  # issue 14: a name in previs.lens.LENS_MODELS
    screen_fov: float = _comfort.DEFAULT_SCREEN_FOV
    screen_comfort_speed: float = _comfort.DEFAULT_SCREEN_COMFORT_SPEED

    def __post_init__(self):
        problems = []
        for f in fields(self):
            if f.name in ("start_tc", "lens"):
                continue
            v = getattr(self, f.name)
            try:
                v = float(v)
            except (TypeError, ValueError):
                problems.append(f"{f.name} must be a number, not {v!r}.")
                continue
            if not math.isfinite(v) or v <= 0:
                problems.append(f"{f.name} must be a positive number, not {v!r}.")
            object.__setattr__(self, f.name, v)
        if (bad := lens_problem(self.lens, None)) is not None:
            problems.append(f"{bad[0]}; {bad[1]}.")
        lo, hi = _comfort.SCREEN_FOV_RANGE
        if isinstance(self.screen_fov, float) and math.isfinite(self.screen_fov) and not lo <= self.screen_fov <= hi:
            problems.append(f"screen_fov must be {lo:g}-{hi:g} degrees ({_comfort.SCREEN_FOV_EXAMPLES}), "
                            f"not {self.screen_fov:g}.")
        if problems:
            raise PrevisError(problems)
        split_timecode(self.start_tc)  # shape only; frames < fps is checked in build_plan

    @classmethod
    def from_level(cls, settings, **overrides) -> "PlanSettings":
        """Thresholds from a level's :class:`~previs.level.model.Settings`, with keyword
        ``overrides`` (e.g. from the command line) replacing them; ``None`` values are
        ignored so ``plan_overrides(args)`` can be passed straight in."""
        base = cls(
            turn_cut_speed=settings.turn_cut_speed,
            turn_cut_angle=settings.turn_cut_angle,
            max_take=settings.max_take,
            safety_distance=settings.safety_distance,
            start_tc=settings.start_tc,
            lens=settings.lens,
        )
        return base.with_overrides(**overrides)

    def with_overrides(self, **overrides) -> "PlanSettings":
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown plan setting(s): {', '.join(unknown)}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict:
        return {
            "turn_cut_speed": _num(self.turn_cut_speed),
            "turn_cut_angle": _num(self.turn_cut_angle),
            "max_take": _num(self.max_take),
            "safety_distance": _num(self.safety_distance),
            "comfort_speed": _num(self.comfort_speed),
            "start_tc": self.start_tc,
            **lens_facts.settings_fields(self.lens),
            "screen_fov": _num(self.screen_fov),
            "screen_comfort_speed": _num(self.screen_comfort_speed),
        }


@dataclass(frozen=True)
class Cut:
    """A turn cut. ``index`` is 1-based; the cut's frame is the first frame of shot
    ``index + 1``. ``settle_frame`` is where its swing settles (the head holds on what it
    turned to, :attr:`~previs.plan.cuts.Swing.settle_frame`): the frame its pictures show."""

    index: int
    frame: int
    time: float
    timecode: str
    direction: str  # "left" | "right"
    angle: float
    peak_speed: float
    continuity: Continuity
    settle_frame: int = 0
    settle_timecode: str = ""

    def to_dict(self) -> dict:
        return {**{k: getattr(self, k) for k in SWING_KEYS}, "settle_frame": self.settle_frame,
                "settle_timecode": self.settle_timecode, "continuity": self.continuity.to_dict()}


@dataclass(frozen=True)
class BeatRef:
    """A beat as it shows in a shot. ``frame`` is the frame it takes effect on (the frame
    the simulation fires it on, :meth:`~previs.timebase.TimeBase.frame_at`) and
    ``end_frame`` the first frame after ``[t, t + duration)``; ``duration`` seconds;
    ``by_henry``: Henry is the actor."""

    t: float
    actor: str
    action: str
    target: str | None
    note: str
    frame: int
    duration: float
    by_henry: bool = False
    end_frame: int = 0

    def to_dict(self) -> dict:
        d = {"t": self.t, "actor": self.actor, "action": self.action, "target": self.target}
        if self.note:
            d["note"] = self.note
        return d

    @property
    def label(self) -> str:
        """``"Henry look Goon 1"``: actor, action, target."""
        return " ".join(p for p in (self.actor, self.action, self.target) if p)


@dataclass(frozen=True)
class Shot:
    """Frames ``[start_frame, end_frame)``; ``index`` is 1-based (``Shot 001``)."""

    index: int
    start_frame: int
    end_frame: int
    start_tc: str
    end_tc: str  # timecode of end_frame: the first frame after the shot (EDL record out)
    duration: float
    over_max_take: bool
    performers_in_view: tuple[str, ...] = ()
    beats: tuple[BeatRef, ...] = ()
    suggested_cut: SuggestedCut | NoTurn | None = None

    @property
    def name(self) -> str:
        return f"Shot {self.index:03d}"

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "start_frame": self.start_frame,
            "end_frame": self.end_frame,
            "start_tc": self.start_tc,
            "end_tc": self.end_tc,
            "duration": self.duration,
            "over_max_take": self.over_max_take,
            "performers_in_view": list(self.performers_in_view),
            "beats": [b.to_dict() for b in self.beats],
            "suggested_cut": None if self.suggested_cut is None else self.suggested_cut.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class ShotPlan:
    """The whole plan, and everything an export needs: ``track`` is the camera track it was
    planned from (:class:`~previs.sim.track.CameraTrack`, frames ``[0, frames)``);
    ``level`` is the level's path relative to its project and ``revision`` its content
    revision (:mod:`previs.level.revision`; both None for a plain track), ``title``, ``fps``
    and ``settings.start_tc`` the level facts. Every writer in :mod:`previs.export` reads
    only the plan."""

    level: str | None
    title: str
    fps: float
    frames: int
    duration: float
    settings: PlanSettings
    cuts: tuple[Cut, ...]
    shots: tuple[Shot, ...]
    safety: tuple[ClearanceFinding | ZoneFinding | _bodies.LyingBodyFinding | _bodies.LandingFinding | CrowdFinding
                  | _bodies.ReachFinding, ...]
    comfort: _comfort.Comfort
    track: "CameraTrack" = field(repr=False)
    has_motion: bool = False
    swings: tuple[Swing, ...] = ()
    yaw_speed: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    format: str = FORMAT
    revision: str | None = None
    cast: tuple[tuple[str, str], ...] = ()
    """``(name, prop)`` of Henry, then every performer in map order (prop ``""``: empty
    hands); empty without a level. For the shot list (:mod:`previs.export.shotlist`)."""
    zone_entries: tuple[ZoneFinding, ...] = ()
    """Every entry of a body into a ``no-go``, ``pyro``, ``rig`` or ``set`` zone
    (:data:`~previs.plan.safety.ENTERED_ZONE_KINDS`), by frame; the hazardous ones are
    also in ``safety``. Not in ``shotplan.json``; the shot list reads it."""
    edit: "EditReport | None" = None  # issue 19: the plan of an assembled edit (previs.plan.cut_match)

    @cached_property
    def time_base(self) -> TimeBase:
        """The plan's :class:`~previs.timebase.TimeBase` (its fps and ``start_tc``)."""
        return TimeBase(self.fps, self.settings.start_tc)

    @property
    def reel(self) -> str:
        """The reel (tape) name of the plan's media (:mod:`previs.plan.reel`)."""
        return reel_name(self.level)

    @property
    def start_frame(self) -> int:
        """Absolute frame count of ``start_tc`` (timecode of frame 0) at nominal fps."""
        return self.time_base.start_frame

    @property
    def nominal_fps(self) -> int:
        return self.time_base.nominal_rate

    def timecode(self, frame: int) -> str:
        return self.time_base.timecode(frame)

    def to_dict(self) -> dict:
        """The ``shotplan.json`` document (docs/exports.md), keys in the contract's order."""
        return {
            "format": self.format,
            "level": self.level,
            "revision": self.revision,
            "title": self.title,
            "fps": _num(self.fps),
            "frames": self.frames,
            "duration": self.duration,
            "settings": self.settings.to_dict(),
            "cuts": [c.to_dict() for c in self.cuts],
            "shots": [s.to_dict() for s in self.shots],
            "safety": [f.to_dict() for f in self.safety],
            "comfort": self.comfort.to_dict(),
            # issue 16, added at the end as the format's rule asks (docs/exports.md)
            "rate": self.time_base.rate_text,
            "drop_frame": self.time_base.drop_frame,
            "reel": self.reel,
            # Only a plan of an edit has this key, so other plans' JSON is unchanged.
            **({"edit": self.edit.to_dict()} if self.edit is not None else {}),
        }


def _beat_refs(level, tb: TimeBase) -> list[BeatRef]:
    def name(obj_id):
        if obj_id is None:
            return None
        if (m := level.mark(obj_id)) is not None:  # a door, a window: looked at, no body
            return m.name
        try:
            a = level.actor(obj_id)
        except KeyError:
            return f"object {obj_id}"
        return a.name or ("Henry" if a.kind == "henry" else f"performer {a.id}")

    out = []
    for b in level.beats:
        span = tb.span(b.t, b.duration)
        out.append(
            BeatRef(
                t=_r(b.t, 3),
                actor=name(b.actor),
                action=b.action,
                target=name(b.target),
                note=b.note or "",
                frame=span.start,
                duration=float(b.duration),
                by_henry=b.actor == level.henry.id,
                end_frame=span.stop,
            )
        )
    return out


def build_plan(
    track,
    *,
    settings: PlanSettings,
    motion=None,
    level_path: str | None = None,
    title: str = "",
) -> ShotPlan:
    """Plan a camera track. With ``motion`` (a level replay, whose ``track`` it must match
    frame for frame) the plan also has performers in view, beats, safety findings and full
    continuity cards. ``level_path`` is written as the plan's ``level`` (default: the
    motion's level path relative to its project); ``title`` defaults to the level's title."""
    fps = float(track.fps)
    n = len(track)
    level = motion.level if motion is not None else None
    if motion is not None and len(motion.track) != n:
        raise ValueError(f"motion has {len(motion.track)} frames but the track has {n}")
    tb = TimeBase(fps, settings.start_tc)  # range check at this fps (frames < fps)

    speed = yaw_speed(track.yaw, fps)
    swings = find_swings(track.yaw, fps, speed=speed)
    cut_swings = turn_cuts(swings, settings.turn_cut_speed, settings.turn_cut_angle)
    bounds = shot_bounds([s.peak_frame for s in cut_swings], n)

    tc = tb.timecode

    def swing_fields(s) -> dict:
        """A swing as a cut or a suggested cut reports it (:data:`SWING_KEYS`), rounded."""
        return dict(frame=s.peak_frame, time=_r(tb.time_of(s.peak_frame), 3), timecode=tc(s.peak_frame),
                    direction=s.direction_name, angle=_r(s.angle, 1), peak_speed=_r(s.peak_speed, 1))

    cuts = tuple(
        Cut(index=i + 1, **swing_fields(s), continuity=continuity_at(track, motion, s.peak_frame),
            settle_frame=s.settle_frame, settle_timecode=tc(s.settle_frame))
        for i, s in enumerate(cut_swings)
    )

    in_view: list[list[int]] = [[] for _ in bounds]
    beats: list[BeatRef] = []
    safety: list = []
    entries: list = []
    cast: tuple = ()
    if motion is not None:
        from .visibility import in_view_per_shot, visible_frames

        vis = visible_frames(level, motion)
        in_view = in_view_per_shot(vis, bounds)
        beats = _beat_refs(level, tb)
        safety = list(clearance_findings(level, motion, settings.safety_distance))
        safety += zone_findings(level, motion)
        safety += _bodies.lying_body_findings(level, motion, settings.safety_distance, time_base=tb)
        safety += _bodies.landing_findings(level, motion, tb) + _bodies.reach_findings(level, motion, tb)
        safety += crowd_findings(level, motion, tb)
        safety.sort(key=lambda s: (s.frame, s.kind, s.who))
        entries = zone_findings(level, motion, kinds=ENTERED_ZONE_KINDS)
        cast = tuple(zip(body_names(level), (a.prop for a in (level.henry, *level.performers))))

    shots = []
    for i, (start, end) in enumerate(bounds):
        dur = tb.time_of(end - start)
        over = dur > settings.max_take + 1e-9
        suggestion = None
        if over:
            sw = best_swing(swings, start, end, settings.turn_cut_speed, settings.turn_cut_angle)
            if sw is None:
                suggestion = NoTurn()
            else:
                suggestion = SuggestedCut(**swing_fields(sw))
        names = tuple(level.performers[p].name for p in in_view[i]) if level is not None else ()
        shots.append(
            Shot(
                index=i + 1,
                start_frame=start,
                end_frame=end,
                start_tc=tc(start),
                end_tc=tc(end),
                duration=_r(dur, 3),
                over_max_take=bool(over),
                performers_in_view=names,
                beats=tuple(b for b in beats if start <= b.frame < end),
                suggested_cut=suggestion,
            )
        )

    revision = None
    if level is not None:
        from ..level.revision import project_path, revision as level_revision

        level_path = project_path(level.source) if level_path is None else level_path
        revision = level_revision(level)
    if not title and level is not None:
        title = level.settings.title
    speed_ro = speed.copy()
    speed_ro.flags.writeable = False
    return ShotPlan(
        level=level_path,
        title=title or "",
        fps=fps,
        frames=n,
        duration=_r(tb.time_of(n), 3),
        settings=settings,
        cuts=cuts,
        shots=tuple(shots),
        safety=tuple(safety),
        comfort=_comfort.comfort(speed, track.hfov, fps, bounds, cut_swings, comfort_speed=settings.comfort_speed,
                                 screen_fov=settings.screen_fov, screen_comfort_speed=settings.screen_comfort_speed),
        track=track,
        has_motion=motion is not None,
        swings=tuple(swings),
        yaw_speed=speed_ro,
        revision=revision,
        cast=cast,
        zone_entries=tuple(entries),
    )
