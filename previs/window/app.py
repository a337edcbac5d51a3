"""``previs walk``: the first-person window.

Modes
    **watch**  the scripted camera (Henry's eyes from ``simulate(level)``).
    **walk**   you are Henry: WASD + mouse, Shift runs, walls collide (``walker.step``);
               the choreography plays around you. F5 records a take.
    **free**   a fly camera off Henry for checking blocking; it never touches the fight.

The loop has a fixed timestep: real time (from an injectable clock) is accumulated *here*,
times the playback speed, and spent in whole simulation ticks at the level's fps; the
simulation never reads a clock. In walk mode each tick turns the held keys and the mouse
motion since the last tick into one :class:`~previs.sim.walker.TickCmd` and folds it
through ``walker.step``, the same fold :func:`previs.sim.take.replay_take` uses, so the
camera you saw while recording *is* the take's replay, bit for bit.

Frame numbering in walk mode follows the take format: tick ``k`` of a session started at
frame ``s`` shows frame ``s + k`` with the state *after* command ``k``. Before the first
tick the window shows frame ``s`` with Henry where the session started.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from ..gl.glapi import use_offscreen_driver_if_headless  # noqa: I001  (sets SDL/pygame env before pygame loads)

use_offscreen_driver_if_headless()

import pygame  # noqa: E402

from ..errors import PrevisError, TakeError
from ..sim.motion import FrameState
from ..sim.script import performer_motion, simulate, wrap180, yaw_towards
from ..sim.walker import WalkState, start_state, step
from ..gl.view_camera import Camera
from .clock import FakeClock, RealClock
from ..gl.context import create_window
from .controls import BINDINGS, RECORD_KEY, SPEEDS, InputState
from .freecam import FreeCam
from .hud import Timeline, henry_warnings, hud_state, plan_warnings
from .recorder import Recorder
from .reload import Broken, LevelWatcher, Reloaded
from ..gl.renderer import NO_OVERLAYS, Overlays, Renderer

MODES = ("watch", "walk", "free")
TOAST_SECONDS = 4.0
TRAIL_STEP = 0.25  # metres between minimap trail points
TRAIL_MAX = 4000
EXTEND_SECONDS = 60.0  # walk past the scripted end: performers are simulated this much further at a time
LIVE_CUT_WINDOW = 3.0  # seconds of walked yaw examined for a just-finished turn cut


@dataclass
class WalkSession:
    """Henry walked by hand from ``start_frame``; ``state`` after ``ticks`` commands."""

    start_frame: int
    state: WalkState
    ticks: int = 0
    recording: bool = False
    history: list = field(default_factory=list)  # (x, z, yaw, pitch) per tick, while recording
    yaws: list = field(default_factory=list)  # yaw per tick (live cut detection)
    trail: list = field(default_factory=list)
    cut_seen: list = field(default_factory=list)  # frames on which a turn cut was found


class LiveCuts:
    """Turn cuts of a walked yaw curve found as they happen (after the swing ends), by the
    shot planner's own swing rules (:mod:`previs.plan.cuts`)."""

    def __init__(self, fps: float, speed: float, angle: float):
        self.fps, self.speed, self.angle = float(fps), float(speed), float(angle)
        self.cuts: list[int] = []

    def update(self, yaws: list, start_frame: int) -> int | None:
        """A newly finished cut's frame, if the last tick finished one."""
        try:
            from ..plan.cuts import find_swings
        except ImportError:  # pragma: no cover
            return None
        n = len(yaws)
        k = max(0, n - int(LIVE_CUT_WINDOW * self.fps))
        window = np.asarray(yaws[k:], float)
        if len(window) < 3:
            return None
        found = None
        for s in find_swings(window, self.fps):
            if s.last >= len(window) - 2 or s.first == 0:
                continue  # still turning, or began before the window
            f = start_frame + k + s.peak_frame
            if s.is_cut(self.speed, self.angle) and f not in self.cuts and f > (self.cuts[-1] if self.cuts else -1):
                self.cuts.append(f)
                found = f
        return found


class App:
    """The window. ``level_path`` (hot-reloaded) or ``level`` (a Level object, no reload).

    Tests drive it headless: post pygame events, then ``run(max_ticks=N, clock=FakeClock())``
    (repeatable; state carries over between calls)."""

    def __init__(self, level_path: str | os.PathLike | None = None, *, level=None,
                 size: tuple[int, int] = (1280, 720), mode: str = "watch", fullscreen: bool = False,
                 takes_dir: str | os.PathLike = "takes", loader=None, sensitivity: float | None = None,
                 overlays: bool = False, start_time: float = 0.0, vsync: bool = True, echo=None,
                 on_draw=None, take: str | os.PathLike | None = None):
        if mode not in MODES:
            raise PrevisError(f"--mode {mode!r}: choose one of {', '.join(MODES)}.")
        self.level_path = os.fspath(level_path) if level_path is not None else None
        self._loader = loader
        if level is None:
            if self.level_path is None:
                raise ValueError("App needs a level_path or a level")
            level = self._load(self.level_path)
        self.echo = echo or (lambda msg: print(msg, flush=True))
        # A recorded take to watch instead of the scripted camera (read once; replayed on
        # each version of the level it still matches).
        self.take = None
        if take is not None:
            from ..sim.take import check_take, read_take

            self.take = read_take(take)
            check_take(self.take, level)  # refuse a take of another level before the window opens
        self.on_draw = on_draw
        self.takes_dir = takes_dir
        title = f"previs walk \u2014 {level.settings.title}"
        self.ctx = create_window(size, title=title, fullscreen=fullscreen, vsync=vsync)
        try:
            self._init(level, size, mode, takes_dir, sensitivity, overlays, start_time)
        except BaseException:
            self.ctx.close()
            raise

    def _init(self, level, size, mode, takes_dir, sensitivity, overlays, start_time) -> None:
        surf = pygame.display.get_surface()
        self.size = surf.get_size() if surf is not None else tuple(size)
        self.renderer: Renderer | None = None
        self.watcher = LevelWatcher(self.level_path, loader=self._load) if self.level_path else None
        self.input = InputState(sensitivity) if sensitivity is not None else InputState()
        self.mode = "watch"
        self.frame = 0
        self.playing = True
        self.speed_index = SPEEDS.index(1.0)
        self.ticks = 0  # simulation ticks run since the window opened
        self.overlays = Overlays.all() if overlays else NO_OVERLAYS
        self.show_help = False
        self.show_hud = True
        self.show_minimap = True
        self.errors: tuple[str, ...] = ()
        self._toast: tuple[str, float] | None = None
        self._now = 0.0
        self._acc = 0.0
        self._grabbed = False
        self._dragging = False
        self.walk: WalkSession | None = None
        self.recorder: Recorder | None = None
        self.last_take: str | None = None
        self.last_take_states: np.ndarray | None = None
        self.freecam: FreeCam | None = None
        self.shown: FrameState | None = None
        self._drawn_frame: int | None = None
        self._clock = None
        self._last_time = 0.0
        self.running = False
        self._set_level(level)
        # Straight into the window's back buffer: blitting a 720p offscreen frame to the
        # window costs llvmpipe about as much as drawing the scene.
        self.renderer = Renderer(level, self.size, offscreen=False)
        if start_time:
            self.frame = self._clamp(int(round(start_time * level.settings.fps)))
        if mode != "watch":
            self.set_mode(mode)

    # -- level -----------------------------------------------------------------------------

    def _load(self, path):
        if self._loader is not None:
            return self._loader(path)
        from ..level.loader import load_level

        return load_level(path)

    def _set_level(self, level) -> None:
        self.level = level
        self.fps = int(level.settings.fps)
        self.script = self._replay(level)
        self.plan, self.timeline = self._plan(self.script)
        self._pm = None  # performer motion for walking, extended on demand
        self._targets = self._target_events(level)
        st = level.settings
        self.live_cuts = LiveCuts(self.fps, st.turn_cut_speed, st.turn_cut_angle)
        if self.renderer is not None:
            self.renderer.set_level(level)

    def _replay(self, level):
        """What watch mode plays: the take being watched, or the scripted fight (also when
        the level has changed so much that the take no longer replays on it)."""
        if self.take is not None:
            from ..sim.take import replay_take

            try:
                return replay_take(level, self.take)
            except TakeError as e:
                self.take = None
                self._say(f"{e.problems[0]} Showing the scripted fight.")
        return simulate(level)

    def _plan(self, motion):
        """(ShotPlan or None, Timeline) of the scripted replay."""
        n = motion.frames
        try:
            from ..plan.shotplan import PlanSettings, build_plan

            plan = build_plan(motion.track, settings=PlanSettings.from_level(motion.level.settings),
                              motion=motion)
            return plan, Timeline.from_plan(plan)
        except ImportError:
            pass
        except Exception as e:  # noqa: BLE001 - a planner bug must not close the window
            self._say(f"shot plan failed ({type(e).__name__}: {e}); showing the fight without cuts")
        try:
            from ..plan.cuts import detect_cuts

            st = motion.level.settings
            cuts = detect_cuts(motion.track, turn_cut_speed=st.turn_cut_speed, turn_cut_angle=st.turn_cut_angle)
            return None, Timeline.from_cuts([c.peak_frame for c in cuts], n, self.fps, st.max_take)
        except Exception:  # noqa: BLE001
            return None, Timeline.from_cuts((), n, self.fps)

    @staticmethod
    def _target_events(level):
        """Per performer, [(first frame, target)] of its look/contact beats (target -1 =
        Henry), as :func:`previs.sim.script.performer_facing` reads them."""
        fps = level.settings.fps
        ev = [[] for _ in level.performers]
        for b in level.beats:
            if b.actor == level.henry.id or b.target is None:
                continue
            try:
                p = level.performer_index(b.actor)
                tgt = -1 if b.target == level.henry.id else level.performer_index(b.target)
            except KeyError:
                continue
            ev[p].append((int(math.ceil(b.t * fps - 1e-9)), tgt))
        return [(tuple(f for f, _ in e), tuple(t for _, t in e)) for e in ev]

    def _apply_reload(self, level) -> None:
        if self.recorder is not None:
            self.stop_recording(" \u2014 the level changed, so the take ends here")
        keep = self.frame
        self._set_level(level)
        self.errors = ()
        if self.mode == "walk" and self.walk is not None:
            self.frame = max(0, keep)
            self._new_walk(self.frame, self.walk.state)
        else:
            self.frame = self._clamp(keep)
        self._say(f"reloaded {self.level_path} (frame {self.frame})")

    # -- timeline --------------------------------------------------------------------------

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    @property
    def last_frame(self) -> int:
        return self.script.frames - 1

    def _clamp(self, frame: int) -> int:
        return max(0, min(int(frame), self.last_frame))

    def seek(self, frame: int) -> None:
        """Go to ``frame`` (watch/free), or restart walking there from where Henry stands."""
        if self.recorder is not None:
            self._say("recording: stop the take (F5) before moving the playhead")
            return
        self.frame = self._clamp(frame)
        self._acc = 0.0
        if self.mode == "walk" and self.walk is not None:
            self._new_walk(self.frame, self.walk.state)

    def restart(self) -> None:
        if self.recorder is not None:
            self._say("recording: stop the take (F5) before restarting")
            return
        self.frame = 0
        self._acc = 0.0
        if self.mode == "walk":
            self._new_walk(0, start_state(self.level))

    def _timeline(self) -> Timeline:
        if self.mode == "walk":
            return Timeline.from_cuts(self.live_cuts.cuts, max(self.script.frames, self.frame + 1), self.fps)
        return self.timeline

    def jump_cut(self, direction: int) -> None:
        if self.mode == "walk":
            self._say("cuts of a walked track are only known as you make them")
            return
        self.seek(self.timeline.jump(self.frame, direction))

    # -- modes -----------------------------------------------------------------------------

    def _new_walk(self, frame: int, state: WalkState, recording: bool = False) -> None:
        """Start walking from ``frame`` with Henry at ``state`` (cuts found so far belong to
        the previous session and are dropped)."""
        self.walk = WalkSession(frame, state, recording=recording)
        self.live_cuts.cuts.clear()

    def _scripted_walk_state(self, frame: int) -> WalkState:
        f = self._clamp(frame)
        tr = self.script.track
        return WalkState(float(tr.pos[f, 0]), float(tr.pos[f, 2]), float(tr.yaw[f]), float(tr.pitch[f]))

    def set_mode(self, mode: str) -> None:
        if mode not in MODES or mode == self.mode:
            return
        if self.recorder is not None:
            self.stop_recording(" (left walk mode)")
        view = self.current_state()
        if mode == "walk":
            # Take over from Henry where the scripted camera has him now.
            self._new_walk(self.frame, self._scripted_walk_state(self.frame))
        else:
            self.frame = self._clamp(self.frame)
        if mode == "free":
            self.freecam = FreeCam.behind(view)
        self.mode = mode
        self.input.clear_mouse()
        self._acc = 0.0

    # -- recording -------------------------------------------------------------------------

    def start_recording(self) -> None:
        """Restart the fight at frame 0, walk mode, Henry at his start; record every tick."""
        if self.recorder is not None:
            return
        try:
            rec = Recorder(self.level, self.takes_dir)
        except PrevisError as e:  # an unwritable --takes folder: say so, keep the window
            self._say(e.problems[0])
            return
        if self.mode != "walk":
            self.set_mode("walk")
        self.recorder = rec
        self.frame = 0
        self._new_walk(0, start_state(self.level), recording=True)
        self.playing = True
        self._acc = 0.0
        self.input.clear_mouse()
        note = " (the level file is broken on disk: this take will not replay until it is fixed)" if self.errors else ""
        self._say(f"recording take to {self.recorder.path}{note}")

    def stop_recording(self, why: str = "") -> str | None:
        rec, self.recorder = self.recorder, None
        if rec is None:
            return None
        rec.close()
        n = rec.ticks
        if n == 0:
            try:
                os.remove(rec.path)
            except OSError:
                pass
            self._say(f"take discarded: no frames were recorded{why}")
            return None
        self.last_take = os.fspath(rec.path)
        if self.walk is not None:
            self.walk.recording = False
            self.last_take_states = np.asarray(self.walk.history, float).reshape(-1, 4)
        self._say(f"take saved: {rec.path} ({n} frames, {n / self.fps:.1f} s){why}")
        return self.last_take

    # -- ticks -----------------------------------------------------------------------------

    def _ensure_pm(self, frames: int):
        if self._pm is None or self._pm[0].shape[0] < frames:
            n = max(frames + int(EXTEND_SECONDS * self.fps), self.script.frames)
            self._pm = performer_motion(self.level, n)
        return self._pm

    def tick(self) -> None:
        """One simulation tick (one frame at the level's fps)."""
        if self.mode == "walk":
            w = self.walk
            cmd = self.input.tick_cmd()
            if w.ticks > 0:
                self.frame += 1
            w.state = step(self.level, w.state, cmd)
            w.ticks += 1
            s = w.state
            if self.recorder is not None:
                try:
                    self.recorder.write(cmd)
                except TakeError as e:
                    # The disk filled up (or went away): the ticks already written stay a
                    # take that replays; the window goes on, recording stopped.
                    if self.recorder.ticks > 0:
                        self.stop_recording()
                        self._say(e.problems[0])
                    else:
                        self.stop_recording(f" (recording failed: {getattr(e, 'reason', e.problems[0])})")
                else:
                    w.history.append((s.x, s.z, s.yaw, s.pitch))
            w.yaws.append(s.yaw)
            if len(w.yaws) > 4 * LIVE_CUT_WINDOW * self.fps:  # keep only what LiveCuts reads
                del w.yaws[: len(w.yaws) // 2]
            if not w.trail or math.hypot(s.x - w.trail[-1][0], s.z - w.trail[-1][1]) >= TRAIL_STEP:
                w.trail.append((s.x, s.z))
                if len(w.trail) > TRAIL_MAX:
                    del w.trail[: TRAIL_MAX // 4]
            if self.live_cuts.update(w.yaws, self.frame - len(w.yaws) + 1) is not None:
                w.cut_seen.append(self.frame)  # flash when it is found, just after the whip
        else:
            if self.frame < self.last_frame:
                self.frame += 1
            if self.frame >= self.last_frame:
                self.playing = False
        self.ticks += 1

    def _due_ticks(self, dt: float) -> int:
        if not self.playing:
            self._acc = 0.0
            return 0
        self._acc += dt * self.speed * self.fps
        n = int(self._acc + 1e-6)
        self._acc -= n
        cap = max(4, int(math.ceil(0.25 * self.fps * self.speed)))
        if n > cap:  # rendering fell far behind: drop time rather than spiral
            n, self._acc = cap, 0.0
        return n

    # -- views -----------------------------------------------------------------------------

    def current_state(self) -> FrameState:
        """The FrameState the window shows now (Henry's eyes; the free camera aside)."""
        if self.mode != "walk" or self.walk is None:
            return self.script.snapshot(self.frame)
        f = self.frame
        xz, down, walk_yaw, moving = self._ensure_pm(f + 1)
        s = self.walk.state
        return FrameState(
            frame=f, time=f / self.fps, eye=(s.x, self.level.settings.eye_height, s.z),
            yaw=s.yaw, pitch=s.pitch, roll=0.0, hfov=float(self.level.settings.hfov),
            henry_xz=(s.x, s.z), perf_xz=xz[f], perf_facing=self._facing(f, (s.x, s.z)),
            perf_down=down[f])

    def _facing(self, f: int, henry_xz) -> np.ndarray:
        """Performers' facing at frame ``f`` with Henry at ``henry_xz`` (standing ones watch
        the walked Henry, as a take's replay shows them)."""
        xz, _, walk_yaw, moving = self._pm
        P = xz.shape[1]
        if P == 0:
            return np.zeros(0)
        tgt = np.full(P, -1, np.int64)
        for p, (frames, targets) in enumerate(self._targets):
            i = bisect.bisect_right(frames, f)
            if i:
                tgt[p] = targets[i - 1]
        bodies = np.concatenate([np.asarray([henry_xz], float), xz[f]], axis=0)
        txz = bodies[tgt + 1]
        face = yaw_towards(xz[f], txz)
        same = np.hypot(*(txz - xz[f]).T) < 1e-6
        return wrap180(np.where(moving[f] | same, walk_yaw[f], face))

    def _view(self):
        fs = self.current_state()
        if self.mode == "free" and self.freecam is not None:
            return fs, self.freecam.camera(fs.hfov), True
        return fs, None, False

    def _hud(self, fs: FrameState):
        st = self.level.settings
        help_rows = BINDINGS if self.show_help else ()
        toast = self._toast[0] if self._toast and self._now < self._toast[1] else None
        rec = self.recorder.label() if self.recorder is not None else None
        mode = f"{self.mode} take" if self.mode == "watch" and self.take is not None else self.mode
        common = dict(mode=mode, speed=self.speed, playing=self.playing, rec=rec, errors=self.errors,
                      toast=toast, help=help_rows, minimap=self.show_minimap)
        if self.mode == "walk":
            henry = self.level.henry.name or "Henry"
            warn = henry_warnings(self.level, fs)
            if self.plan is not None:
                warn += tuple(w for w in plan_warnings(self.plan, fs.time) if henry not in w)
            tl = self._timeline()
            hs = hud_state(self.level, fs, tl, None, warnings=warn,
                           trail=tuple(self.walk.trail) if self.walk else (), **common)
            seen = tuple(self.walk.cut_seen) if self.walk else ()
            return dataclasses.replace(hs, flash=self._flash(fs.frame, seen), next_cut_in=None, shots=tl.shots,
                                       cut_note=f"turn \u2265{st.turn_cut_speed:g}\u00b0/s through "
                                                f"\u2265{st.turn_cut_angle:g}\u00b0 to cut")
        hs = hud_state(self.level, fs, self.timeline, self.plan, **common)
        return dataclasses.replace(hs, flash=self._flash(fs.frame, self.timeline.cuts))

    def _flash(self, frame: int, cuts) -> bool:
        """Flash if a cut was passed since the last drawn frame: at x4, or when drawing is
        slower than the fight, several ticks run between two drawn frames and the cut's own
        frame may never be drawn. Stepping or scrubbing onto a cut flashes too."""
        prev = self._drawn_frame
        if prev is not None and prev < frame and frame - prev <= 2 * self.fps:
            return any(prev < c <= frame for c in cuts)
        return frame in cuts

    def _render(self) -> FrameState:
        fs, cam, show_henry = self._view()
        hud = self._hud(fs) if self.show_hud else None
        self.renderer.draw(fs, overlays=self.overlays, hud=hud, camera=cam, show_henry=show_henry)
        return fs

    def draw(self) -> None:
        fs = self._render()
        pygame.display.flip()  # no glFinish: Python prepares the next frame while this
        self.shown = fs         # one rasterises (measured faster on an idle machine)
        self._drawn_frame = fs.frame
        if self.on_draw is not None:
            self.on_draw(self, fs)

    def screenshot(self) -> np.ndarray:
        """The window as it shows now, HUD included: (H, W, 3) uint8, top row first.
        (Drawn again, unflipped, and read back: after a flip the back buffer is undefined.)"""
        self._render()
        return self.renderer.read_pixels()

    # -- events ----------------------------------------------------------------------------

    def _say(self, msg: str) -> None:
        self._toast = (msg, self._now + TOAST_SECONDS)
        self.echo(f"previs walk: {msg}")

    def _bar_height(self) -> int:
        return int(round(16 * self.size[1] / 720.0))

    def _scrub_to_x(self, x: float) -> None:
        n = self._timeline().frames
        self.seek(int(round(max(0.0, min(1.0, x / max(1, self.size[0]))) * (n - 1))))

    def handle(self, e) -> None:
        """Apply one pygame event."""
        t = e.type
        if t == pygame.QUIT:
            self.running = False
        elif t == pygame.KEYDOWN:
            self.input.key_down(e.key)
            self._key(e.key)
        elif t == pygame.KEYUP:
            self.input.key_up(e.key)
        elif t == pygame.MOUSEMOTION:
            if self._dragging:
                self._scrub_to_x(e.pos[0])
            elif self.mode == "free" or (self.mode == "walk" and self.playing):
                dx, dy = e.rel
                self.input.mouse(dx, dy)
        elif t == pygame.MOUSEBUTTONDOWN and getattr(e, "button", 0) == 1:
            if not self._grabbed and e.pos[1] >= self.size[1] - 2 * self._bar_height():
                self._dragging = True
                self._scrub_to_x(e.pos[0])
        elif t == pygame.MOUSEBUTTONUP and getattr(e, "button", 0) == 1:
            self._dragging = False
        elif t in (getattr(pygame, "WINDOWFOCUSLOST", -1),):
            self.input.release_all()  # no stuck keys after alt-tab
        elif t == pygame.VIDEORESIZE:
            self.resize((e.w, e.h))

    def resize(self, size: tuple[int, int]) -> None:
        """The window is now ``size`` (width, height) pixels: the view keeps the level's
        horizontal field of view (hfov) and shows more or less above and below; the HUD
        is laid out anew for the new height."""
        w, h = max(16, int(size[0])), max(16, int(size[1]))
        if (w, h) == self.size:
            return
        self.size = (w, h)
        self.renderer.resize(self.size)

    def _key(self, k: int) -> None:
        if k == pygame.K_ESCAPE:
            self.running = False
        elif k == pygame.K_F1:
            self.show_help = not self.show_help
        elif k in (pygame.K_1, pygame.K_KP1):
            self.set_mode("watch")
        elif k in (pygame.K_2, pygame.K_KP2):
            self.set_mode("walk")
        elif k in (pygame.K_3, pygame.K_KP3):
            self.set_mode("free")
        elif k == pygame.K_TAB:
            self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])
        elif k == pygame.K_SPACE:
            if not self.playing and self.mode != "walk" and self.frame >= self.last_frame:
                self.seek(0)
            self.playing = not self.playing
            self._acc = 0.0
        elif k == pygame.K_PERIOD:
            self.playing = False
            if self.mode == "walk":
                self.tick()
            else:
                self.seek(self.frame + 1)
        elif k == pygame.K_COMMA:
            self.playing = False
            self.seek(self.frame - 1)
        elif k == pygame.K_LEFT:
            self.seek(self.frame - self.fps)
        elif k == pygame.K_RIGHT:
            self.seek(self.frame + self.fps)
        elif k == pygame.K_LEFTBRACKET:
            self.speed_index = max(0, self.speed_index - 1)
        elif k == pygame.K_RIGHTBRACKET:
            self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)
        elif k in (pygame.K_PAGEUP, pygame.K_q):
            self.jump_cut(-1)
        elif k in (pygame.K_PAGEDOWN, pygame.K_e):
            self.jump_cut(+1)
        elif k == pygame.K_HOME:
            self.restart()
        elif k == RECORD_KEY:
            if self.recorder is None:
                self.start_recording()
            else:
                self.stop_recording()
        elif k == pygame.K_o:
            self.overlays = NO_OVERLAYS if self.overlays.any else Overlays.all()
        elif k == pygame.K_m:
            self.show_minimap = not self.show_minimap
        elif k == pygame.K_h:
            self.show_hud = not self.show_hud

    def _update_grab(self) -> None:
        want = self.mode == "free" or (self.mode == "walk" and self.playing)
        if want != self._grabbed:
            self._grabbed = want
            try:
                pygame.event.set_grab(want)
                pygame.mouse.set_visible(not want)  # hidden + grabbed = relative mouse mode
            except pygame.error:
                pass

    def _fly(self, dt: float) -> None:
        h = self.input.held
        f, s = self.input.axes()
        rise = (pygame.K_r in h) - (pygame.K_f in h)
        sens = self.input.sensitivity
        turn, look = -self.input.mouse_dx * sens, -self.input.mouse_dy * sens
        self.input.mouse_dx = self.input.mouse_dy = 0.0
        self.freecam.update(dt, f, s, rise, self.input.running, turn, look)

    def _poll_reload(self) -> None:
        if self.watcher is None:
            return
        res = self.watcher.poll(self._now)
        if isinstance(res, Reloaded):
            self._apply_reload(res.level)
        elif isinstance(res, Broken):
            self.errors = tuple(res.problems)
            for p in self.errors:
                print(f"previs walk: {p}", file=sys.stderr, flush=True)

    # -- the loop --------------------------------------------------------------------------

    def run(self, max_ticks: int | None = None, max_frames: int | None = None, clock=None) -> int:
        """Run the window until it is closed, or for ``max_ticks`` simulation ticks /
        ``max_frames`` rendered frames. Returns an exit status (0)."""
        if clock is None:
            clock = self._clock if isinstance(self._clock, RealClock) else RealClock()
        if clock is not self._clock:  # a new clock: its time starts now
            self._clock = clock
            self._last_time = clock.now()
        if max_ticks is not None and max_frames is None:
            max_frames = 4 * max_ticks + 100  # a paused app runs no ticks: do not hang a test
        start = self.ticks
        frames = 0
        self.running = True
        while self.running:
            now = clock.now()
            self._now = now
            dt = max(0.0, now - self._last_time)
            self._last_time = now
            for e in pygame.event.get():
                self.handle(e)
            if not self.running:
                break
            if not (self.mode == "walk" and self.playing) and self.mode != "free":
                self.input.clear_mouse()
            for _ in range(self._due_ticks(dt)):
                if max_ticks is not None and self.ticks - start >= max_ticks:
                    break
                self.tick()
            if self.mode == "free" and self.freecam is not None:
                self._fly(dt)
            self._poll_reload()
            self._update_grab()
            self.draw()
            frames += 1
            clock.idle()  # also before returning: time goes on between two run() calls
            if max_ticks is not None and self.ticks - start >= max_ticks:
                break
            if max_frames is not None and frames >= max_frames:
                break
        return 0

    def close(self) -> None:
        if self.recorder is not None:
            self.stop_recording()
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None
        self.ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["App", "FakeClock", "RealClock", "MODES", "Camera"]
