"""Keys and mouse: the bindings table (F1 help, docs/walk.md) and the per-tick command.

The window turns pygame events into two things only: *actions* on the timeline/app
(play, scrub, record, ...), handled by :mod:`previs.window.app`, and, in walk mode, one
:class:`~previs.sim.walker.TickCmd` per simulation tick built by :class:`InputState`.

Mouse look is quantised to whole centidegrees per tick (the take's unit) with the
remainder carried to the next tick, so slow mouse moves are not lost to rounding and a
take holds exactly what the window applied.
"""

from __future__ import annotations

import pygame

from ..sim.walker import CMD_LIMITS, RUN, TickCmd

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Playback speeds, ``[`` / ``]`` step through them."""

DEFAULT_SENSITIVITY = 0.15
"""Degrees of turn per pixel of mouse movement (a 1000 px swipe turns 150 degrees)."""

RECORD_KEY = pygame.K_F5

BINDINGS: tuple[tuple[str, str], ...] = (
    ("1  2  3  /  Tab", "mode: watch (scripted camera) / walk / free camera"),
    ("W A S D", "walk (walk mode) or fly (free mode)"),
    ("mouse", "look (walk and free mode)"),
    ("Shift", "run (x2.5) / fly faster"),
    ("R  F", "fly up / down (free mode)"),
    ("Space", "play / pause"),
    (",  .", "step one frame back / forward (pauses)"),
    ("\u2190  \u2192", "scrub 1 s back / forward"),
    ("click/drag bar", "scrub to a time (bottom bar; watch mode, or walk mode paused)"),
    ("[  ]", "slower / faster (\u00d70.25 \u2026 \u00d74)"),
    ("PgUp PgDn  Q E", "previous / next turn cut (shot)"),
    ("Home", "back to frame 0"),
    ("F5", "record a take: restarts at frame 0 in walk mode (standing by: rolls at the cut); F5 again stops"),
    ("O", "overlays: zones and paths on the floor"),
    ("M", "minimap on / off"),
    ("H", "HUD on / off"),
    ("F1", "this help"),
    ("Esc", "quit (a take being recorded is saved)"),
)


class InputState:
    """Held keys and mouse motion since the last tick (walk/free controls)."""

    def __init__(self, sensitivity: float = DEFAULT_SENSITIVITY):
        self.sensitivity = float(sensitivity)  # degrees per pixel
        self.held: set[int] = set()
        self.mouse_dx = 0.0
        self.mouse_dy = 0.0
        self._turn_rest = 0.0  # centidegrees not yet applied
        self._look_rest = 0.0

    def key_down(self, key: int) -> None:
        self.held.add(key)

    def key_up(self, key: int) -> None:
        self.held.discard(key)

    def mouse(self, dx: float, dy: float) -> None:
        self.mouse_dx += dx
        self.mouse_dy += dy

    def clear_mouse(self) -> None:
        """Drop mouse motion (paused: no tick will consume it)."""
        self.mouse_dx = self.mouse_dy = 0.0
        self._turn_rest = self._look_rest = 0.0

    def release_all(self) -> None:
        self.held.clear()
        self.clear_mouse()

    def axes(self) -> tuple[int, int]:
        """(forward, strafe) in -1..1 from W/S and D/A."""
        h = self.held
        f = (pygame.K_w in h) - (pygame.K_s in h)
        s = (pygame.K_d in h) - (pygame.K_a in h)
        return f, s

    def rise(self) -> int:
        """-1..1 from F (down) and R (up): the free camera's height."""
        return (pygame.K_r in self.held) - (pygame.K_f in self.held)

    @property
    def running(self) -> bool:
        return pygame.K_LSHIFT in self.held or pygame.K_RSHIFT in self.held

    def take_look(self) -> tuple[int, int]:
        """(turn, look) in whole centidegrees for this tick, from the mouse since the last
        one. Mouse right turns right (negative yaw); mouse up looks up."""
        lim = CMD_LIMITS["turn"]
        t = -self.mouse_dx * self.sensitivity * 100.0 + self._turn_rest
        k = -self.mouse_dy * self.sensitivity * 100.0 + self._look_rest
        turn = max(-lim, min(lim, int(round(t))))
        look = max(-lim, min(lim, int(round(k))))
        self._turn_rest = t - turn if abs(t - turn) < 1.0 else 0.0
        self._look_rest = k - look if abs(k - look) < 1.0 else 0.0
        self.mouse_dx = self.mouse_dy = 0.0
        return turn, look

    def tick_cmd(self) -> TickCmd:
        """The walker's command for one tick (consumes the mouse motion)."""
        f, s = self.axes()
        turn, look = self.take_look()
        return TickCmd(forward=127 * f, strafe=127 * s, turn=turn, look=look,
                       buttons=RUN if self.running else 0)
