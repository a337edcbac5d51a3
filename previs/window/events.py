"""The window's keys and mouse: one pygame event at a time, applied to the
:class:`~previs.window.app.App` (key bindings: :data:`previs.window.controls.BINDINGS`).

Held keys and mouse motion go to the app's :class:`~previs.window.controls.InputState`
(read once per tick); key presses act at once (modes, playhead, speed, recording,
overlays). A left-button drag on the scrub bar (the bottom ``2 x 16 px`` at 720p,
scaled with the height) moves the playhead.
"""

from __future__ import annotations

import pygame

from ..gl.renderer import NO_OVERLAYS, Overlays
from .controls import RECORD_KEY, SPEEDS
from .modes import MODES, WalkMode
from .shots import shot_key


def _bar_height(app) -> int:
    return int(round(16 * app.size[1] / 720.0))


def _scrub_to_x(app, x: float) -> None:
    n = app._timeline().frames
    app.seek(int(round(max(0.0, min(1.0, x / max(1, app.size[0]))) * (n - 1))))


def handle_event(app, e) -> None:
    """Apply one pygame event to the window ``app``."""
    t = e.type
    if app.desk.note_event(app, e):  # typing a take's note: every key is the note's
        return
    if t == pygame.QUIT:
        app.running = False
    elif t == pygame.KEYDOWN:
        app.input.key_down(e.key)
        if not shot_key(app, e):  # stand by, roll, select, circle (previs.window.shots)
            _key(app, e.key)
    elif t == pygame.KEYUP:
        app.input.key_up(e.key)
    elif t == pygame.MOUSEMOTION:
        if app._dragging:
            _scrub_to_x(app, e.pos[0])
        elif app.view.grabs_mouse(app):
            dx, dy = e.rel
            app.input.mouse(dx, dy)
    elif t == pygame.MOUSEBUTTONDOWN and getattr(e, "button", 0) == 1:
        if not app._grabbed and e.pos[1] >= app.size[1] - 2 * _bar_height(app):
            app._dragging = True
            _scrub_to_x(app, e.pos[0])
    elif t == pygame.MOUSEBUTTONUP and getattr(e, "button", 0) == 1:
        app._dragging = False
    elif t in (getattr(pygame, "WINDOWFOCUSLOST", -1),):
        app.input.release_all()  # no stuck keys after alt-tab
    elif t == pygame.VIDEORESIZE:
        app.resize((e.w, e.h))


def _key(app, k: int) -> None:
    if k == pygame.K_ESCAPE:
        app.running = False
    elif k == pygame.K_F1:
        app.show_help = not app.show_help
    elif k in (pygame.K_1, pygame.K_KP1):
        app.set_mode("watch")
    elif k in (pygame.K_2, pygame.K_KP2):
        app.set_mode("walk")
    elif k in (pygame.K_3, pygame.K_KP3):
        app.set_mode("free")
    elif k == pygame.K_TAB:
        app.set_mode(MODES[(MODES.index(app.mode) + 1) % len(MODES)] if app.mode in MODES else "watch")
    elif k == pygame.K_SPACE:
        if not app.playing and app.mode != "walk" and app.frame >= app.last_frame:
            app.seek(0)
        app.playing = not app.playing
        app._acc = 0.0
    elif k == pygame.K_PERIOD:
        app.playing = False
        if isinstance(app.view, WalkMode):
            app.tick()
        else:
            app.seek(app.frame + 1)
    elif k == pygame.K_COMMA:
        app.playing = False
        app.seek(app.frame - 1)
    elif k == pygame.K_LEFT:
        app.seek(app.frame - round(app.fps))
    elif k == pygame.K_RIGHT:
        app.seek(app.frame + round(app.fps))
    elif k == pygame.K_LEFTBRACKET:
        app.speed_index = max(0, app.speed_index - 1)
    elif k == pygame.K_RIGHTBRACKET:
        app.speed_index = min(len(SPEEDS) - 1, app.speed_index + 1)
    elif k in (pygame.K_PAGEUP, pygame.K_q):
        app.jump_cut(-1)
    elif k in (pygame.K_PAGEDOWN, pygame.K_e):
        app.jump_cut(+1)
    elif k == pygame.K_HOME:
        app.restart()
    elif k == RECORD_KEY:
        if app.recorder is None:
            app.start_recording()
        else:
            app.stop_recording()
    elif k == pygame.K_o:
        app.overlays = NO_OVERLAYS if app.overlays.any else Overlays.all()
    elif k == pygame.K_m:
        app.show_minimap = not app.show_minimap
    elif k == pygame.K_h:
        app.show_hud = not app.show_hud
