"""Where the renderer draws and how frames come back: offscreen framebuffers (one or
more targets, each an RGBA8 colour and a 24-bit depth renderbuffer) or the window's back
buffer, read back top row first as RGB or RGBA uint8, or blitted to the window.

GL puts the bottom row first in memory, so a read-back is flipped row by row (0.5 ms a
frame at 720p on llvmpipe, as much as ``glReadPixels`` itself). Offscreen targets can
instead be drawn upside down in memory (:meth:`RenderTargets.draw_top_row_first`): then
the read-back is one plain copy into the caller's array.

:class:`RenderTargets` is the part of :class:`previs.gl.renderer.Renderer` that owns them;
it expects ``size`` (width, height pixels), ``offscreen``, ``_fbo``, ``_fbos`` and ``_rbo``
set by the renderer. Needs a current OpenGL 3.3 context.
"""

from __future__ import annotations

import ctypes

import numpy as np

from .glapi import GL, RenderError, has_clip_control, rows_run_down


class RenderTargets:
    """Offscreen targets and read-back of a renderer (see the module doc)."""

    _top_first = False  # rows stored top row first (clip control upper left); else GL's bottom-up
    _clip_control: bool | None = None  # whether this renderer's context has glClipControl

    def _follow_row_order(self) -> None:
        """Take the row order from the context before a frame: clip control holds for the
        whole context, so a renderer made before or after another one called
        :meth:`draw_top_row_first` draws and reads its frames the way the context now runs
        (a stale bottom-up assumption read such a pinhole frame upside down). One
        ``glGetIntegerv`` a frame; the window's back buffer is never drawn top row first."""
        if not self.offscreen:
            return
        self._top_first = rows_run_down(self._has_clip_control())

    def _has_clip_control(self) -> bool:
        """:func:`~previs.gl.glapi.has_clip_control` of this renderer's context, asked once."""
        if self._clip_control is None:
            self._clip_control = has_clip_control()
        return self._clip_control

    def draw_top_row_first(self) -> bool:
        """Draw every later frame with the window origin at the top left
        (``glClipControl(GL_UPPER_LEFT)``, OpenGL 4.5 or ARB_clip_control), so frames sit
        in memory top row first and :meth:`read_rgba_into` and :meth:`read_pixels` skip the
        flip. Clip control keeps front faces front and ``fwidth`` unsigned: the picture is
        the same (measured on the finale at 720p: 0.07 % of pixels differ, by 1 level, from
        rasterising the flipped triangles). Offscreen only (a window would show it upside
        down); affects the whole context: every offscreen renderer in it draws and reads top
        row first from its next frame on (:meth:`_follow_row_order`). Returns False,
        changing nothing, without clip control."""
        if not self.offscreen or self._top_first:
            return self._top_first
        if self._has_clip_control():
            GL.glClipControl(GL.GL_UPPER_LEFT, GL.GL_NEGATIVE_ONE_TO_ONE)
            self._top_first = True
        return self._top_first

    def _make_fbo(self) -> None:
        """One more offscreen target: an RGBA8 colour and a 24-bit depth renderbuffer."""
        w, h = self.size
        fbo = int(GL.glGenFramebuffers(1))
        self._fbos.append(fbo)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
        color, depth = (int(x) for x in GL.glGenRenderbuffers(2))
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, color)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, w, h)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, color)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, w, h)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, depth)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise RenderError(f"cannot make a {w}x{h} offscreen framebuffer (status 0x{int(status):x}); "
                              "try a smaller --size.")
        self._rbo += [color, depth]

    def _free_targets(self) -> None:
        """Delete the offscreen framebuffers and their renderbuffers (none: no-op)."""
        if self._fbos:
            GL.glDeleteFramebuffers(len(self._fbos), self._fbos)
            GL.glDeleteRenderbuffers(len(self._rbo), self._rbo)
        self._fbos, self._rbo = [], []
        self._fbo = 0

    def read_pixels(self) -> np.ndarray:
        """The last drawn frame as (height, width, 3) uint8 RGB, top row first (drawing to
        the window: call before the display is flipped)."""
        w, h = self.size
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        if not self._fbo:
            GL.glReadBuffer(GL.GL_BACK)
        # Measured at 720p on llvmpipe: the driver's RGBA->RGB read ~2 ms + a row flip
        # ~0.5 ms, against ~8 ms for numpy to drop the alpha of an RGBA read.
        if getattr(self, "_rgb", None) is None:
            self._rgb = np.empty((h, w, 3), np.uint8)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        GL.glReadPixels(0, 0, w, h, GL.GL_RGB, GL.GL_UNSIGNED_BYTE, self._rgb)
        top_first = self._top_first and bool(self._fbo)
        return self._rgb.copy() if top_first else self._rgb[::-1].copy()  # GL rows go bottom-up

    def read_rgba_into(self, out: np.ndarray, target: int | None = None) -> None:
        """Read a drawn frame into ``out`` ((height, width, 4) uint8, may be a strided view
        such as a video frame's pixels), top row first. ``target``: an offscreen target
        (default: the one drawn last).

        RGBA is what llvmpipe stores, so the driver's part is a plain copy (~0.2 ms at 720p
        against ~2 ms for RGB); the flip to top-row-first is one more (~0.3 ms). Reading a
        target waits only for the frames drawn into it: with two targets, frame f + 1 can
        be drawn (and, after :meth:`flush`, rasterised) while frame f is read.

        Drawn top row first (:meth:`draw_top_row_first`) into an ``out`` whose pixels
        are packed and whose rows are whole pixels apart, ``glReadPixels`` writes straight
        into ``out`` (its row pitch as ``GL_PACK_ROW_LENGTH``): no flip, no second copy."""
        w, h = self.size
        fbo = self._fbo if target is None or not self.offscreen else self._fbos[target]
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo)
        if not fbo:
            GL.glReadBuffer(GL.GL_BACK)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 4)
        pitch = out.strides[0]
        if (self._top_first and fbo and out.shape == (h, w, 4) and out.dtype == np.uint8
                and out.strides[1:] == (4, 1) and pitch % 4 == 0 and pitch >= 4 * w):
            GL.glPixelStorei(GL.GL_PACK_ROW_LENGTH, pitch // 4)
            try:
                GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, ctypes.c_void_p(out.ctypes.data))
            finally:
                GL.glPixelStorei(GL.GL_PACK_ROW_LENGTH, 0)
            return
        if getattr(self, "_rgba", None) is None:
            self._rgba = np.empty((h, w, 4), np.uint8)
        GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, self._rgba)
        top_first = self._top_first and bool(fbo)
        np.copyto(out, self._rgba if top_first else self._rgba[::-1])  # GL rows go bottom-up

    @staticmethod
    def flush() -> None:
        """Start rasterising what has been drawn (``glFlush``) without waiting for it: on
        llvmpipe the rasteriser threads then work on this frame while the caller draws
        the next one into another target."""
        GL.glFlush()

    @staticmethod
    def finish() -> None:
        """Wait until everything drawn so far is rasterised (``glFinish``): benchmarks use it
        to tell the CPU spent rasterising from the read-back that follows."""
        GL.glFinish()

    def present(self) -> None:
        """Copy the offscreen frame to the window's back buffer (then flip the display)."""
        if not self._fbo:
            return
        w, h = self.size
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._fbo)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, 0)
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
