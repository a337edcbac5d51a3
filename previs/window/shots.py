"""Shooting shot by shot from the window (issue 19): stand by at a cut, line up on the
outgoing frame, roll a take of one shot, list the takes, circle one into the edit.

Keys (also in F1 help and docs/walk.md):

- ``C``: stand by for the shot under the playhead: the fight goes to the shot's first
  frame (its cut) with everyone where the edit so far has them, Henry too; the outgoing
  frame is grabbed for the onion skin (:mod:`previs.window.onion`) and the match meter
  reads the live frame against it. Mouse and keys move Henry (lining up) but the fight
  does not run. ``C`` again leaves, back to watching.
- ``Shift+C``: stand by at the playhead's own frame (a pick-up inside a shot).
- ``F5`` while standing by: roll. The take records from that frame, with Henry where he
  stands, until the next cut plus a handle (:data:`previs.sim.shot_take.HANDLE_SECONDS`),
  or ``F5``. It is saved as ``takes/LEVEL-shotNNN-takeMM.take``.
- ``T``: select the next take of the shot under the playhead; ``P``: circle (print) the
  selected take: it is marked circled, the shot's other takes are not, and the edit file
  (``LEVEL.edit.toml`` beside the level, or ``--edit``) names it for the shot; ``P`` on a
  circled take uncircles it and gives the shot back to the script.

"The edit so far" is the edit file assembled (:func:`previs.sim.edit.assemble`) at the
script's cuts; without one, the script.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pygame

from ..errors import PrevisError, TakeError
from ..plan.cut_match import MatchSettings, edit_report, meter
from ..plan.shots import shot_bounds
from ..sim.edit import SCRIPT, Edit, EditEntry, assemble, edit_path_for, read_edit, write_edit
from ..sim.shot_take import (MAX_NOTES, TakeInfo, handle_frames, next_take_number, set_circled, set_header_fields,
                             shot_header, state_at, take_name, takes_of)
from ..sim.take import TakeWriter
from ..sim.walker import step
from .modes import WalkMode
from .onion import GREEN, RED, ShotLayer, meter_lines
from .recorder import Recorder

KEYS = (
    ("C  /  Shift+C", "stand by for the shot under the playhead (at its cut) / at this frame; C again leaves"),
    ("F5 (standing by)", "roll a take of the shot: it stops at the next cut (+ handle) or on F5"),
    ("T  P", "select the next take of this shot / circle (print) it into the edit"),
    ("N", "write a note on the selected take (Enter saves, Esc cancels)"),
    ("V", "watch the edit (the circled takes, cut together) / the script"),
)


class StandbyMode(WalkMode):
    """Waiting to roll at ``frame``: Henry can be moved to line up; the fight holds."""

    name = "standby"

    def tick(self, app) -> None:
        self.session.state = step(app.level, self.session.state, app.input.tick_cmd())

    def seek(self, app, frame: int) -> None:
        app.say("standing by: F5 rolls, C leaves")

    def jump_cut(self, app, direction: int) -> None:
        self.seek(app, 0)

    def hud(self, app, fs, **common):
        """The edit's shot and cuts (the script's), not a walk's live ones: the fight holds
        on the frame being lined up."""
        from .hud import hud_from_truth

        hs = hud_from_truth(app.truths.at(fs.frame), app.level, app.timeline, mode="stand by", **common)
        return hs, ()


class ShotWalkMode(WalkMode):
    """Walking a take of one shot: recording stops by itself at ``end`` (exclusive)."""

    def __init__(self, app, frame, state, end: int, note: str = ""):
        super().__init__(app, frame, state, recording=True)
        self.end, self.note = end, note

    def tick(self, app) -> None:
        if app.recorder is None:  # stopped: walk on when playing again, as after any take
            if app.playing:  # (not the rest of this frame's ticks after the take stopped itself)
                super().tick(app)
            return
        super().tick(app)
        if app.recorder is not None and app.recorder.ticks >= self.end - self.session.start_frame:
            app.stop_recording(f" \u2014 {self.note}")
            app.playing = False  # the shot is in the can: hold on its last frame


class ShotRecorder(Recorder):
    """A take of one shot, ``LEVEL-shotNNN-takeMM.take`` with its shot header fields."""

    def __init__(self, level, takes_dir, shot: int, frame: int, state, operator: str):
        n = next_take_number(takes_dir, level.source, shot)
        self.path = Path(takes_dir) / take_name(level.source, shot, n)
        self.take_number = n
        extra = {"recorded_with": "previs walk", **shot_header(shot, frame, state, n, operator)}
        try:
            self._w = TakeWriter(self.path, level, extra)
        except OSError as e:
            raise PrevisError(f"{self.path}: cannot record a take there ({e.strerror}); "
                              "choose a writable folder with --takes.") from None
        self.fps = float(level.settings.fps)  # 23.976 stays 23.976 (as Recorder's)


TAKES_LOOK_SECONDS = 0.5
"""How often the shot panel looks at the takes folder: a take recorded elsewhere (another
window, a copy) shows within half a second; the window's own takes at once (recording
one forgets the listing)."""


class ShotDesk:
    """The window's shot-by-shot state: the edit so far, standing by, the takes list."""

    def __init__(self, app, edit_path: str | os.PathLike | None = None, operator: str = ""):
        if edit_path is None:
            src = app.level_path or app.level.source
            edit_path = edit_path_for(src)
        self.edit_path = Path(edit_path)
        self.operator = operator
        self.shot = 0  # the shot standing by / being recorded (1-based; 0: none)
        self.frame = 0
        self.grab = None  # the outgoing frame's pixels, (H, W, 3)
        self.outgoing = None  # its FrameState
        self.selected: dict[int, int] = {}  # shot -> index in its takes list
        self._base = None  # (bounds, motion, pieces-or-None, report-or-None, key)
        self._standby = False
        self.last = None  # (shot, first frame, end frame) of the take just recorded
        self.typing: tuple[str, str] | None = None  # (take path, the note so far) while N is open
        self._meter = None
        self._takes = None  # ((takes folder, level, folder stamp), {shot: [TakeInfo]})
        self._takes_looked = -float("inf")  # time.monotonic() of the last look at the folder

    # -- the edit so far ------------------------------------------------------------------

    def invalidate(self) -> None:
        self._base = None

    def forget_takes(self) -> None:
        """Look at the takes folder again on the next :meth:`takes` (a take was recorded,
        circled or noted here)."""
        self._takes_looked = -float("inf")

    def base(self, app):
        """``(bounds, motion, pieces, report)`` of the edit so far (script if no edit)."""
        key = (id(app.level), self._edit_stamp())
        if self._base is not None and self._base[-1] == key:
            return self._base[:-1]
        script = self.script(app)
        from ..plan.shotplan import build_plan

        cuts = [c.frame for c in build_plan(script.track, settings=app.plan_settings).cuts]
        bounds = shot_bounds(cuts, script.frames)
        motion, pieces, report = script, None, None
        if self.edit_path.exists():
            try:
                asm = assemble(app.level, read_edit(self.edit_path), bounds, script)
                motion, pieces = asm.motion, asm.pieces
                report = edit_report(app.level, asm, MatchSettings.from_level(app.level.settings,
                                                                               app.plan_settings.turn_cut_speed))
            except PrevisError as e:
                app.say(f"{e.problems[0]} (using the script)")
        self._base = (bounds, motion, pieces, report, key)
        return self._base[:-1]

    def script(self, app):
        """The scripted fight of the level shown (the window may be watching a take or the
        edit instead: the shots are always the script's)."""
        if app.take is None and not app.watch_edit:
            return app.script
        if getattr(self, "_script", None) is None or self._script[0] is not app.level:
            from ..sim.script import simulate

            self._script = (app.level, simulate(app.level))
        return self._script[1]

    def edit_motion(self, app):
        """The edit so far, assembled (the script where no take fills a shot)."""
        return self.base(app)[1]

    def _edit_stamp(self):
        try:
            st = self.edit_path.stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return None

    def shot_at(self, app, frame: int) -> tuple[int, int, int]:
        bounds = self.base(app)[0]
        for k, (a, b) in enumerate(bounds, start=1):
            if a <= frame < b:
                return k, a, b
        a, b = bounds[-1]
        return len(bounds), a, b

    # -- standing by and rolling ----------------------------------------------------------

    def stand_by(self, app, at_playhead: bool = False) -> None:
        if app.recorder is not None:
            return
        k, a, b = self.shot_at(app, app.frame)
        s = app.clamp(app.frame) if at_playhead else a
        bounds, motion, pieces, report = self.base(app)
        self.shot, self.frame, self._standby = k, s, True
        self.outgoing, self.grab = None, None
        if s > 0:
            out_motion, fo = motion, s
            if pieces is not None and not at_playhead and k >= 2:
                prev = pieces[k - 2]  # the piece filling the shot before: its frame on the cut
                out_motion = prev.motion
                fo = s if s < prev.own_end and s < prev.motion.frames else s - 1
            elif at_playhead:
                fo = s  # a pick-up: the edit's own frame there
            self.outgoing = out_motion.snapshot(fo)
            self.grab = self._grab(app, out_motion, fo)
        state = state_at(motion, s)
        app.view = StandbyMode(app, s, state)
        app.playing = True
        app._acc = 0.0
        app.input.clear_mouse()
        where = f"shot {k} at its cut (frame {s})" if s == a else f"shot {k} at frame {s}"
        app.say(f"standing by: {where}; line up, F5 rolls")

    def _grab(self, app, motion, frame: int):
        fs = motion.snapshot(frame)
        try:
            poses = app.bodies.watched(motion, frame)
        except Exception:  # noqa: BLE001 - rest poses rather than no grab
            poses = None
        app.renderer.draw(fs, poses=poses)
        return app.renderer.read_pixels().copy()

    def leave(self, app) -> None:
        self.shot, self._standby, self.grab, self.outgoing = 0, False, None, None
        app.set_mode("watch") if app.mode != "standby" else self._to_watch(app)

    def _to_watch(self, app) -> None:
        from .modes import WatchMode

        keep = app.frame
        app.view = WatchMode()
        app.frame = app.clamp(keep)
        app.view.enter(app)
        app.playing = False

    def roll(self, app) -> None:
        st = app.view.session.state
        try:
            rec = ShotRecorder(app.level, app.takes_dir, self.shot, self.frame, st, self.operator)
        except PrevisError as e:
            app.say(e.problems[0])
            return
        bounds = self.base(app)[0]
        nxt = next((a for a, _ in bounds if a > self.frame), None)
        end = app.script.frames if nxt is None else min(nxt + handle_frames(app.fps), app.script.frames)
        app.recorder = rec
        note = (f"shot {self.shot} ends at the next cut (frame {nxt}) + {end - nxt} frames of handle"
                if nxt is not None else f"shot {self.shot} ends with the fight (frame {end})")
        app.view = ShotWalkMode(app, self.frame, st, end, note)
        self._standby, self.grab = False, None
        app.playing = True
        app._acc = 0.0
        app.input.clear_mouse()
        app.say(f"rolling: shot {self.shot} take {rec.take_number} to {rec.path} (frames {self.frame}-{end})")

    def after_stop(self, app) -> None:
        """A take ended: list it, select it; its shot stays the one T and P act on while the
        playhead is on the take's frames (it stops past the next cut, in the handle)."""
        self.forget_takes()
        if self.shot:
            takes = takes_of(app.takes_dir, app.level.source).get(self.shot, [])
            if takes:
                self.selected[self.shot] = len(takes) - 1
            self.last = (self.shot, self.frame, app.frame + 1)
        self.shot = 0

    def current_shot(self, app, frame: int | None = None) -> int:
        """The shot T, P and the panel act on: the one standing by, else the take just
        recorded while the playhead is on its frames, else the shot under the playhead."""
        f = app.frame if frame is None else frame
        if self.shot:
            return self.shot
        if self.last is not None and self.last[1] <= f < self.last[2]:
            return self.last[0]
        return self.shot_at(app, f)[0]

    # -- the takes list and circling ------------------------------------------------------

    def takes(self, app, shot: int) -> list[TakeInfo]:
        """The takes of ``shot``, read again only when the takes folder changes (the panel
        asks every drawn frame; reading every take each time would cost a frame's time).
        The folder itself is looked at no more than every :data:`TAKES_LOOK_SECONDS` (a
        listing and a stat of every take each frame cost ~1 ms with 200 takes)."""
        now = time.monotonic()
        where = (os.fspath(app.takes_dir), app.level.source)
        if self._takes is not None and now - self._takes_looked < TAKES_LOOK_SECONDS and self._takes[0][:2] == where:
            return self._takes[1].get(shot, [])
        self._takes_looked = now
        try:
            stamp = tuple(sorted((e.name, st.st_size, st.st_mtime_ns) for e in os.scandir(app.takes_dir)
                                 if e.name.endswith(".take") for st in (e.stat(),)))
        except OSError:
            stamp = ()
        key = (*where, stamp)
        if self._takes is None or self._takes[0] != key:
            self._takes = (key, takes_of(app.takes_dir, app.level.source))
        return self._takes[1].get(shot, [])

    def select_next(self, app) -> None:
        k = self.current_shot(app)
        takes = self.takes(app, k)
        if not takes:
            app.say(f"shot {k} has no takes yet: C stands by, F5 rolls")
            return
        self.selected[k] = (self.selected.get(k, len(takes) - 1) + 1) % len(takes)
        t = takes[self.selected[k]]
        app.say(f"shot {k}: take {t.take_number} selected ({t.frames} frames{', circled' if t.circled else ''})")

    def circle(self, app) -> None:
        k = self.current_shot(app)
        takes = self.takes(app, k)
        if not takes:
            app.say(f"shot {k} has no takes to circle")
            return
        t = takes[min(self.selected.get(k, len(takes) - 1), len(takes) - 1)]
        on = not t.circled
        try:
            for other in takes:
                if other.circled and other.path != t.path:
                    set_circled(other.path, False)
            set_circled(t.path, on)
            self.forget_takes()
            entries = {e.shot: e for e in (read_edit(self.edit_path).entries if self.edit_path.exists() else ())}
            rel = os.path.relpath(os.path.abspath(t.path), os.path.abspath(self.edit_path.parent or "."))
            entries[k] = EditEntry(k, Path(rel).as_posix() if on else SCRIPT)
            write_edit(self.edit_path, [e for e in entries.values() if e.take != SCRIPT],
                       os.path.basename(app.level.source))
        except (PrevisError, OSError) as e:
            app.say(f"could not circle the take: {getattr(e, 'problems', [str(e)])[0]}")
            return
        self.invalidate()
        if app.watch_edit:
            app.refresh_watched()
        what = f"circled take {t.take_number} of shot {k}: the edit uses it" if on else \
            f"uncircled take {t.take_number}: shot {k} is the script's again"
        app.say(f"{what} ({self.edit_path})")

    def selected_take(self, app) -> TakeInfo | None:
        takes = self.takes(app, self.current_shot(app))
        return takes[min(self.selected.get(takes[0].shot, len(takes) - 1), len(takes) - 1)] if takes else None

    def start_note(self, app) -> None:
        t = self.selected_take(app)
        if t is None:
            app.say("no take to write a note on: C stands by, F5 rolls")
            return
        self.typing = (t.path, t.notes)
        self._skip_text = "n"  # SDL also types the N that opened the note: not part of it
        pygame.key.start_text_input()
        app.say(f"note on take {t.take_number} of shot {t.shot}: type, Enter saves, Esc cancels")

    def note_event(self, app, e) -> bool:
        """While a note is open, every key and text event is the note's (True: consumed)."""
        if self.typing is None:
            return False
        path, text = self.typing
        skip, self._skip_text = getattr(self, "_skip_text", ""), ""
        if e.type == pygame.TEXTINPUT:
            if e.text.lower() != skip:
                self.typing = (path, (text + e.text)[:MAX_NOTES])
        elif e.type == pygame.KEYDOWN:
            if e.key == pygame.K_BACKSPACE:
                self.typing = (path, text[:-1])
            elif e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.typing = None
                pygame.key.stop_text_input()
                try:
                    set_header_fields(path, notes=text)
                except (PrevisError, OSError) as err:
                    app.say(f"could not save the note: {getattr(err, 'problems', [str(err)])[0]}")
                else:
                    self.forget_takes()
                    app.say(f"note saved on {os.path.basename(path)}")
            elif e.key == pygame.K_ESCAPE:
                self.typing = None
                pygame.key.stop_text_input()
                app.say("note not saved")
        elif e.type == pygame.KEYUP:
            self._skip_text = skip  # the N's own key-up comes before its text on some systems
        else:
            return False
        return True

    # -- drawing --------------------------------------------------------------------------

    def panel(self, app, fs) -> tuple[tuple[str, tuple], ...]:
        """The shot panel's lines (see :mod:`previs.window.onion`)."""
        if app.recorder is not None:
            return ()
        lines: list[tuple[str, tuple]] = []
        settings = MatchSettings.from_level(app.level.settings, app.plan_settings.turn_cut_speed)
        if app.mode == "standby":
            k = self.shot
            lines.append((f"STAND BY  shot {k}, frame {self.frame}", (255, 214, 64)))
            if self.outgoing is not None:
                key = (fs.frame, fs.eye, fs.yaw, fs.pitch)
                if self._meter is None or self._meter[0] != key:
                    self._meter = (key, meter(app.level, self.outgoing, fs, settings))
                lines += meter_lines(self._meter[1], settings)
        else:
            k = self.current_shot(app, fs.frame)
        report = self.base(app)[3]
        if report is not None and k >= 2 and k - 2 < len(report.cuts):
            c = report.cuts[k - 2]
            if c.matches:
                lines.append((f"cut {c.index} into shot {k} matches", GREEN))
            else:
                lines += [(f"cut {c.index} into shot {k} does not match:", RED)] + [(f"  {p}", RED) for p in c.problems]
        takes = self.takes(app, k)
        if takes:
            sel = min(self.selected.get(k, len(takes) - 1), len(takes) - 1)
            lines.append((f"shot {k} takes (T selects, P circles, N notes):", (240, 240, 240)))
            for i, t in enumerate(takes):
                note = f"  \u201c{t.notes[:40]}\u201d" if t.notes else ""
                lines.append((("\u25b8" if i == sel else " ") + t.label + note,
                              (255, 214, 64) if t.circled else (240, 240, 240)))
        if self.typing is not None:
            lines.append((f"note: {self.typing[1]}\u258f", (255, 214, 64)))
        return tuple(lines)

    def layer(self, app, fs, hud_layer):
        grab = self.grab if app.mode == "standby" else None
        lines = self.panel(app, fs)
        if grab is None and not lines:
            return None
        return ShotLayer(hud_layer, grab, lines)


def shot_key(app, e) -> bool:
    """Handle a shot-by-shot key (True if it was one)."""
    k = e.key
    desk = app.desk
    if k == pygame.K_n and app.recorder is None and desk.typing is None:
        desk.start_note(app)
        return True
    standby = app.mode == "standby"
    if k == pygame.K_c and app.recorder is None:
        if standby:
            desk.leave(app)
        else:
            desk.stand_by(app, at_playhead=bool(getattr(e, "mod", 0) & pygame.KMOD_SHIFT))
        return True
    if k == pygame.K_F5 and standby and app.recorder is None:
        desk.roll(app)
        return True
    if k == pygame.K_v and app.recorder is None and not standby:
        app.toggle_watch_edit()
        return True
    if k == pygame.K_t and app.recorder is None:
        desk.select_next(app)
        return True
    if k == pygame.K_p and app.recorder is None:
        desk.circle(app)
        return True
    return False


__all__ = ["KEYS", "ShotDesk", "StandbyMode", "ShotWalkMode", "shot_key", "Edit", "TakeError"]
