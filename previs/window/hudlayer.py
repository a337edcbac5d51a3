"""Draws a :class:`~previs.window.hud.HudState` over the 3D frame.

Text is set with pygame.font (DejaVu, ``assets/fonts``) into small per-panel surfaces,
uploaded as textures and drawn as screen-space quads through ``assets/shaders/hud.*``.
A panel is re-set and re-uploaded only when its content changes (the timecode box once a
frame while playing; the help panel once), so the HUD costs a few small uploads a frame
rather than a full-screen one.

Layout, scaled with the frame height (``u`` = height / 720): timecode, frame, shot and
cut countdown top-left; mode, speed and REC top-right; safety warnings top-centre;
beat captions bottom-centre; minimap bottom-right; the scrub bar along the bottom edge;
help and level errors as centred panels.
"""

from __future__ import annotations

import numpy as np
import pygame

from ..gl.glapi import GL, Program, asset_path, attrib, delete_buffers, delete_vertex_arrays, make_buffer
from .hud import HudState, Timeline, fmt_seconds, speed_label
from .minimap import Minimap

WHITE = (240, 240, 240)
DIM = (175, 180, 188)
YELLOW = (255, 214, 64)
RED = (235, 60, 50)
ORANGE = (255, 150, 40)
PANEL = (10, 12, 16, 150)
ERROR_PANEL = (120, 14, 10, 225)


RING = 3
"""Textures per panel, used in turn. Rewriting a texture that a frame still in flight reads
makes the driver wait for that frame (measured on llvmpipe: ~1.7 ms per upload, the
whole previous frame); a panel that changes every frame writes the one used three frames
ago instead."""


class _Panel:
    __slots__ = ("texs", "sizes", "i", "tex", "w", "h", "key")

    def __init__(self):
        self.texs = [int(t) for t in GL.glGenTextures(RING)]
        for t in self.texs:
            GL.glBindTexture(GL.GL_TEXTURE_2D, t)
            for p, v in ((GL.GL_TEXTURE_MIN_FILTER, GL.GL_NEAREST), (GL.GL_TEXTURE_MAG_FILTER, GL.GL_NEAREST),
                         (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE), (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)):
                GL.glTexParameteri(GL.GL_TEXTURE_2D, p, v)
        self.sizes = [(0, 0)] * RING
        self.i = 0
        self.tex = self.texs[0]
        self.w = self.h = 0
        self.key = None

    def upload(self, surf: pygame.Surface, key) -> None:
        w, h = surf.get_size()
        data = pygame.image.tobytes(surf, "RGBA", False)  # top row first
        self.i = (self.i + 1) % RING
        tex = self.texs[self.i]
        GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        if (w, h) != self.sizes[self.i]:
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, w, h, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, data)
            self.sizes[self.i] = (w, h)
        else:
            GL.glTexSubImage2D(GL.GL_TEXTURE_2D, 0, 0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, data)
        self.tex, self.w, self.h, self.key = tex, w, h, key


def _boxed(lines, pad: int, bg=PANEL, min_w: int = 0, align: str = "left", radius: int = 6) -> pygame.Surface:
    """A translucent rounded box holding rendered text lines (surfaces)."""
    w = max([s.get_width() for s in lines] + [min_w]) + 2 * pad
    gap = max(1, pad // 3)
    h = sum(s.get_height() for s in lines) + gap * max(0, len(lines) - 1) + 2 * pad
    box = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.draw.rect(box, bg, box.get_rect(), border_radius=radius)
    y = pad
    for s in lines:
        x = pad if align == "left" else (w - s.get_width()) // 2 if align == "center" else w - pad - s.get_width()
        box.blit(s, (x, y))
        y += s.get_height() + gap
    return box


class HudLayer:
    """The HUD over frames of ``size`` (width, height) pixels. Needs a current GL context."""

    def __init__(self, size: tuple[int, int]):
        self.size = (int(size[0]), int(size[1]))
        if not pygame.font.get_init():
            pygame.font.init()
        u = self.size[1] / 720.0
        self.u = u
        sans = asset_path("fonts", "DejaVuSans.ttf")
        mono = asset_path("fonts", "DejaVuSansMono-Bold.ttf")
        self.f_big = pygame.font.Font(mono, max(12, int(round(30 * u))))
        self.f_text = pygame.font.Font(sans, max(10, int(round(18 * u))))
        self.f_small = pygame.font.Font(sans, max(9, int(round(15 * u))))
        self.f_caption = pygame.font.Font(sans, max(10, int(round(22 * u))))
        self.prog = Program("hud")
        self.vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self.vao)
        self.vbo = make_buffer(np.array([[0, 0], [1, 0], [1, 1], [0, 0], [1, 1], [0, 1]], np.float32))
        attrib(0, 2, 8, 0)
        GL.glBindVertexArray(0)
        self._panels: dict[str, _Panel] = {}
        self._minimap: Minimap | None = None
        self._minimap_level = None

    # -- drawing primitives -----------------------------------------------------------------

    def _text(self, font, s: str, color=WHITE) -> pygame.Surface:
        return font.render(s, True, color)

    def _panel(self, name: str, key, build) -> _Panel:
        p = self._panels.get(name)
        if p is None:
            p = self._panels[name] = _Panel()
        if p.key != key:
            p.upload(build(), key)
        return p

    def _sprite(self, p: _Panel, x: float, y: float) -> None:
        GL.glUniform4f(self.prog.loc("u_rect"), float(x), float(y), float(p.w), float(p.h))
        GL.glUniform1i(self.prog.loc("u_solid"), 0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, p.tex)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 6)

    def _solid(self, x, y, w, h, rgba) -> None:
        GL.glUniform4f(self.prog.loc("u_rect"), float(x), float(y), float(w), float(h))
        GL.glUniform1i(self.prog.loc("u_solid"), 1)
        GL.glUniform4f(self.prog.loc("u_color"), *rgba)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 6)
        GL.glUniform4f(self.prog.loc("u_color"), 1.0, 1.0, 1.0, 1.0)

    # -- the HUD -------------------------------------------------------------------------------

    def draw(self, hud: HudState, level=None, fs=None) -> None:
        """Draw ``hud`` over the current framebuffer (``level``/``fs`` for the minimap)."""
        W, H = self.size
        u = self.u
        m = int(round(12 * u))  # margin
        self.begin(W, H)

        if hud.flash:
            # The one-frame flash on a turn cut: the whole frame washes toward white.
            self._solid(0, 0, W, H, (1.0, 1.0, 1.0, 0.45))

        bar_h = int(round(16 * u)) if hud.timeline is not None else 0
        bottom = H - bar_h - (m // 2 if bar_h else 0)

        # Top-left: timecode, frame / shot, cut countdown.
        if hud.timecode:
            key = ("tl", hud.timecode, hud.frame, hud.frames, hud.shot, hud.shots, hud.cut_note,
                   None if hud.next_cut_in is None else round(hud.next_cut_in, 1))
            p = self._panel("tl", key, lambda: self._top_left(hud))
            self._sprite(p, m, m)

        # Top-right: mode, play state, speed, REC.
        if hud.mode or hud.rec:
            blink = hud.rec is not None and (hud.frame // max(1, int(hud.fps) // 2)) % 2 == 0
            key = ("tr", hud.mode, hud.playing, hud.speed, hud.rec, blink, hud.title)
            p = self._panel("tr", key, lambda: self._top_right(hud, blink))
            self._sprite(p, W - m - p.w, m)

        if hud.warnings:
            key = ("warn", hud.warnings)
            p = self._panel("warn", key, lambda: self._warnings(hud.warnings))
            self._sprite(p, (W - p.w) // 2, m)

        if hud.minimap and level is not None and fs is not None:
            if self._minimap is None or self._minimap_level is not level:
                self._minimap = Minimap(level, max_px=int(round(220 * u)))
                self._minimap_level = level
            mm = self._minimap
            key = ("mm", id(level), fs.frame, fs.henry_xz, fs.yaw, len(hud.trail))
            p = self._panel("mm", key, lambda: mm.render(fs, hud.trail))
            self._sprite(p, W - m - p.w, bottom - m - p.h)

        y = bottom - m
        if hud.captions:
            key = ("cap", hud.captions)
            p = self._panel("cap", key, lambda: _boxed(
                [self._text(self.f_caption, c) for c in hud.captions], int(8 * u), align="center"))
            y -= p.h
            self._sprite(p, (W - p.w) // 2, y)
            y -= m // 2
        if hud.toast:
            key = ("toast", hud.toast)
            p = self._panel("toast", key, lambda: _boxed([self._text(self.f_text, hud.toast, YELLOW)], int(8 * u)))
            y -= p.h
            self._sprite(p, (W - p.w) // 2, y)

        if hud.timeline is not None:
            # Shots and cuts once per timeline; the playhead is a quad (no upload a frame).
            tl = hud.timeline
            key = ("bar", tl, W)
            p = self._panel("bar", key, lambda: self._timeline_bar(tl, W, bar_h))
            self._sprite(p, 0, H - bar_h)
            n = max(tl.frames, 1)
            x = int(min(hud.frame, n - 1) * W / n)
            self._solid(x - 1, H - bar_h, 3, bar_h, (1.0, 1.0, 1.0, 1.0))

        if hud.errors:
            key = ("err", hud.errors)
            p = self._panel("err", key, lambda: self._errors(hud.errors, W))
            self._sprite(p, (W - p.w) // 2, max(m, (H - p.h) // 3))

        if hud.help:
            key = ("help", hud.help)
            p = self._panel("help", key, lambda: self._help(hud.help))
            self._sprite(p, (W - p.w) // 2, max(m, (H - p.h) // 2))

        self.end()

    def begin(self, W: int, H: int) -> None:
        """Screen-space state for sprites over a ``W`` x ``H`` frame: no depth test or
        culling, alpha blending, the HUD program with white colour and texture unit 0."""
        GL.glDisable(GL.GL_DEPTH_TEST)
        GL.glDisable(GL.GL_CULL_FACE)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        self.prog.use()
        GL.glUniform2f(self.prog.loc("u_screen"), float(W), float(H))
        GL.glUniform4f(self.prog.loc("u_color"), 1.0, 1.0, 1.0, 1.0)
        GL.glUniform1i(self.prog.loc("u_tex"), 0)
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindVertexArray(self.vao)

    @staticmethod
    def end() -> None:
        """Back to the scene's state after :meth:`begin`."""
        GL.glBindVertexArray(0)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_DEPTH_TEST)

    # -- panels ----------------------------------------------------------------------------

    def _top_left(self, hud: HudState) -> pygame.Surface:
        lines = [self._text(self.f_big, hud.timecode)]
        info = f"frame {hud.frame}"
        if hud.frames:
            info += f" / {hud.frames - 1}"
        if hud.shots:
            info += f"   shot {hud.shot} / {hud.shots}"
        lines.append(self._text(self.f_text, info, DIM))
        if hud.cut_note:
            lines.append(self._text(self.f_small, hud.cut_note, DIM))
        elif hud.shots:
            if hud.next_cut_in is None:
                lines.append(self._text(self.f_text, "no more cuts", DIM))
            else:
                col = YELLOW if hud.next_cut_in <= 1.0 else WHITE
                lines.append(self._text(self.f_text, f"next cut in {fmt_seconds(hud.next_cut_in)}", col))
        return _boxed(lines, int(8 * self.u))

    def _top_right(self, hud: HudState, blink: bool) -> pygame.Surface:
        lines = []
        if hud.title:
            lines.append(self._text(self.f_small, hud.title, DIM))
        if hud.mode:
            state = "\u25b6" if hud.playing else "PAUSED"
            lines.append(self._text(self.f_text, f"{hud.mode.upper()}   {state} {speed_label(hud.speed)}"))
        if hud.rec is not None:
            dot = "\u25cf " if blink else "   "
            lines.append(self._text(self.f_text, dot + hud.rec, RED))
        return _boxed(lines, int(8 * self.u), align="right")

    def _warnings(self, warnings) -> pygame.Surface:
        rows = [self._text(self.f_text, "\u26a0 " + w, ORANGE) for w in warnings[:5]]
        if len(warnings) > 5:
            rows.append(self._text(self.f_small, f"+{len(warnings) - 5} more", ORANGE))
        return _boxed(rows, int(7 * self.u), bg=(40, 8, 4, 185))

    def _errors(self, errors, W: int) -> pygame.Surface:
        n = len(errors)
        head = self._text(self.f_text, f"Level not reloaded: {n} problem{'s' if n != 1 else ''} "
                          "(still showing the last good version)", WHITE)
        rows = [head]
        maxw = int(W * 0.86)
        for e in errors[:8]:
            for line in _wrap(self.f_small, e, maxw):
                rows.append(self._text(self.f_small, line, (255, 225, 220)))
        if n > 8:
            rows.append(self._text(self.f_small, f"+{n - 8} more; run 'previs check' for all of them", WHITE))
        return _boxed(rows, int(10 * self.u), bg=ERROR_PANEL)

    def _help(self, rows) -> pygame.Surface:
        keyw = max(self.f_text.size(k)[0] for k, _ in rows)
        lines = [self._text(self.f_caption, "Keys", YELLOW)]
        for k, what in rows:
            ks = self._text(self.f_text, k, YELLOW)
            ws = self._text(self.f_text, what, WHITE)
            line = pygame.Surface((keyw + int(18 * self.u) + ws.get_width(), max(ks.get_height(), ws.get_height())),
                                  pygame.SRCALPHA)
            line.blit(ks, (0, 0))
            line.blit(ws, (keyw + int(18 * self.u), 0))
            lines.append(line)
        return _boxed(lines, int(14 * self.u), bg=(10, 12, 16, 215))

    def _timeline_bar(self, tl: Timeline, W: int, h: int) -> pygame.Surface:
        surf = pygame.Surface((W, h), pygame.SRCALPHA)
        surf.fill((10, 12, 16, 170))
        n = max(tl.frames, 1)
        ends = (*tl.shot_starts[1:], n)
        for i, (s, e) in enumerate(zip(tl.shot_starts, ends)):
            x0, x1 = int(s * W / n), int(e * W / n)
            over = i < len(tl.over_max) and tl.over_max[i]
            col = (150, 45, 40, 200) if over else ((70, 78, 92, 200) if i % 2 == 0 else (95, 104, 120, 200))
            pygame.draw.rect(surf, col, (x0, 3, max(1, x1 - x0), h - 6))
        for c in tl.cuts:
            x = int(c * W / n)
            pygame.draw.line(surf, (*YELLOW, 255), (x, 0), (x, h - 1), 2)
        return surf

    def close(self) -> None:
        for p in self._panels.values():
            GL.glDeleteTextures(len(p.texs), p.texs)
        self._panels.clear()
        delete_vertex_arrays(self.vao)
        delete_buffers(self.vbo)
        self.prog.delete()


class HudOverlay:
    """One frame's :class:`HudState` as a layer for :meth:`previs.gl.renderer.Renderer.draw`
    (its :class:`~previs.gl.layers.OverlayLayer` protocol), drawn by ``layer``; ``level``
    for the minimap."""

    def __init__(self, layer: HudLayer, hud: HudState, level=None):
        self.layer, self.hud, self.level = layer, hud, level

    def draw_over(self, size: tuple[int, int], state) -> None:
        self.layer.draw(self.hud, self.level, state)


class HudLayers:
    """Hands out :class:`HudOverlay` layers from one :class:`HudLayer`, made on first use
    (it needs pygame.font and a current GL context) and made again when the frame size
    changes (a resized window lays the HUD out anew)."""

    def __init__(self):
        self._layer: HudLayer | None = None

    def layer(self, size: tuple[int, int]) -> HudLayer:
        """The shared :class:`HudLayer` for frames of ``size`` (the shot panel draws on it
        whether the HUD shows or not)."""
        size = (int(size[0]), int(size[1]))
        if self._layer is not None and self._layer.size != size:
            self.close()
        if self._layer is None:
            self._layer = HudLayer(size)
        return self._layer

    def over(self, hud: HudState, level, size: tuple[int, int]) -> HudOverlay:
        return HudOverlay(self.layer(size), hud, level)

    def close(self) -> None:
        if self._layer is not None:
            self._layer.close()
            self._layer = None


def _wrap(font, text: str, max_w: int) -> list[str]:
    """Greedy word wrap to ``max_w`` pixels."""
    words = text.split(" ")
    out, cur = [], ""
    for w in words:
        t = w if not cur else cur + " " + w
        if font.size(t)[0] <= max_w or not cur:
            cur = t
        else:
            out.append(cur)
            cur = w
    if cur:
        out.append(cur)
    return out
