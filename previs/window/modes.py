"""The window's modes, one object each (as Arcade's views are): what a tick does, which
frame is shown from where, and what the HUD says about cuts.

- :class:`WatchMode`: the scripted camera (or a take being watched) plays.
- :class:`WalkMode`: you are Henry. Each tick folds one :class:`~previs.sim.walker.TickCmd`
  through ``walker.step`` (the fold a take's replay uses); turn cuts are found live by the
  planner's own rules on the ticks walked so far (:class:`LiveCuts`).
- :class:`FreeMode`: a fly camera off Henry; the fight plays as in watch mode.

A mode object lives from the moment the window enters the mode until it leaves it: the
:class:`~previs.window.app.App` makes a new one on each switch. Frame numbering in walk
mode follows the take format: tick ``k`` of a session started at frame ``s`` shows frame
``s + k`` with the state *after* command ``k``; before the first tick the window shows
frame ``s`` with Henry where the session started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..plan.frame_truth import FrameTruths, Timeline, henry_findings_at, live_cut_swings
from ..sim.facing import facing_at, target_events
from ..sim.head_motion import camera_on_head
from ..sim.motion import FrameState
from ..sim.script import performer_motion
from ..sim.walker import WalkState, step
from .freecam import FreeCam
from .hud import hud_from_truth

MODES = ("watch", "walk", "free")
TRAIL_STEP = 0.25  # metres between minimap trail points
TRAIL_MAX = 4000
EXTEND_SECONDS = 60.0  # walk past the scripted end: performers are simulated this much further at a time


class WatchMode:
    """The scripted fight (or the watched take) plays; the playhead may be moved."""

    name = "watch"

    def enter(self, app) -> None:
        app.frame = app.clamp(app.frame)

    def grabs_mouse(self, app) -> bool:
        return False

    def tick(self, app) -> None:
        if app.frame < app.last_frame:
            app.frame += 1
        if app.frame >= app.last_frame:
            app.playing = False

    def state(self, app) -> FrameState:
        return app.script.snapshot(app.frame)

    def camera(self, app, fs):
        """(camera or None for Henry's eyes, draw Henry's body too)."""
        return None, False

    def poses(self, app, fs):
        """The bodies' FramePoses at ``fs``: the watched motion's."""
        return app.bodies.watched(app.script, fs.frame)

    def work_ahead(self, app, fs) -> None:
        """One stage of the next block of poses (BodyPoses.work_ahead), after the flip: a
        block at once is ~9 ms on one frame in eight, a stage at most ~2.5 ms."""
        app.bodies.work_ahead(app.script, fs.frame)

    def timeline(self, app) -> Timeline:
        return app.timeline

    def seek(self, app, frame: int) -> None:
        app.frame = app.clamp(frame)

    def jump_cut(self, app, direction: int) -> None:
        app.seek(app.timeline.jump(app.frame, direction))

    def update(self, app, dt: float) -> None:
        """Once per drawn frame, with ``dt`` seconds of real time."""

    def hud(self, app, fs, **common):
        mode = self.name
        if self.name == "watch" and (app.take is not None or getattr(app, "watch_edit", False)):
            mode = "watch take" if app.take is not None else "watch edit"
        truth = app.truths.at(fs.frame)
        hs = hud_from_truth(truth, app.level, app.timeline, mode=mode, **common)
        return hs, app.timeline.cuts


class FreeMode(WatchMode):
    """A fly camera off Henry for checking blocking; it never touches the fight."""

    name = "free"

    def __init__(self, view: FrameState):
        self.cam = FreeCam.behind(view)

    def grabs_mouse(self, app) -> bool:
        return True

    def camera(self, app, fs):
        return self.cam.camera(fs.hfov), True

    def update(self, app, dt: float) -> None:
        inp = app.input
        f, s = inp.axes()
        rise = inp.rise()
        turn, look = -inp.mouse_dx * inp.sensitivity, -inp.mouse_dy * inp.sensitivity
        inp.mouse_dx = inp.mouse_dy = 0.0
        self.cam.update(dt, f, s, rise, inp.running, turn, look)


class LiveCuts:
    """Turn cuts of the yaw walked so far, by the planner's own rules and thresholds
    (:func:`previs.plan.frame_truth.live_cut_swings` with the level's PlanSettings): on
    a recorded take's ticks it is exactly the cuts the take's replay plans."""

    def __init__(self, fps: float, settings):
        self.fps, self.settings = float(fps), settings
        self.cuts: list[int] = []

    def update(self, yaws, start_frame: int) -> int | None:
        """Recount on the ticks so far (``yaws[k]`` at frame ``start_frame + k``); returns
        a cut frame that was not a cut before this tick, if any (the latest)."""
        before = set(self.cuts)
        self.cuts = [start_frame + s.peak_frame for s in live_cut_swings(yaws, self.fps, self.settings)]
        new = [f for f in self.cuts if f not in before]
        return new[-1] if new else None


@dataclass
class WalkSession:
    """Henry walked by hand from ``start_frame``; ``state`` after ``ticks`` commands."""

    start_frame: int
    state: WalkState
    ticks: int = 0
    recording: bool = False
    history: list = field(default_factory=list)  # (x, z, yaw, pitch) per tick, while recording
    yaws: list = field(default_factory=list)  # yaw per tick (live cut count)
    walked: list = field(default_factory=list)  # Henry's (x, z) per tick: tick k is frame start_frame + k
    trail: list = field(default_factory=list)
    cut_seen: list = field(default_factory=list)  # frames on which a new turn cut was found


class WalkMode:
    """You are Henry: WASD + mouse, Shift runs, walls collide; the fight plays around you."""

    name = "walk"

    def __init__(self, app, frame: int, state: WalkState, recording: bool = False):
        self.restart(app, frame, state, recording)
        self._pm = None  # performer motion, extended on demand
        self._events = target_events(app.level)
        self._level = app.level
        self._truths: tuple[tuple, FrameTruths] | None = None
        self._findings: tuple[tuple, tuple] | None = None

    def restart(self, app, frame: int, state: WalkState, recording: bool = False) -> None:
        """Walk from ``frame`` with Henry at ``state`` (cuts found before are dropped)."""
        app.frame = frame
        self.session = WalkSession(frame, state, recording=recording)
        self.live = LiveCuts(app.fps, app.plan_settings)

    def enter(self, app) -> None:
        pass

    def grabs_mouse(self, app) -> bool:
        return app.playing

    def seek(self, app, frame: int) -> None:
        self.restart(app, app.clamp(frame), self.session.state)

    def jump_cut(self, app, direction: int) -> None:
        app.say("cuts of a walked track are only known as you make them")

    def update(self, app, dt: float) -> None:
        pass

    def camera(self, app, fs):
        return None, False

    def poses(self, app, fs):
        """The script's poses moved to where the walk has everyone (see window/poses.py)."""
        return app.bodies.walked(app.script, fs)

    def _ensure_pm(self, app, frames: int):
        if self._level is not app.level:  # hot reload: new performers, new beats
            self._pm, self._events, self._level = None, target_events(app.level), app.level
        if self._pm is None or self._pm[0].shape[0] < frames:
            n = max(frames + int(EXTEND_SECONDS * app.fps), app.script.frames)
            self._pm = performer_motion(app.level, n)
        return self._pm

    def tick(self, app) -> None:
        w = self.session
        cmd = app.input.tick_cmd()
        if w.ticks > 0:
            app.frame += 1
        w.state = step(app.level, w.state, cmd)
        w.ticks += 1
        s = w.state
        if app.recorder is not None and app.record(cmd):
            w.history.append((s.x, s.z, s.yaw, s.pitch))
        w.yaws.append(s.yaw)
        w.walked.append((s.x, s.z))
        if not w.trail or math.hypot(s.x - w.trail[-1][0], s.z - w.trail[-1][1]) >= TRAIL_STEP:
            w.trail.append((s.x, s.z))
            if len(w.trail) > TRAIL_MAX:
                del w.trail[: TRAIL_MAX // 4]
        if self.live.update(w.yaws, w.start_frame) is not None:
            w.cut_seen.append(app.frame)  # flash when it is found, during or just after the whip

    def state(self, app) -> FrameState:
        f = app.frame
        xz, down, walk_yaw, moving = self._ensure_pm(app, f + 1)
        s = self.session.state
        st = app.level.settings
        # Standing performers watch the walked Henry, as a take's replay shows them; a downed
        # one keeps the facing of his down frame, toward Henry where he was then (the script's
        # Henry before this walk started).
        facing = facing_at(self._events, f, walk_yaw, moving, xz, down, self._henry_at_frame(app))
        # The lens on the mount, as the take's replay puts it (previs.sim.head_motion); the
        # gait bob of stabilise < 1 needs the walked history, so only the replay shows it.
        one = np.ones(1)
        lens, roll = camera_on_head(st, np.array([[s.x, s.z]]), s.yaw * one, s.yaw * one, s.pitch * one, 0 * one,
                                    floors=app.level.walls.floors)  # live: the floor under him, unsmoothed
        return FrameState(
            frame=f, time=f / app.fps, eye=tuple(float(v) for v in lens[0]), yaw=s.yaw, pitch=s.pitch,
            roll=float(roll[0]), hfov=float(st.hfov), henry_xz=(s.x, s.z), perf_xz=xz[f], perf_facing=facing,
            perf_down=down[f])

    def _henry_at_frame(self, app):
        """Henry's (x, z) at frame ``r``: walked from ``start_frame`` on, the script's before."""
        w, script = self.session, app.script.henry_xz

        def at(r: int):
            k = r - w.start_frame
            if k < 0:
                return script[min(r, len(script) - 1)]
            return w.walked[k] if k < len(w.walked) else (w.state.x, w.state.z)
        return at

    def timeline(self, app) -> Timeline:
        return Timeline.from_cuts(self.live.cuts, max(app.script.frames, app.frame + 1), app.fps)

    def hud(self, app, fs, **common):
        tl = self.timeline(app)
        key = (tl, id(app.plan))
        if self._truths is None or self._truths[0] != key:
            st = app.level.settings
            self._truths = (key, FrameTruths(app.plan, timeline=tl, fps=st.fps, start_tc=st.start_tc))
        henry = app.level.henry.name or "Henry"
        where = (fs.frame, tuple(fs.henry_xz), id(app.level))  # redrawn while paused: asked once
        if self._findings is None or self._findings[0] != where:
            self._findings = (where, henry_findings_at(app.level, fs, app.plan_settings.safety_distance))
        own = self._findings[1]
        truth = self._truths[1].at(fs.frame, walked=(henry, own))
        st = app.level.settings
        hs = hud_from_truth(truth, app.level, tl, mode=self.name, trail=tuple(self.session.trail),
                            cut_note=f"turn \u2265{st.turn_cut_speed:g}\u00b0/s through "
                                     f"\u2265{st.turn_cut_angle:g}\u00b0 to cut", **common)
        return hs, tuple(self.session.cut_seen)
