"""Burn-ins for the animatic, drawn straight into the RGB frame (numpy, after GL readback).

What an editor and a stunt coordinator need to read off a POV animatic, and nothing more:

- **timecode** (top left), from the level's ``start_tc``;
- **shot number** (top right) ``SHOT 003/012``, red with ``OVER TAKE`` when the shot is
  longer than ``max_take``;
- on each **turn cut** a one-frame **flash** (the frame blended 75 % toward white) with a
  big marker ``CUT 3 ◀ 88°`` (◀ = a left turn, ▶ = right), then the marker small under
  the timecode for half a second so it can be read when paused;
- a ``SUGGESTED CUT`` tag on the peak frame of a turn suggested for an over-long take;
- **beat captions** (bottom left): the beats active at the frame
  (``0:12.50  Goon 3 punch Henry``), newest last;
- **safety warnings** (bottom right, red): the safety findings live at the frame
  (``⚠ Henry over lying Cook``), one line each, at most :data:`MAX_WARNINGS` (then
  ``+N more``), so a near miss out of frame still shows on the animatic.

What is on screen at frame ``f`` (shot, cuts, suggestion, active beats, live safety
findings and their texts, timecode) is read
from :class:`previs.plan.frame_truth.FrameTruths`, the same answer the window's HUD and
the report read; this module only draws it.

Text is rasterised with pygame.font (no display needed) once per distinct string, kept in a
small cache, and alpha-blended into just the pixels it covers, so a burn-in costs a
fraction of a millisecond per frame. Drawing is deterministic (same frame, same pixels).
Fonts: the DejaVu fonts shipped in ``previs.assets/fonts``, else pygame's default font.
"""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np

from ..plan.frame_truth import FrameTruths, arrow, clock

CUT_MARK_SECONDS = 0.5
"""Seconds the small cut marker stays on after the flash."""
FLASH_WHITE = 0.75
"""How far the cut frame is blended toward white."""
MAX_WARNINGS = 4
"""Safety warning lines at most (4 x 29 px at 720p: the bottom sixth of the frame); the
rest are counted on a last ``+N more`` line."""
WARNING_SIGN = "\u26a0 "

WHITE = (255, 255, 255)
YELLOW = (255, 214, 10)
RED = (255, 70, 60)
CYAN = (90, 220, 255)


def _font_path(name: str) -> str | None:
    try:
        from importlib.resources import files

        p = files("previs.assets") / "fonts" / name
        if p.is_file():
            return os.fspath(p)
    except (ModuleNotFoundError, TypeError, FileNotFoundError):
        pass
    return None


def _init_font():
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # keep stdout clean
    import pygame.font

    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font


class _Text:
    """A rasterised string: ``alpha`` (h, w, 1) coverage as integers 0..256.

    It is drawn as a *label*: the text on a box darkened to half brightness, ``pad`` pixels
    wider on each side and ``pad`` taller (``pad // 2`` above the text). Both are one
    blend over the box, ``pixel * inv >> 9 + pre`` in integers, with ``inv = 256 - alpha``
    and ``pre = colour * alpha >> 8`` (0 and 256 outside the text: ``pixel >> 1``, the
    darkened box). The terms are cached per colour."""

    __slots__ = ("alpha", "w", "h", "parts", "_boxes")

    def __init__(self, alpha: np.ndarray, parts: list | None = None):
        self.alpha = alpha
        self.h, self.w = alpha.shape[:2]
        self.parts = parts  # the glyphs it was built from (TextCache(glyphs=True)), or None
        self._boxes: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def box_terms(self, color, pad: int, channels: int = 4, sides: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(inv, pre), both (h + pad, w + 2 pad, channels) uint16, for ``color`` (3 = RGB;
        4 = RGBA, whose 4th channel is halved and ignored: whole pixels are faster than
        3-of-4 views). ``sides=False``: without the ``pad`` columns left and right."""
        key = (*(int(c) for c in color), int(pad), channels, sides)
        t = self._boxes.get(key)
        if t is not None:
            return t
        side = pad if sides else 0
        if self.parts is not None:
            # Glyph by glyph, from each glyph's own cached terms: no per-string maths.
            cols = [g.box_terms(color, pad, channels, sides=False) for g in self.parts]
            edge_inv = np.full((self.h + pad, side, channels), 256, np.uint16)
            edge_pre = np.zeros((self.h + pad, side, channels), np.uint16)
            inv = np.concatenate([edge_inv, *(c[0] for c in cols), edge_inv], axis=1)
            pre = np.concatenate([edge_pre, *(c[1] for c in cols), edge_pre], axis=1)
            return inv, pre  # not cached: a composed string (the timecode) rarely repeats
        a = np.zeros((self.h + pad, self.w + 2 * side, 1), np.uint16)
        a[pad // 2: pad // 2 + self.h, side: side + self.w] = self.alpha
        col = np.zeros(channels, np.uint16)
        col[:3] = key[:3]
        inv = np.repeat(256 - a, channels, axis=2)
        pre = (a * col[None, None, :]) >> 8  # <= 255
        t = self._boxes[key] = (inv, pre)
        return t


class TextCache:
    """Rasterise strings in one font size, caching the last ``limit`` of them.

    ``glyphs=True`` (a monospaced font only) builds each string from cached single
    characters instead of asking the font for it: the timecode is a new string every
    frame, and this takes it from ~0.3 ms to ~0.03 ms."""

    def __init__(self, size_px: int, mono: bool = False, limit: int = 256, glyphs: bool = False):
        font = _init_font()
        path = _font_path("DejaVuSansMono-Bold.ttf" if mono else "DejaVuSans.ttf")
        self.font = font.Font(path, max(6, int(size_px)))
        self.limit = limit
        self.glyphs = glyphs and mono
        self._glyph: dict[str, _Text] = {}
        self._cache: OrderedDict[str, _Text] = OrderedDict()

    def _alpha(self, text: str) -> np.ndarray:
        """(h, w, 1) uint16 coverage 0..256 of ``text``."""
        import pygame.surfarray

        surf = self.font.render(text, True, (255, 255, 255))
        a = pygame.surfarray.array_alpha(surf).T.astype(np.uint16)
        a = (a * 256 + 127) // 255  # 0..255 -> 0..256, so full coverage is exactly the colour
        return np.ascontiguousarray(a[:, :, None])

    def get(self, text: str) -> _Text:
        t = self._cache.get(text)
        if t is not None:
            self._cache.move_to_end(text)
            return t
        if self.glyphs and text:
            parts = []
            for ch in text:
                g = self._glyph.get(ch)
                if g is None:
                    g = self._glyph[ch] = _Text(self._alpha(ch))
                parts.append(g)
            t = _Text(np.concatenate([g.alpha for g in parts], axis=1), parts)
        else:
            t = _Text(self._alpha(text))
        self._cache[text] = t
        if len(self._cache) > self.limit:
            self._cache.popitem(last=False)
        return t

    @property
    def line_height(self) -> int:
        return int(self.font.get_linesize())


class Scratch:
    """A reusable uint16 work area for :func:`label`, grown on demand. One per drawing
    thread: each :class:`BurnIn` has its own."""

    def __init__(self):
        self.buf = np.zeros((1, 1, 4), np.uint16)

    def take(self, h: int, w: int, ch: int) -> np.ndarray:
        b = self.buf
        if b.shape[0] < h or b.shape[1] < w or b.shape[2] != ch:
            b = self.buf = np.zeros((max(h, b.shape[0]), max(w, b.shape[1]), ch), np.uint16)
        return b[:h, :w]


def label(rgb: np.ndarray, t: _Text, x: int, y: int, color=WHITE, pad: int = 4,
          scratch: Scratch | None = None) -> tuple[int, int]:
    """Draw ``t`` in ``color`` on a half-dark box with its top-left corner at ``(x, y)``
    (clipped to the frame), in place: one integer blend over the box. ``rgb`` is (H, W, 3)
    or (H, W, 4) uint8 (the 4th channel is halved; encoders ignore it). Returns the box's
    (width, height): the text's plus ``2 pad`` and ``pad``."""
    H, W = rgb.shape[:2]
    ch = rgb.shape[2]
    inv, pre = t.box_terms(color, pad, ch)
    bh, bw = inv.shape[:2]
    sx0, sy0 = max(0, -x), max(0, -y)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + bw), min(H, y + bh)
    if x1 > x0 and y1 > y0:
        ys, xs = slice(sy0, sy0 + (y1 - y0)), slice(sx0, sx0 + (x1 - x0))
        reg = rgb[y0:y1, x0:x1]
        acc = (scratch or Scratch()).take(y1 - y0, x1 - x0, ch)
        np.multiply(reg, inv[ys, xs], out=acc)
        np.right_shift(acc, 9, out=acc)
        np.add(acc, pre[ys, xs], out=acc)
        np.copyto(reg, acc, casting="unsafe")
    return bw, bh


def flash(rgb: np.ndarray, amount: float = FLASH_WHITE) -> None:
    """Blend the whole frame ``amount`` toward white, in place (integer arithmetic)."""
    if amount >= 0.75:
        np.right_shift(rgb, 2, out=rgb)  # x/4 + 191: 75 % white, no overflow (63 + 191)
        np.add(rgb, 191, out=rgb)
    else:
        keep = 1.0 - amount
        np.copyto(rgb, (rgb * keep + 255 * amount).astype(np.uint8))


def cut_label(index: int, direction: str, angle: float) -> str:
    return f"CUT {index} {arrow(direction)} {angle:.0f}\u00b0"


class BurnIn:
    """Burn-ins for one animatic of ``width x height`` from a :class:`ShotPlan`.

    ``apply(rgb, frame)`` draws frame ``frame``'s burn-ins into the top-down RGB uint8 array
    ``rgb`` (H, W, 3), or RGBA (H, W, 4), in place, as :meth:`FrameTruths.at` says.
    """

    def __init__(self, plan, width: int, height: int, *, captions: bool = True,
                 flash_cuts: bool = True):
        self.plan = plan
        self.truths = FrameTruths(plan)
        self.W, self.H = int(width), int(height)
        self.fps = float(plan.fps)
        u = max(8, self.H // 24)  # 30 px at 720p, 7.5 at 180p -> 8
        self.pad = max(2, u // 4)
        self.tc_font = TextCache(u, mono=True, limit=8, glyphs=True)  # a new string every frame
        self.label_font = TextCache(u)
        self.caption_font = TextCache(max(8, int(u * 0.8)))
        self.big_font = TextCache(max(10, int(u * 2.2)))
        self.captions = captions
        self.flash_cuts = flash_cuts
        self.mark_frames = max(1, int(round(CUT_MARK_SECONDS * self.fps)))
        self._scratch = Scratch()  # apply() is not for two threads at once: one BurnIn each

    # -- drawing --------------------------------------------------------------------------------

    def _label(self, rgb, font: TextCache, text: str, x: int, y: int, color, anchor: str = "tl") -> tuple[int, int]:
        """Draw ``text`` on a darkened box; ``anchor`` tl / tr / tc / bl / br. Returns (w, h) of box."""
        t = font.get(text)
        p = self.pad
        bw, bh = t.w + 2 * p, t.h + p
        if anchor == "tr":
            x = x - bw
        elif anchor == "tc":
            x = x - bw // 2
        elif anchor == "bl":
            y = y - bh
        elif anchor == "br":
            x, y = x - bw, y - bh
        return label(rgb, t, x, y, color, p, self._scratch)

    def apply(self, rgb: np.ndarray, frame: int) -> None:
        W, H, p = self.W, self.H, self.pad
        t = self.truths.at(frame)
        cut = t.last_cut
        if t.cut is not None and self.flash_cuts:
            flash(rgb)
        # Timecode, top left.
        _, th = self._label(rgb, self.tc_font, t.timecode, p, p, WHITE)
        # Shot number, top right.
        if t.shot:
            text = f"SHOT {t.shot:03d}/{t.shots:03d}"
            if t.over_max_take:
                text += "  OVER TAKE"
            self._label(rgb, self.label_font, text, W - p, p, RED if t.over_max_take else WHITE, anchor="tr")
        # Cut marker: big on the cut frame, small under the timecode for half a second after.
        if cut is not None and frame - cut.frame < self.mark_frames:
            label = cut_label(cut.index, cut.direction, cut.angle)
            if t.cut is not None:
                big = self.big_font.get(label)
                self._label(rgb, self.big_font, label, W // 2, (H - big.h) // 2, YELLOW, anchor="tc")
            else:
                self._label(rgb, self.label_font, label, p, p + th + p, YELLOW)
        sc = t.suggested_cut
        if sc is not None:
            self._label(rgb, self.label_font,
                        f"SUGGESTED CUT {arrow(sc.direction)} {sc.angle:.0f}\u00b0 {sc.peak_speed:.0f}\u00b0/s",
                        W // 2, p, CYAN, anchor="tc")
        # Safety warnings, bottom right, red: the frame's live findings.
        if t.warnings:
            lines = [WARNING_SIGN + w for w in t.warnings[:MAX_WARNINGS]]
            if len(t.warnings) > MAX_WARNINGS:
                lines.append(f"+{len(t.warnings) - MAX_WARNINGS} more")
            y = H - p
            for text in reversed(lines):
                _, bh = self._label(rgb, self.caption_font, text, W - p, y, RED, anchor="br")
                y -= bh + 1
        # Beat captions, bottom left, newest last.
        if self.captions:
            y = H - p
            for b in reversed(t.beats):
                text = f"{clock(b.t)}  {b.label}"
                if b.note:
                    text += f" \u2014 {b.note}"
                _, bh = self._label(rgb, self.caption_font, text, p, y, WHITE, anchor="bl")
                y -= bh + 1
