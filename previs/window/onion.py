"""The onion skin and the shot panel: drawn over the scene, under the HUD.

- **Onion skin**: the outgoing shot's frame at the cut (a frame grab, drawn once when the
  window stands by) blended over the live view, tinted :data:`ONION_TINT` at
  :data:`ONION_ALPHA`, the way operators line up on a frame grab: where the live frame
  and the grab agree the picture only shifts in colour; where they do not, it doubles.
- **Shot panel** (left, under the timecode): the match meter while standing by
  (position, heading and pitch against the outgoing frame, green within the level's
  thresholds, red beyond; who is in frame then and now), the takes of the shot under the
  playhead (the circled one marked), and the edit's findings for the cut into that shot.

Pixels: the grab is (H, W, 3) uint8 RGB, top row first, the size of the frame it is drawn
over (a resize drops it: the window grabs again).
"""

from __future__ import annotations

import numpy as np
import pygame

from ..gl.glapi import GL
from .hudlayer import DIM, PANEL, RED, WHITE, YELLOW, HudLayer, _boxed, _Panel

ONION_ALPHA = 0.5
"""How much of the grab shows over the live frame (0.5: both read equally)."""
ONION_TINT = (0.55, 0.9, 1.0)
"""The grab's tint (cyan): a ghost that reads as the other frame, not the live one."""
GREEN = (90, 220, 110)


class ShotLayer:
    """One frame's onion skin and shot panel, drawn with the HUD's program and fonts
    (``hud``: the window's :class:`~previs.window.hudlayer.HudLayer`)."""

    def __init__(self, hud: HudLayer, grab, panel_lines):
        self.hud, self.grab, self.lines = hud, grab, panel_lines

    def draw_over(self, size, state) -> None:
        h = self.hud
        W, H = size
        h.begin(W, H)
        if self.grab is not None and self.grab.shape[:2] == (H, W):
            p = h._panel("onion", ("onion", id(self.grab)), lambda: _grab_surface(self.grab))
            GL.glUniform4f(h.prog.loc("u_color"), *ONION_TINT, ONION_ALPHA)
            GL.glUniform4f(h.prog.loc("u_rect"), 0.0, 0.0, float(W), float(H))
            GL.glUniform1i(h.prog.loc("u_solid"), 0)
            GL.glBindTexture(GL.GL_TEXTURE_2D, p.tex)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, 6)
        GL.glUniform4f(h.prog.loc("u_color"), 1.0, 1.0, 1.0, 1.0)
        if self.lines:
            m = int(round(12 * h.u))
            p = h._panel("shots", ("shots", self.lines), lambda: _boxed(
                [h._text(h.f_small, t, c) for t, c in self.lines], int(8 * h.u)))
            h._sprite(p, m, int(round(110 * h.u)))
        h.end()


def _grab_surface(rgb: np.ndarray) -> pygame.Surface:
    """The grab as an opaque RGBA surface (the tint's alpha does the blending)."""
    h, w = rgb.shape[:2]
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., :3] = rgb
    rgba[..., 3] = 255
    return pygame.image.frombuffer(rgba.tobytes(), (w, h), "RGBA")


def meter_lines(reading, settings) -> list[tuple[str, tuple]]:
    """The match meter as coloured text lines (see :func:`previs.plan.cut_match.meter`)."""

    def col(ok):
        return GREEN if ok else RED

    then = ", ".join(reading.then) or "nobody"
    now = ", ".join(reading.now) or "nobody"
    return [
        (f"position {reading.position:.3f} m  (\u2264 {settings.distance:g})", col(reading.position_ok)),
        (f"heading {reading.heading:+.1f}\u00b0  pitch {reading.pitch:+.1f}\u00b0  (\u2264 {settings.angle:g}\u00b0)",
         col(reading.heading_ok and reading.pitch_ok)),
        (f"in frame then: {then}", DIM),
        (f"in frame now:  {now}", col(set(reading.then) == set(reading.now))),
    ]


__all__ = ["ShotLayer", "meter_lines", "ONION_ALPHA", "ONION_TINT", "WHITE", "YELLOW", "PANEL", "_Panel"]
