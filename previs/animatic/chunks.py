"""The animatic in chunks: a fight cut into stretches of :data:`CHUNK_SECONDS`, each drawn
and encoded on its own into an MP4, then joined into one stream without re-encoding.

Why chunks: drawing (llvmpipe) and encoding (swscale + libx264) each leave a CPU partly
idle while they wait on the other, however they are overlapped inside one process
(measured on the finale at 1280x720 on 2 cores: 1.7 cores busy, 66-71 fps). Separate
processes each drawing and encoding their own chunk keep every core busy (1.98 cores,
90+ fps): the way a render farm splits a long shot. Chunks are encoded the same whoever
draws them, so the MP4's bytes do not depend on how many workers there were.

- :func:`chunk_ranges`: the half-open frame ranges ``[start, stop)``.
- :func:`render_chunk`: draw, read back, burn in and encode one range into one file
  (used in-process and by :mod:`previs.animatic.worker`).
- :func:`join_chunks`: concatenate the chunk files' H.264 packets, timestamps shifted
  by each chunk's first frame, into the final MP4 (written atomically).

Each chunk starts a new libx264 encoder, so it starts with an IDR frame and decodes on
its own; at 10 s a chunk, that is as often as libx264's default keyframe interval (250
frames) puts them anyway, so the file is no bigger.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, fields
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from ..fsutil import SHARED_FILE_MODE, explain_write_error, remove_dead_runs, run_tag
from ..output_paths import refuse_non_regular
from .encoder import DEFAULT_PRESET, DEFAULT_QP, H264Writer

CHUNK_SECONDS = 10.0
"""Seconds of fight per chunk: small enough to share the work evenly between workers
(the finale is 18 chunks), big enough that a chunk's keyframe costs nothing extra."""


@dataclass
class ChunkJob:
    """Everything a worker needs to draw any chunk of one animatic (picklable: it is
    handed to worker processes). ``size`` is (width, height) pixels; ``threads`` are
    libx264's per chunk (1: the parallelism comes from the workers)."""

    level: object
    motion: object
    plan: object
    size: tuple[int, int]
    preset: str = DEFAULT_PRESET
    qp: int = DEFAULT_QP
    crf: int | None = None
    threads: int = 1
    burnins: bool = True
    pool: int = 4
    title: str | None = None
    target: str | None = None  # the animatic's path, named in error messages

    @property
    def comment(self) -> str | None:
        """The MP4 ``comment`` tag: ``level corridor.tmx, revision 412e97d7a1ad`` (the
        level's path in its project and its :mod:`~previs.level.revision`); None without."""
        plan = self.plan
        if getattr(plan, "revision", None) is None:
            return None
        return f"level {plan.level}, revision {plan.revision}"


@dataclass
class Timings:
    """Seconds per step, summed over chunks (and workers).

    Wall time on the drawing thread: ``draw`` (Python + llvmpipe's vertex stage),
    ``wait_encoder`` (no free encoder frame: the encoder was the bottleneck), ``readback``
    (waiting for rasterising + the copy), ``flush`` (finishing each chunk's encoder).

    CPU time, from per-thread clocks (so waiting costs nothing): ``cpu_pose`` (evaluating
    the bodies' poses), ``cpu_submit`` (the drawing thread in ``draw`` and ``glFlush``), ``cpu_readback`` (the drawing thread
    reading back: the transfer and the flip), ``cpu_burnin``, ``cpu_convert`` (swscale
    RGBA -> YUV 4:2:0) and ``cpu_encode`` (libx264 + mux) on the encoder thread, and
    ``cpu_process`` (every thread of the process while it drew chunks). What the named
    threads do not account for is llvmpipe's rasteriser threads: :meth:`cpu_terms`.
    ``cpu_flush``: the drawing thread in ``glFlush``, where llvmpipe rasterises when it
    has no threads of its own (``LP_NUM_THREADS=0``), so it counts as rasterising."""

    draw: float = 0.0
    wait_encoder: float = 0.0
    readback: float = 0.0
    flush: float = 0.0
    cpu_pose: float = 0.0
    cpu_submit: float = 0.0
    cpu_flush: float = 0.0
    cpu_readback: float = 0.0
    cpu_burnin: float = 0.0
    cpu_convert: float = 0.0
    cpu_encode: float = 0.0
    cpu_process: float = 0.0

    def add(self, other: "Timings | dict") -> None:
        d = other if isinstance(other, dict) else other.as_dict()
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + float(d.get(f.name, 0.0)))

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def cpu_terms(self) -> dict:
        """CPU seconds per term of a frame's cost: ``pose``, ``submit``, ``rasterise`` (the
        process's CPU less what its drawing and encoder threads did outside ``glFlush``:
        llvmpipe's rasteriser threads, or the drawing thread's flushes without them),
        ``readback``, ``burnin``, ``convert``, ``encode``."""
        named = {"pose": self.cpu_pose, "submit": self.cpu_submit, "readback": self.cpu_readback,
                 "burnin": self.cpu_burnin, "convert": self.cpu_convert, "encode": self.cpu_encode}
        rest = max(0.0, self.cpu_process - sum(named.values()))  # cpu_flush is in there
        return {"pose": self.cpu_pose, "submit": self.cpu_submit, "rasterise": rest,
                **{k: v for k, v in named.items() if k not in ("pose", "submit")}}


def chunk_ranges(frames: int, fps: float, seconds: float = CHUNK_SECONDS) -> list[tuple[int, int]]:
    """``frames`` cut into half-open ranges ``[start, stop)`` of ``round(seconds * fps)``
    frames (at least 1), the last one shorter. No frames: no ranges."""
    step = max(1, int(round(seconds * fps)))
    return [(a, min(a + step, frames)) for a in range(0, max(0, frames), step)]


def chunk_name(index: int) -> str:
    """The file name of chunk ``index`` in the chunk folder."""
    return f"chunk{index:05d}.mp4"


def _prefixes(target: Path) -> tuple[str, str]:
    """Name prefixes of the chunk folder and of the joined file's temporary, each followed
    by :func:`~previs.fsutil.run_tag` (host and process id)."""
    return f".{target.name}.chunks-", f".{target.name}.part-"


@contextlib.contextmanager
def chunk_folder(target: str | os.PathLike):
    """A hidden temporary folder beside ``target`` (``.NAME.chunks-HOST-PID-XXXX``) for the
    chunk files, removed with everything in it on the way out, whatever happens. Folders
    and part files of earlier renders of ``target`` whose process was killed are removed
    first."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    for prefix in _prefixes(target):
        remove_dead_runs(parent, prefix)
    try:
        d = Path(tempfile.mkdtemp(prefix=_prefixes(target)[0] + run_tag(), dir=parent))
    except OSError as e:
        raise explain_write_error(e, str(target), action="write the animatic", target="file") from None
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def new_burnin(job: ChunkJob):
    """The job's :class:`~previs.animatic.burnin.BurnIn`, or None for a clean plate."""
    if not job.burnins:
        return None
    from .burnin import BurnIn

    return BurnIn(job.plan, job.size[0], job.size[1])


def new_body_poses(job: ChunkJob):
    """Every body's pose at every frame of the job's fight
    (:class:`~previs.pose.evaluate.BodyPoses`): built once per worker, then asked frame by
    frame in order (it evaluates and keeps a few blocks of frames at a time)."""
    from ..pose.evaluate import BodyPoses

    return BodyPoses(job.motion)


def render_chunk(renderer, job: ChunkJob, start: int, stop: int, path: str | os.PathLike, *,
                 burn=None, bodies=None, on_frame=None, timings: Timings | None = None) -> None:
    """Draw frames ``[start, stop)`` of ``job.motion`` with ``renderer`` and encode them
    into the MP4 ``path``.

    ``renderer``: an :class:`~previs.animatic.render.OffscreenRenderer` or anything with
    ``draw(state, poses=...)`` and ``read_pixels()`` (optionally ``read_rgba_into(out)``,
    ``close()``; with ``targets >= 2``, ``draw(state, target=i)``, ``read_rgba_into(out,
    i)`` and ``flush()``: then frame f is drawn into one target while frame f - 1 is read
    from the other, so Python and llvmpipe's vertex stage overlap the rasterising).
    ``burn``: a BurnIn (drawn on the encoder thread with the frame's index in the whole
    fight); ``bodies``: the :func:`new_body_poses` whose pose of each frame is drawn
    (None: every body in its rest pose); ``on_frame()``: called once per frame encoded-queued.
    """
    w, h = job.size
    fps = job.plan.time_base.fps  # exact (24000/1001): the chunk's time base is 1/24000
    t = timings if timings is not None else Timings()
    fast = getattr(renderer, "read_rgba_into", None)
    ahead = fast is not None and getattr(renderer, "targets", 1) >= 2
    flush = getattr(renderer, "flush", None)
    prepare = (lambda rgba, i: burn.apply(rgba, start + i)) if burn is not None else None
    snapshot = job.motion.snapshot
    pose_at = bodies.at if bodies is not None else (lambda f: None)
    pc, tt = time.perf_counter, time.thread_time
    cpu0 = time.process_time()
    enc = H264Writer(path, w, h, fps, preset=job.preset, qp=job.qp, crf=job.crf, threads=job.threads,
                     pool=job.pool, title=job.title, comment=job.comment, prepare=prepare, faststart=False,
                     durable=False, label=job.target)
    with enc:

        def emit(f: int) -> None:
            """Read frame ``f`` back into a free encoder frame and queue it."""
            b = pc()
            slot = enc.acquire()
            c, cc = pc(), tt()
            if ahead:
                fast(slot.rgba, f % 2)
            elif fast is not None:
                fast(slot.rgba)
            else:
                np.copyto(slot.rgb, renderer.read_pixels())
            d, dd = pc(), tt()
            enc.submit(slot)
            t.wait_encoder += c - b
            t.readback += d - c
            t.cpu_readback += dd - cc
            if on_frame is not None:
                on_frame()

        for f in range(start, stop):
            pp = tt()
            poses = pose_at(f)
            a, aa = pc(), tt()
            t.cpu_pose += aa - pp
            if ahead:
                renderer.draw(snapshot(f), target=f % 2, poses=poses)
                bb = tt()
                if flush is not None:
                    flush()  # rasterise frame f while frame f - 1 is read back
                t.draw += pc() - a
                cc = tt()
                t.cpu_submit += bb - aa
                t.cpu_flush += cc - bb
                if f > start:
                    emit(f - 1)
            else:
                renderer.draw(snapshot(f), poses=poses)
                t.draw += pc() - a
                t.cpu_submit += tt() - aa
                emit(f)
        if ahead and stop > start:
            emit(stop - 1)
        a = pc()
    t.flush += pc() - a
    t.cpu_burnin += enc.cpu["burnin"]
    t.cpu_convert += enc.cpu["convert"]
    t.cpu_encode += enc.cpu["encode"]
    t.cpu_process += time.process_time() - cpu0


def join_chunks(paths: list, ranges: list[tuple[int, int]], target: str | os.PathLike, fps,
                title: str | None = None, *, timecode: str | None = None, reel: str | None = None) -> int:
    """Concatenate the chunk MP4s ``paths`` (drawn from the frame ranges ``ranges``, in
    order) into one H.264 MP4 at ``target``, without re-encoding: each chunk's packets
    keep their bytes, their timestamps shifted by the chunk's first frame less the first
    chunk's (a partial animatic starts at time 0). Written to a hidden temporary file,
    fsynced and renamed over ``target`` (all or nothing).

    ``timecode`` (``HH:MM:SS:FF``, or ``HH:MM:SS;FF`` for drop-frame) is the source
    timecode of the file's first frame: FFmpeg's MP4 muxer writes it as a QuickTime
    ``tmcd`` timecode track (a data stream whose one sample is the frame count, its flags
    saying drop-frame) referenced by the video track, and it is the video stream's
    ``timecode`` tag. ``reel`` goes into the container's ``reel_name`` tag; the tags are
    written as ``mdta`` keys (``movflags +use_metadata_tags``), since MP4's iTunes-style
    tags have no reel. ``fps`` is the exact rate (a Fraction, or a float that
    ``limit_denominator(1001)`` recovers).

    Chunks start with an IDR frame and come from encoders with the same settings, so
    their parameter sets are the same bytes (checked); with B-frames (slower presets)
    every chunk has the same decoding delay, so decode times stay increasing across a
    join. The first chunk's ``comment`` tag (the level and revision) is kept. Each chunk file is deleted once its packets are written. Returns the file's size
    in bytes."""
    import av

    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=_prefixes(target)[1] + run_tag(), dir=parent)
        os.close(fd)
        os.chmod(tmp, SHARED_FILE_MODE)
    except OSError as e:
        raise explain_write_error(e, str(target), action="write the animatic", target="file") from None
    rate = Fraction(fps).limit_denominator(1001)
    first = ranges[0][0] if ranges else 0
    try:
        with av.open(tmp, mode="w", format="mp4", options={"movflags": "+faststart+use_metadata_tags"}) as oc:
            ost = None
            extradata = None
            for p, (start, _stop) in zip(paths, ranges):
                with av.open(str(p)) as ic:
                    ist = ic.streams.video[0]
                    if ost is None:
                        ost = oc.add_stream_from_template(ist)
                        if timecode:
                            ost.metadata["timecode"] = timecode  # the muxer makes the tmcd track of it
                        if reel:
                            oc.metadata["reel_name"] = reel
                        extradata = bytes(ist.codec_context.extradata or b"")
                        if title:
                            oc.metadata["title"] = title
                        if ic.metadata.get("comment"):  # the level and revision (ChunkJob.comment)
                            oc.metadata["comment"] = ic.metadata["comment"]
                        oc.metadata["encoder"] = "previs"
                    elif bytes(ist.codec_context.extradata or b"") != extradata:
                        raise PrevisError(f"{target}: animatic chunk {Path(p).name} was encoded with "
                                          "different settings from the first; render again.")
                    per_frame = (1 / rate) / ist.time_base  # stream ticks per frame
                    shift = (start - first) * per_frame
                    if shift.denominator != 1:
                        raise PrevisError(f"{target}: cannot join chunks at {fps} fps "
                                          f"(time base {ist.time_base}); render with --workers 1.")
                    shift = int(shift)
                    for pkt in ic.demux(ist):
                        if pkt.dts is None:  # the demuxer's end-of-stream marker
                            continue
                        pkt.pts += shift
                        pkt.dts += shift
                        pkt.stream = ost
                        oc.mux(pkt)
                # Its packets are in the joined file now: give its space back, so the disk
                # needs the animatic's size plus one chunk, not twice the animatic.
                with contextlib.suppress(OSError):
                    os.unlink(p)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        refuse_non_regular(target)  # a device or FIFO that appeared while rendering stays
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise explain_write_error(e, str(target), action="write the animatic", target="file") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return os.path.getsize(target)
