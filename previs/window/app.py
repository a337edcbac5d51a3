"""``previs walk``: the first-person window.

Modes
    **watch**  the scripted camera (Henry's eyes from ``simulate(level)``).
    **walk**   you are Henry: WASD + mouse, Shift runs, walls collide (``walker.step``);
               the choreography plays around you. F5 records a take.
    **free**   a fly camera off Henry for checking blocking; it never touches the fight.

Each mode is one object (:mod:`previs.window.modes`); the App owns the loop, the level
(hot-reloaded), the playhead, the recorder and the drawing.

The loop has a fixed timestep: real time (from an injectable clock) is accumulated *here*,
times the playback speed, and spent in whole simulation ticks at the level's fps; the
simulation never reads a clock. What the HUD says about a frame is the core's answer
(:class:`previs.plan.frame_truth.FrameTruths`); the window only draws it.
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys

import numpy as np

from ..gl.glapi import use_offscreen_driver_if_headless  # noqa: I001  (sets SDL/pygame env before pygame loads)

use_offscreen_driver_if_headless()

import pygame  # noqa: E402

from ..errors import PrevisError, TakeError
from ..timebase import time_base_of
from ..gl.context import create_window
from ..gl.frames_in_flight import FramesInFlight
from ..gl.renderer import NO_OVERLAYS, Overlays, Renderer
from ..gl.view_camera import Camera
from ..plan.frame_truth import FrameTruths, Timeline
from ..plan.shotplan import PlanSettings, build_plan
from ..sim.motion import FrameState
from ..sim.script import simulate
from ..sim.walker import WalkState, start_state
from .clock import FakeClock, RealClock
from .controls import BINDINGS, SPEEDS, InputState
from .events import handle_event
from .hudlayer import HudLayers
from .modes import MODES, FreeMode, LiveCuts, WalkMode, WalkSession, WatchMode
from .poses import WindowPoses
from .recorder import Recorder, record_tick, start_recording, stop_recording
from .reload import Broken, LevelWatcher, Reloaded
from .shots import KEYS as SHOT_KEYS, ShotDesk

TOAST_SECONDS = 4.0


class App:
    """The window. ``level_path`` (hot-reloaded) or ``level`` (a Level object, no reload).

    Tests drive it headless: post pygame events, then ``run(max_ticks=N, clock=FakeClock())``
    (repeatable; state carries over between calls)."""

    def __init__(self, level_path: str | os.PathLike | None = None, *, level=None,
                 size: tuple[int, int] = (1280, 720), mode: str = "watch", fullscreen: bool = False,
                 takes_dir: str | os.PathLike = "takes", loader=None, sensitivity: float | None = None,
                 overlays: bool = False, start_time: float = 0.0, vsync: bool = True, echo=None,
                 on_draw=None, take: str | os.PathLike | None = None, lens: str | None = None,
                 edit_path: str | os.PathLike | None = None, operator: str = ""):
        if mode not in MODES:
            raise PrevisError(f"--mode {mode!r}: choose one of {', '.join(MODES)}.")
        self.level_path = os.fspath(level_path) if level_path is not None else None
        self._loader = loader
        self._lens = lens  # --lens: replaces the level's lens on every (re)load
        if level is None:
            if self.level_path is None:
                raise ValueError("App needs a level_path or a level")
            level = self._load(self.level_path)
        elif lens is not None:
            from ..level.lens_setting import with_lens

            level = with_lens(level, lens)
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
        self._edit_path, self._operator = edit_path, operator
        self.watch_edit = False  # V: watch mode plays the edit (previs.window.shots), not the script
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
        self.view = WatchMode()
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
        self.recorder: Recorder | None = None
        self.last_take: str | None = None
        self.last_take_states: np.ndarray | None = None
        self.shown: FrameState | None = None
        self._drawn_frame: int | None = None
        self._clock = None
        self._last_time = 0.0
        self.running = False
        self._huds = HudLayers()
        self._in_flight = FramesInFlight()
        self.bodies = WindowPoses()
        self._set_level(level)
        self.desk = ShotDesk(self, self._edit_path, self._operator)  # shot by shot (issue 19)
        # Straight into the window's back buffer: blitting a 720p offscreen frame to the
        # window costs llvmpipe about as much as drawing the scene.
        self.renderer = Renderer(level, self.size, offscreen=False)
        if start_time:
            tb = time_base_of(level.settings)
            start = tb.frame_containing(start_time)
            if start > self.last_frame:  # checked against the fight, as `previs still --time` is
                raise PrevisError(f"--start {start_time:g} is past the end of the fight: frames run from 0 to "
                                  f"{tb.time_of(self.last_frame):.3f} s (frame {self.last_frame}).")
            self.frame = start
        if mode != "watch":
            self.set_mode(mode)

    # -- mode objects ----------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``"watch"``, ``"walk"`` or ``"free"``: the name of the mode object in charge."""
        return self.view.name

    @property
    def walk(self) -> WalkSession | None:
        """The walk session (walk mode only)."""
        return self.view.session if isinstance(self.view, WalkMode) else None

    @property
    def live_cuts(self) -> LiveCuts | None:
        return self.view.live if isinstance(self.view, WalkMode) else None

    @property
    def freecam(self):
        return self.view.cam if isinstance(self.view, FreeMode) else None

    # -- level -----------------------------------------------------------------------------

    def _load(self, path):
        from ..level.lens_setting import with_lens
        from ..level.loader import load_level

        level = (self._loader or load_level)(path)
        return level if self._lens is None else with_lens(level, self._lens)

    def _set_level(self, level) -> None:
        self.level = level
        self.bodies.failed = False
        self.fps = float(level.settings.fps)  # 23.976...: ticks per second of wall time
        self.plan_settings = PlanSettings.from_level(level.settings)
        self.script = self._replay(level)
        self.plan = self._plan(self.script)
        st = level.settings
        self.timeline = Timeline.from_plan(self.plan) if self.plan is not None else Timeline.from_cuts(
            (), self.script.frames, self.fps)
        self.truths = FrameTruths(self.plan, timeline=self.timeline, fps=st.fps, start_tc=st.start_tc)
        if self.renderer is not None:
            self.renderer.set_level(level)

    def _replay(self, level):
        """What watch mode plays: the take being watched (on a changed level its ticks still
        replay, and the window says where the run departs from the recorded one), or the
        scripted fight when the take cannot replay on the level at all."""
        if self.watch_edit and self.take is None:
            return self.desk.edit_motion(self)
        if self.take is not None:
            from ..sim.take import replay_take

            try:
                return replay_take(level, self.take, warn=self.say)
            except TakeError as e:
                self.take = None
                self.say(f"{e.problems[0]} Showing the scripted fight.")
        return simulate(level)

    def _plan(self, motion):
        """The ShotPlan of what watch mode plays (None if the planner failed)."""
        try:
            return build_plan(motion.track, settings=self.plan_settings, motion=motion)
        except Exception as e:  # noqa: BLE001 - a planner bug must not close the window
            self.say(f"shot plan failed ({type(e).__name__}: {e}); showing the fight without cuts")
            return None

    def toggle_watch_edit(self) -> None:
        """V: watch the edit so far (its takes cut together) or the script."""
        if self.take is not None:
            self.say("watching a take (--take): the edit is not shown")
            return
        self.watch_edit = not self.watch_edit
        self.refresh_watched()
        self.say(f"watching the edit ({self.desk.edit_path})" if self.watch_edit else "watching the script")

    def refresh_watched(self) -> None:
        """Replay and plan what watch mode plays again (the edit changed), on the same frame."""
        keep = self.frame
        self._set_level(self.level)
        if isinstance(self.view, WalkMode):
            self.frame = keep
        else:
            self.frame = self.clamp(keep)

    def _apply_reload(self, level) -> None:
        if self.recorder is not None:
            self.stop_recording(" \u2014 the level changed, so the take ends here")
        keep = self.frame
        self._set_level(level)
        self.desk.invalidate()
        self.errors = ()
        if isinstance(self.view, WalkMode):
            self.view.restart(self, max(0, keep), self.view.session.state)
        else:
            self.frame = self.clamp(keep)
        self.say(f"reloaded {self.level_path} (frame {self.frame})")

    # -- timeline --------------------------------------------------------------------------

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    @property
    def last_frame(self) -> int:
        return self.script.frames - 1

    def clamp(self, frame: int) -> int:
        return max(0, min(int(frame), self.last_frame))

    def seek(self, frame: int) -> None:
        """Go to ``frame`` (watch/free), or restart walking there from where Henry stands."""
        if self.recorder is not None:
            self.say("recording: stop the take (F5) before moving the playhead")
            return
        self._acc = 0.0
        self.view.seek(self, frame)

    def restart(self) -> None:
        if self.recorder is not None:
            self.say("recording: stop the take (F5) before restarting")
            return
        self.frame = 0
        self._acc = 0.0
        if isinstance(self.view, WalkMode):
            self.view.restart(self, 0, start_state(self.level))

    def jump_cut(self, direction: int) -> None:
        self.view.jump_cut(self, direction)

    # -- modes -----------------------------------------------------------------------------

    def _scripted_walk_state(self, frame: int) -> WalkState:
        f = self.clamp(frame)
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
            self.view = WalkMode(self, self.frame, self._scripted_walk_state(self.frame))
        else:
            self.view = FreeMode(view) if mode == "free" else WatchMode()
        self.view.enter(self)
        self.input.clear_mouse()
        self._acc = 0.0

    # -- recording -------------------------------------------------------------------------

    def start_recording(self) -> None:
        """Restart the fight at frame 0, walk mode, Henry at his start; record every tick."""
        start_recording(self)

    def record(self, cmd) -> bool:
        return record_tick(self, cmd)

    def stop_recording(self, why: str = "") -> str | None:
        path = stop_recording(self, why)
        self.desk.after_stop(self)
        return path

    # -- ticks -----------------------------------------------------------------------------

    def tick(self) -> None:
        """One simulation tick (one frame at the level's fps)."""
        self.view.tick(self)
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
        return self.view.state(self)

    def _timeline(self) -> Timeline:
        return self.view.timeline(self)

    def _hud(self, fs: FrameState):
        help_rows = BINDINGS + SHOT_KEYS if self.show_help else ()
        toast = self._toast[0] if self._toast and self._now < self._toast[1] else None
        rec = self.recorder.label() if self.recorder is not None else None
        hs, cuts = self.view.hud(self, fs, speed=self.speed, playing=self.playing, rec=rec,
                                 errors=self.errors, toast=toast, help=help_rows, minimap=self.show_minimap)
        return dataclasses.replace(hs, flash=self._flash(fs.frame, cuts))

    def _flash(self, frame: int, cuts) -> bool:
        """Flash if a cut was passed since the last drawn frame: at x4, or when drawing is
        slower than the fight, several ticks run between two drawn frames and the cut's own
        frame may never be drawn. Stepping or scrubbing onto a cut flashes too."""
        prev = self._drawn_frame
        if prev is not None and prev < frame and frame - prev <= 2 * self.fps:
            return any(prev < c <= frame for c in cuts)
        return frame in cuts

    def _render(self) -> FrameState:
        fs = self.current_state()
        cam, show_henry = self.view.camera(self, fs)
        # The HUD's state is built only when it shows (H hides it); the shot panel and the
        # onion skin draw on its layer either way, under it.
        hud = self._huds.over(self._hud(fs), self.level, self.size) if self.show_hud else None
        shot = self.desk.layer(self, fs, self._huds.layer(self.size))
        layers = ((shot,) if shot is not None else ()) + ((hud,) if hud is not None else ())
        self.renderer.draw(fs, overlays=self.overlays, layers=layers, camera=cam, show_henry=show_henry,
                           poses=self.bodies.of_view(self, fs))
        return fs

    def draw(self) -> None:
        fs = self._render()
        pygame.display.flip()  # no glFinish: Python prepares the next frame while this
        self._in_flight.submitted()  # one rasterises, but never more than 2 queued (the leak)
        self.shown = fs
        self._drawn_frame = fs.frame
        ahead = getattr(self.view, "work_ahead", None)  # watch and free modes: poses to come
        if ahead is not None and self.playing:
            try:
                ahead(self, fs)
            except Exception:  # noqa: BLE001 - the next at() meets it again and says it once
                pass
        if self.on_draw is not None:
            self.on_draw(self, fs)

    def screenshot(self) -> np.ndarray:
        """The window as it shows now, HUD included: (H, W, 3) uint8, top row first.
        (Drawn again, unflipped, and read back: after a flip the back buffer is undefined.)"""
        self._render()
        return self.renderer.read_pixels()

    # -- events ----------------------------------------------------------------------------

    def say(self, msg: str) -> None:
        self._toast = (msg, self._now + TOAST_SECONDS)
        self.echo(f"previs walk: {msg}")

    def resize(self, size: tuple[int, int]) -> None:
        """The window is now ``size`` (width, height) pixels: the view keeps the level's
        horizontal field of view (hfov) and shows more or less above and below; the HUD
        is laid out anew for the new height."""
        w, h = max(16, int(size[0])), max(16, int(size[1]))
        if (w, h) == self.size:
            return
        self.size = (w, h)
        self.renderer.resize(self.size)

    def _update_grab(self) -> None:
        want = self.view.grabs_mouse(self)
        if want != self._grabbed:
            self._grabbed = want
            try:
                pygame.event.set_grab(want)
                pygame.mouse.set_visible(not want)  # hidden + grabbed = relative mouse mode
            except pygame.error:
                pass

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
                handle_event(self, e)
            if not self.running:
                break
            if not self.view.grabs_mouse(self):
                self.input.clear_mouse()
            for _ in range(self._due_ticks(dt)):
                if max_ticks is not None and self.ticks - start >= max_ticks:
                    break
                self.tick()
            self.view.update(self, dt)
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
        self._huds.close()
        if hasattr(self, "_in_flight"):
            self._in_flight.release()
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None
        self.ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["App", "FakeClock", "RealClock", "MODES", "Camera"]
