"""The POV animatic: every frame of a replay rendered offscreen, burned in, encoded to MP4.

:func:`render_animatic` draws each frame with the OpenGL :class:`~previs.gl.renderer.
Renderer` at the level's fps, reads it back, burns in timecode, shot number, cut flashes
and beat captions (:mod:`previs.animatic.burnin`) and streams it to the H.264 encoder
(:mod:`previs.animatic.encoder`), which runs on its own thread. Frames are never
collected: memory stays flat however long the fight is. The MP4 appears at its path only
when complete (temporary file + ``os.replace``).

The fight is drawn in chunks of 10 s (:mod:`previs.animatic.chunks`), shared out
to one worker process per CPU (:mod:`previs.animatic.worker`), each with its own
GL context and encoder, then joined without re-encoding. One process alone keeps only
1.7 of 2 cores busy (drawing and encoding wait on each other); two workers keep 1.98
busy. Chunks are encoded the same in any worker, so the bytes of the MP4 do not depend
on the number of workers (a test checks it).

Per frame, in a worker: ``draw`` frame f into one of two offscreen targets and
``glFlush`` it, so llvmpipe's rasteriser threads start on it; then read frame f - 1 back
from the other target (``glReadPixels`` as RGBA, a plain copy on llvmpipe) straight into a
pooled encoder frame (drawn top row first, so no flip). On the encoder thread: the burn-ins, swscale RGBA ->
YUV 4:2:0 and libx264 (both releasing the GIL, so they run while the next frame is drawn).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from ..fsutil import explain_write_error
from .chunks import (CHUNK_SECONDS, ChunkJob, Timings, chunk_folder, chunk_name, chunk_ranges,
                              join_chunks, new_body_poses, new_burnin, render_chunk)
from .encoder import DEFAULT_PRESET, DEFAULT_QP

DEFAULT_SIZE = (1280, 720)


class OffscreenRenderer:
    """The previs renderer with its own hidden GL context, for batch work (animatic,
    report stills). ``draw(frame_state, target=0)``, ``flush()``, ``finish()`` (wait for
    the rasteriser), ``read_pixels()`` (H, W, 3) top row first, ``read_rgba_into(out, target=None)`` (fast path), ``close()``
    (also closes the context). ``targets``: offscreen framebuffers to draw into in turn
    (see :class:`~previs.gl.renderer.Renderer`)."""

    def __init__(self, level, size, targets: int = 1):
        from ..gl.context import create_offscreen_context
        from ..gl.renderer import Renderer

        self.size = (int(size[0]), int(size[1]))
        self._ctx = create_offscreen_context()
        try:
            self.renderer = Renderer(level, self.size, targets=targets)
        except BaseException:
            self._ctx.close()
            raise
        self.targets = self.renderer.targets

    def draw(self, state, **kw) -> None:
        self.renderer.draw(state, **kw)

    def flush(self) -> None:
        self.renderer.flush()

    def finish(self) -> None:
        self.renderer.finish()

    def read_pixels(self) -> np.ndarray:
        return self.renderer.read_pixels()

    def read_rgba_into(self, out: np.ndarray, target: int | None = None) -> None:
        """Read a drawn frame into ``out`` ((H, W, 4) uint8, may be a strided view), top
        row first (see :meth:`Renderer.read_rgba_into`)."""
        self.renderer.read_rgba_into(out, target)

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


def offscreen_renderer(level, size, targets: int = 1) -> OffscreenRenderer:
    """A ready :class:`OffscreenRenderer` (raises RenderError without OpenGL 3.3)."""
    return OffscreenRenderer(level, size, targets=targets)


def animatic_renderer(level, size) -> OffscreenRenderer:
    """The animatic's default renderer: two targets, so drawing runs one frame ahead of
    the read-back (see :func:`render_animatic`), drawn top row first where GL can
    (:meth:`~previs.gl.render_targets.RenderTargets.draw_top_row_first`), so a frame is
    read straight into the encoder's frame with no flip."""
    r = OffscreenRenderer(level, size, targets=2)
    r.renderer.draw_top_row_first()
    return r


@dataclass
class AnimaticStats:
    """What :func:`render_animatic` did. ``seconds`` is wall time, encoding included;
    ``realtime`` = frames per second achieved / the level's fps. ``timings`` are seconds
    spent on the drawing threads in each step, summed over workers (see
    :class:`~previs.animatic.chunks.Timings`); ``workers``: processes that drew."""

    path: str
    frames: int
    fps: float
    size: tuple[int, int]
    seconds: float
    size_bytes: int
    timings: dict = field(default_factory=dict)
    workers: int = 1

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


STALL_SECONDS = 120.0
"""Workers that all report nothing for this long are taken to be hung: every worker is
stopped and the render fails. A worker reports each frame, and a heartbeat every 5 s
while it is using CPU (an encoder flushing a slow preset's lookahead can take minutes);
a deadlocked or stopped worker uses none, so it falls silent."""


def default_workers() -> int:
    """One worker per CPU this process may run on, at most 8: each holds a GL context, an
    encoder and the fight (peak RSS 355 MB for the finale at 1280x720)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(8, n))


def render_animatic(path, *, level, motion, plan, size=DEFAULT_SIZE, renderer_factory=None,
                    progress=None, preset: str = DEFAULT_PRESET, qp: int = DEFAULT_QP,
                    crf: int | None = None, threads: int = 1, burnins: bool = True,
                    frames: int | None = None, pool: int = 4, workers: int | None = None,
                    chunk_seconds: float = CHUNK_SECONDS, first: int = 0) -> AnimaticStats:
    """Render the POV animatic of ``motion`` to the MP4 file ``path``.

    - ``plan``: the motion's :class:`~previs.plan.shotplan.ShotPlan` (cuts, shots, beats
      for the burn-ins).
    - ``size``: (width, height), even numbers.
    - ``workers``: processes drawing chunks in parallel (default :func:`default_workers`;
      never more than there are chunks; 1 = all in this process).
    - ``renderer_factory(level, size)``: draw in this process with this renderer instead
      (tests): any object with ``draw(state, poses=...)`` and ``read_pixels()`` will do, see
      :func:`~previs.animatic.chunks.render_chunk`.
    - ``progress``: None = a bar with ETA on a terminal only, False = silent, True =
      always, or a callable ``(done, total)``.
    - ``preset``, ``qp`` (or ``crf``), ``threads``: libx264 settings per chunk (see
      :class:`~previs.animatic.encoder.H264Writer`); ``first``: the fight's frame the file
      starts on (a partial animatic, ``previs render --start``; 0 = the whole fight);
      ``frames``: render only N frames from ``first`` (benchmarks, ``--end``);
      ``burnins=False`` for a clean plate;
      ``chunk_seconds``: the chunk length (tests use short ones).
    """
    from .progress import make_progress

    w, h = int(size[0]), int(size[1])
    fps = float(level.settings.fps)
    first = max(0, min(int(first), motion.frames))
    rest = motion.frames - first
    n = rest if frames is None else max(0, min(int(frames), rest))
    job = ChunkJob(level=level, motion=motion, plan=plan, size=(w, h), preset=preset, qp=qp,
                   crf=crf, threads=threads, burnins=burnins, pool=pool,
                   title=plan.title or level.settings.title, target=os.fspath(path))
    if n <= 0:
        if motion.frames == 0:
            raise PrevisError(f"{path}: nothing to render: the fight has no frames.")
        if first >= motion.frames:
            raise PrevisError(f"{path}: nothing to render from frame {first}: the fight's {motion.frames} frames "
                              f"end before it; start earlier.")
        raise PrevisError(f"{path}: nothing to render: no frames asked for (frames={frames}).")
    ranges = [(a + first, b + first) for a, b in chunk_ranges(n, fps, chunk_seconds)]
    nworkers = 1 if renderer_factory is not None else max(1, min(
        default_workers() if workers is None else int(workers), len(ranges)))
    timings = Timings()
    t0 = time.perf_counter()
    bar = make_progress(progress, n, "animatic", realtime_fps=fps)
    try:
        with chunk_folder(path) as folder:
            paths = [folder / chunk_name(i) for i in range(len(ranges))]
            if nworkers == 1:
                factory = renderer_factory or animatic_renderer
                renderer = factory(level, (w, h))
                try:
                    burn = new_burnin(job)
                    bodies = new_body_poses(job)
                    for (a, b), p in zip(ranges, paths):
                        render_chunk(renderer, job, a, b, p, burn=burn, bodies=bodies, on_frame=bar.advance,
                                     timings=timings)
                finally:
                    close = getattr(renderer, "close", None)
                    if close is not None:
                        close()
            else:
                _run_workers(path, job, ranges, paths, folder, nworkers, bar, timings)
            # The file's first frame is the fight's frame `first`: its source timecode, so an
            # editor relinks a partial animatic at the right place (the reel names the fight).
            size_bytes = join_chunks(paths, ranges, path, plan.time_base.fps, title=job.title,
                                     timecode=plan.time_base.timecode(first), reel=plan.reel)
    finally:
        bar.close()
    return AnimaticStats(path=os.fspath(path), frames=n, fps=fps, size=(w, h),
                         seconds=time.perf_counter() - t0, size_bytes=size_bytes,
                         timings=timings.as_dict(), workers=nworkers)


class WorkerCrash(RuntimeError):
    """A worker failed with an unexpected exception (a bug), not a user-facing error."""


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _run_workers(target, job: ChunkJob, ranges, paths, folder, nworkers: int, bar, timings: Timings) -> None:
    """Draw ``ranges`` into ``paths`` with ``nworkers`` worker processes, handing each the
    next chunk as soon as it is free. Any failure stops every worker and raises
    (PrevisError, or KeyboardInterrupt when interrupted)."""
    import pickle
    import selectors
    import subprocess
    import sys

    job_path = folder / "job.pickle"
    try:
        with open(job_path, "wb") as fh:
            pickle.dump(job, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as e:
        raise explain_write_error(e, str(target), action="write the animatic", target="file") from None
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    # One llvmpipe rasteriser thread per worker: the workers already fill the cores, and
    # fewer threads means less hand-over between them (measured: 90 -> 98 fps on 2 cores).
    env.setdefault("LP_NUM_THREADS", "1")
    todo = list(range(len(ranges)))
    todo.reverse()
    procs: list[subprocess.Popen] = []
    sel = selectors.DefaultSelector()
    failure: BaseException | None = None

    def hand_out(proc) -> None:
        if todo:
            i = todo.pop()
            a, b = ranges[i]
            cmd = f"chunk {i} {a} {b}\n"  # the worker names the file: chunk_name(i) in its folder
        else:
            cmd = "stop\n"
        try:
            proc.stdin.write(cmd.encode("utf-8"))
            proc.stdin.flush()
        except OSError:  # it has gone; its end of output says how
            if cmd.startswith("chunk"):
                todo.append(i)

    try:
        for _ in range(nworkers):
            proc = subprocess.Popen([sys.executable, "-m", "previs.animatic.worker", str(job_path)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                    start_new_session=True)
            procs.append(proc)
            sel.register(proc.stdout.fileno(), selectors.EVENT_READ, proc)
        done = ready = 0
        live = len(procs)
        pending = {proc.pid: b"" for proc in procs}
        while live:
            events = sel.select(timeout=STALL_SECONDS)
            if not events:
                failure = PrevisError(f"{target}: the animatic workers reported nothing for "
                                      f"{STALL_SECONDS:g} s and were stopped; nothing was written. "
                                      "Try again, or with --workers 1 to draw in one process.")
                break
            for key, _ in events:
                proc = key.data
                # Raw reads and our own line splitting: a buffered readline() could leave
                # lines in Python's buffer while select() waits on an empty pipe (a hang).
                chunk = os.read(key.fd, 65536)
                if not chunk:  # the worker has gone
                    sel.unregister(key.fd)
                    live -= 1
                    code = proc.wait()
                    if code != 0 and failure is None:
                        failure = PrevisError(f"{target}: an animatic worker stopped unexpectedly "
                                              f"({_describe_exit(code)}); nothing was written. Try "
                                              "again, or with --workers 1 to draw in one process.")
                    continue
                *lines, pending[proc.pid] = (pending[proc.pid] + chunk).split(b"\n")
                for raw in lines:
                    word, _, rest = raw.decode("utf-8", "replace").partition(" ")
                    if word == "f":
                        bar.advance()
                    elif word in ("ready", "done"):
                        if word == "done":
                            done += 1
                        else:
                            ready += 1
                            if ready == len(procs):  # all have read the job: free its space
                                with contextlib.suppress(OSError):
                                    job_path.unlink()
                        if failure is None:
                            hand_out(proc)
                    elif word == "timings":
                        timings.add(json.loads(rest))
                    elif word == "error" and failure is None:
                        kind, _, msg = rest.partition("\t")
                        if kind == "interrupt":
                            failure = KeyboardInterrupt()
                        elif kind == "previs":
                            failure = PrevisError(msg)
                        else:  # a bug in the worker: the CLI reports it as an internal error
                            failure = WorkerCrash(f"animatic worker: {msg}")
            if failure is not None:
                break
        if failure is not None:
            raise failure
        if done != len(ranges):
            raise PrevisError(f"the animatic workers drew {done} of {len(ranges)} chunks.")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for proc in procs:
            proc.wait()
            for f in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    f.close()
        sel.close()
