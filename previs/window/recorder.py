"""Recording takes from the window: ``takes/<level-stem>-<YYYYmmdd-HHMMSS>.take``.

A take recorded with F5 starts at frame 0 with Henry at his start (see
:mod:`previs.sim.take`); the window restarts the fight before it opens a :class:`Recorder`.
Takes of one shot, rolled from standing by, are :class:`previs.window.shots.ShotRecorder`. Every tick's command
is written and flushed as it happens (TakeWriter), so a crash loses at most one tick.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from ..errors import PrevisError, TakeError
from ..sim.take import TakeWriter
from ..sim.walker import start_state


def take_path(level_source: str, takes_dir: str | os.PathLike = "takes", when: float | None = None) -> Path:
    """A fresh take file name for ``level_source`` (``-2``, ``-3``... if the second is taken)."""
    stem = Path(level_source).stem or "level"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    d = Path(takes_dir)
    p = d / f"{stem}-{stamp}.take"
    n = 2
    while p.exists():
        p = d / f"{stem}-{stamp}-{n}.take"
        n += 1
    return p


class Recorder:
    """An open take: ``write(cmd)`` once per tick, ``close()`` when done."""

    def __init__(self, level, takes_dir: str | os.PathLike = "takes"):
        self.path = take_path(level.source, takes_dir)
        try:
            self._w = TakeWriter(self.path, level, {"recorded_with": "previs walk"})
        except FileExistsError:  # another window took the same second: next free name
            self.path = take_path(level.source, takes_dir)
            self._w = TakeWriter(self.path, level, {"recorded_with": "previs walk"})
        except OSError as e:
            raise PrevisError(f"{self.path}: cannot record a take there ({e.strerror}); "
                              "choose a writable folder with --takes.") from None
        self.fps = float(level.settings.fps)

    @property
    def ticks(self) -> int:
        return self._w.ticks

    def write(self, cmd) -> None:
        self._w.write(cmd)

    def close(self) -> None:
        self._w.close()

    def label(self) -> str:
        """``"REC 00:12"`` (minutes:seconds recorded)."""
        s = int(self._w.ticks / self.fps)
        return f"REC {s // 60:02d}:{s % 60:02d}"


# -- the window's recording (App.start_recording / record / stop_recording) --------------


def start_recording(app) -> None:
    """Restart the fight at frame 0, walk mode, Henry at his start; record every tick."""
    if app.recorder is not None:
        return
    try:
        rec = Recorder(app.level, app.takes_dir)
    except PrevisError as e:  # an unwritable --takes folder: say so, keep the window
        app.say(e.problems[0])
        return
    if app.mode != "walk":
        app.set_mode("walk")
    app.recorder = rec
    app.view.restart(app, 0, start_state(app.level), recording=True)
    app.playing = True
    app._acc = 0.0
    app.input.clear_mouse()
    note = " (the level file is broken on disk: this take will not replay until it is fixed)" if app.errors else ""
    app.say(f"recording take to {app.recorder.path}{note}")


def record_tick(app, cmd) -> bool:
    """Write one tick's command to the take; False if it could not be written (the
    recording then stops, see :func:`_record_failed`)."""
    try:
        app.recorder.write(cmd)
    except TakeError as e:
        _record_failed(app, e)
        return False
    return True


def stop_recording(app, why: str = "") -> str | None:
    rec, app.recorder = app.recorder, None
    if rec is None:
        return None
    rec.close()
    n = rec.ticks
    if n == 0:
        try:
            os.remove(rec.path)
        except OSError:
            pass
        app.say(f"take discarded: no frames were recorded{why}")
        return None
    app.last_take = os.fspath(rec.path)
    if app.walk is not None:
        app.walk.recording = False
        app.last_take_states = np.asarray(app.walk.history, float).reshape(-1, 4)
    app.say(f"take saved: {rec.path} ({n} frames, {n / app.fps:.1f} s){why}")
    return app.last_take


def _record_failed(app, e: TakeError) -> None:
    """The disk filled up (or went away) mid-take: the ticks already written stay a take
    that replays; the window goes on, recording stopped."""
    if app.recorder.ticks > 0:
        app.stop_recording()
        app.say(e.problems[0])
    else:
        app.stop_recording(f" (recording failed: {getattr(e, 'reason', e.problems[0])})")
