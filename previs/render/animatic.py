"""The POV animatic: every frame of a replay rendered offscreen, burned in, encoded to MP4.

:func:`render_animatic` draws each frame with the OpenGL :class:`~previs.render.renderer.
Renderer` at the level's fps, reads it back, burns in timecode, shot number, cut flashes
and beat captions (:mod:`previs.render.burnin`) and streams it to the H.264 encoder
(:mod:`previs.render.animatic_encoder`), which runs on its own thread. Frames are never
collected: memory stays flat however long the fight is. The MP4 appears at its path only
when complete (temporary file + ``os.replace``).

Per frame, on the main thread: ``draw`` (llvmpipe rasterises on its own threads),
``glReadPixels`` as RGBA straight into a reusable array (the cheapest readback llvmpipe
offers: a plain copy), a vertical flip into a pooled encoder frame, the burn-ins. On the
encoder thread: swscale RGBA -> YUV 4:2:0 and libx264, both releasing the GIL, so they run
while the next frame is drawn.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from .animatic_encoder import DEFAULT_CRF, DEFAULT_PRESET, H264Writer

DEFAULT_SIZE = (1280, 720)


class OffscreenRenderer:
    """The previs renderer with its own hidden GL context, for batch work (animatic,
    report stills). ``draw(frame_state)``, ``read_pixels()`` (H, W, 3) top row first,
    ``read_rgba_into(out)`` (fast path), ``close()`` (also closes the context)."""

    def __init__(self, level, size):
        from .context import create_offscreen_context
        from .renderer import Renderer

        self.size = (int(size[0]), int(size[1]))
        self._ctx = create_offscreen_context()
        try:
            self.renderer = Renderer(level, self.size)
        except BaseException:
            self._ctx.close()
            raise
        self._tmp = np.empty((self.size[1], self.size[0], 4), np.uint8)

    def draw(self, state, **kw) -> None:
        self.renderer.draw(state, **kw)

    def read_pixels(self) -> np.ndarray:
        return self.renderer.read_pixels()

    def read_rgba_into(self, out: np.ndarray) -> None:
        """Read the last frame into ``out`` ((H, W, 4) uint8, may be a strided view), top
        row first. RGBA is what llvmpipe stores, so the read is a plain copy (~0.2 ms at
        720p against ~2 ms for RGB)."""
        from .gl import GL

        w, h = self.size
        fbo = getattr(self.renderer, "_fbo", 0)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 4)
        GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, self._tmp)
        np.copyto(out, self._tmp[::-1])  # GL rows go bottom-up

    def close(self) -> None:
        if self.renderer is not None:
            try:
                self.renderer.close()
            finally:
                self.renderer = None
                self._ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def offscreen_renderer(level, size) -> OffscreenRenderer:
    """A ready :class:`OffscreenRenderer` (raises RenderError without OpenGL 3.3)."""
    return OffscreenRenderer(level, size)


@dataclass
class AnimaticStats:
    """What :func:`render_animatic` did. ``seconds`` is wall time, encoding included;
    ``realtime`` = frames per second achieved / the level's fps. ``timings`` are seconds
    spent on the main thread in each step (``wait`` = waiting for a free encoder frame,
    i.e. the encoder was the bottleneck)."""

    path: str
    frames: int
    fps: float
    size: tuple[int, int]
    seconds: float
    size_bytes: int
    timings: dict = field(default_factory=dict)

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def realtime(self) -> float:
        return self.frames_per_second / self.fps if self.fps else 0.0


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); ValueError with a plain reason otherwise."""
    t = text.lower().replace("\u00d7", "x").strip()
    try:
        w, h = (int(v) for v in t.split("x"))
    except ValueError:
        raise ValueError(f"size must be WIDTHxHEIGHT, e.g. 1280x720, not {text!r}") from None
    if w < 16 or h < 16 or w > 7680 or h > 4320:
        raise ValueError(f"size {w}x{h} is out of range (16x16 to 7680x4320)")
    if w % 2 or h % 2:
        raise ValueError(f"size {w}x{h}: width and height must be even (H.264 4:2:0)")
    return w, h


def render_animatic(path, *, level, motion, plan, size=DEFAULT_SIZE, renderer_factory=None,
                    progress=None, preset: str = DEFAULT_PRESET, crf: int = DEFAULT_CRF,
                    threads: int = 0, burnins: bool = True, frames: int | None = None,
                    pool: int = 4, burn_on_encoder: bool = True) -> AnimaticStats:
    """Render the POV animatic of ``motion`` to the MP4 file ``path``.

    - ``plan``: the motion's :class:`~previs.plan.shotplan.ShotPlan` (cuts, shots, beats
      for the burn-ins).
    - ``size``: (width, height), even numbers.
    - ``renderer_factory(level, size)``: default :func:`offscreen_renderer`; any object
      with ``draw(state)`` and ``read_pixels()`` (optionally ``read_rgba_into(out)`` and
      ``close()``) will do.
    - ``progress``: None = a bar with ETA on a terminal only, False = silent, True =
      always, or a callable ``(done, total)``.
    - ``preset``, ``crf``, ``threads``: libx264 settings; ``frames``: render only the
      first N frames (benchmarks); ``burnins=False`` for a clean plate.
    """
    from .animatic_progress import make_progress
    from .burnin import BurnIn

    w, h = int(size[0]), int(size[1])
    fps = float(level.settings.fps)
    n = motion.frames if frames is None else max(0, min(int(frames), motion.frames))
    factory = renderer_factory or offscreen_renderer
    burn = BurnIn(plan, w, h) if burnins else None
    t_draw = t_read = t_burn = t_wait = 0.0
    pc = time.perf_counter
    t0 = pc()
    renderer = factory(level, (w, h))
    try:
        fast = getattr(renderer, "read_rgba_into", None)
        bar = make_progress(progress, n, "animatic", realtime_fps=fps)
        try:
            prepare = burn.apply if (burn is not None and burn_on_encoder) else None
            with H264Writer(path, w, h, fps, preset=preset, crf=crf, threads=threads, pool=pool,
                            title=plan.title or level.settings.title, prepare=prepare) as enc:
                snapshot = motion.snapshot
                for f in range(n):
                    a = pc()
                    renderer.draw(snapshot(f))
                    b = pc()
                    slot = enc.acquire()
                    c = pc()
                    if fast is not None:
                        fast(slot.rgba)
                    else:
                        np.copyto(slot.rgb, renderer.read_pixels())
                    d = pc()
                    if burn is not None and prepare is None:
                        burn.apply(slot.rgba, f)
                    e = pc()
                    enc.submit(slot)
                    t_draw += b - a
                    t_wait += c - b
                    t_read += d - c
                    t_burn += e - d
                    bar.update(f + 1)
                t_enc0 = pc()
            t_flush = pc() - t_enc0
        finally:
            bar.close()
    finally:
        close = getattr(renderer, "close", None)
        if close is not None:
            close()
    seconds = pc() - t0
    return AnimaticStats(
        path=os.fspath(path), frames=n, fps=fps, size=(w, h), seconds=seconds,
        size_bytes=os.path.getsize(path),
        timings={"draw": t_draw, "wait_encoder": t_wait, "readback": t_read, "burnin": t_burn,
                 "flush": t_flush},
    )
