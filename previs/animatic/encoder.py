"""Stream frames into an H.264 MP4 through PyAV, on a background thread, atomically.

:class:`H264Writer` owns a small pool of ``pool`` RGBA frames (default 4): PyAV
``VideoFrame`` objects whose pixel memory is exposed as numpy arrays
(:attr:`Slot.rgba`, ``(height, width, 4)`` uint8, top row first). The producer takes a free
slot (:meth:`H264Writer.acquire`), fills it in place (GL readback, burn-ins) and hands it
back with :meth:`H264Writer.submit`; the encoder thread converts it to YUV 4:2:0 (swscale),
encodes (libx264) and muxes it, then returns the slot to the pool. No per-frame copy into
PyAV (``VideoFrame.from_ndarray`` would cost ~2 ms a frame at 720p) and memory is flat in
the length of the fight: at most ``pool`` frames exist at any time, and :meth:`acquire`
blocks (back-pressure) when the encoder falls behind. PyAV releases the GIL inside swscale
and libx264, so GL rendering on the main thread overlaps encoding.

The file is encoded to a hidden temporary file in the target folder (``.NAME.XXXX.part``)
and moved over the target with ``os.replace`` only when the whole stream was written and
fsynced: an interrupted or failed render leaves the previous file untouched and no partial
file behind.

Colour: frames are converted with the BT.709 matrix at limited ("TV") range and the stream
is tagged BT.709, which is what players assume for HD video. Chroma is subsampled by
point sampling (swscale ``SWS_POINT``): 0.8 ms a frame cheaper at 720p than the default
bicubic, and no visible difference on flat-shaded previs frames (same mean error).
"""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from ..fsutil import SHARED_FILE_MODE, explain_write_error

DEFAULT_PRESET = "ultrafast"
DEFAULT_QP = 18
"""Constant quantiser of the default rate control. Measured with ``ultrafast`` on 480
finale frames at 720p (three stretches of 160): QP 18 is within 0.6 dB of CRF 23 (PSNR
52.4 against 53.0 dB) at the same bit rate (2.16 against 2.13 Mbit/s), for 27 % less
libx264 CPU (3.3 against 4.5 ms a frame): with no lookahead, CRF still runs x264's
half-resolution cost analysis on every frame to choose its quantiser; a constant one
skips it. Over the whole finale the file is 14 % bigger (67 against 59 MB): CRF spends
fewer bits on the fast head turns, where nobody reads detail."""
DEFAULT_CRF = 23
"""The usual CRF, for ``crf=`` (constant quality by x264's own rate factor)."""
_STOP = object()


def _explain(e: OSError, path: str) -> PrevisError:
    return explain_write_error(e, path, action="write the animatic", target="file")


class Slot:
    """One pooled frame: ``rgba`` is a writable (height, width, 4) view of its pixels."""

    __slots__ = ("frame", "rgba")

    def __init__(self, av, width: int, height: int):
        self.frame = av.VideoFrame(width, height, "rgba")
        plane = self.frame.planes[0]
        flat = np.frombuffer(plane, np.uint8)
        ls = plane.line_size
        self.rgba = flat.reshape(height, ls)[:, : width * 4].reshape(height, width, 4)

    @property
    def rgb(self) -> np.ndarray:
        """The colour channels, (height, width, 3) view (alpha is ignored by the encoder)."""
        return self.rgba[..., :3]


class H264Writer:
    """Encode ``width x height`` RGB24 frames at ``fps`` into an MP4 at ``path``.

    ``fps`` is the exact rate (a Fraction such as 24000/1001; a float is read as the
    nearest fraction with a denominator up to 1001): the stream's frame rate, and its time
    base is one frame (1/24000 s ticks at 23.976, 1001 a frame).

    Use as a context manager: leaving the block normally commits the file (flush, fsync,
    rename); leaving it by an exception discards the temporary file.

    - ``preset``: libx264's speed preset.
    - ``qp``: constant quantiser 0-51 (lower = better and bigger), the default rate
      control (:data:`DEFAULT_QP`); ``crf``: use x264's constant rate factor instead.
    - ``threads``: libx264 threads (0 = libx264's own choice, about 1.5 per core; 1 = encode
      on the encoder thread itself).
    - ``pool``: frame buffers in flight (memory bound; 2 is enough to overlap, 4 smooths).
    - ``faststart``: put the MP4 index first (players start before the whole file is read);
      ``durable``: fsync before the rename. Both off for intermediate chunk files.
    - ``label``: the file to name in error messages (default ``path``; a chunk names the
      animatic it is part of).
    - ``title``, ``comment``: the MP4's ``title`` and ``comment`` tags (players show them
      as the file's title and comments; :attr:`ChunkJob.comment
      <previs.animatic.chunks.ChunkJob.comment>` puts the level and revision there).
    - ``prepare(rgba, index)``: called on the encoder thread with each frame's pixels
      (writable, top row first) and its 0-based index just before it is converted, e.g.
      to burn in overlays off the producer's critical path.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float, *,
                 preset: str = DEFAULT_PRESET, qp: int = DEFAULT_QP, crf: int | None = None,
                 threads: int = 0, pool: int = 4, title: str | None = None, comment: str | None = None, prepare=None,
                 faststart: bool = True, durable: bool = True, label: str | None = None):
        import av  # heavy; imported when an animatic is really written

        self._prepare = prepare
        self._durable = durable
        self.cpu = {"burnin": 0.0, "convert": 0.0, "encode": 0.0}
        """CPU seconds of the encoder thread (its own clock) in ``prepare``, in swscale and
        in libx264 + the muxer, for the benchmark's per-frame breakdown."""

        if width % 2 or height % 2 or width < 16 or height < 16:
            raise PrevisError(f"animatic size {width}x{height}: width and height must be even "
                              "and at least 16 (H.264 4:2:0).")
        self.path = Path(path)
        self._label = label or str(self.path)  # the file named in error messages
        self.width, self.height = int(width), int(height)
        self.fps = fps
        self.frames_written = 0
        self._error: BaseException | None = None
        self._closed = False
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part",
                                       dir=self.path.parent if str(self.path.parent) else ".")
            os.close(fd)
            os.chmod(tmp, SHARED_FILE_MODE)  # mkstemp makes 0600; a video is for sharing
        except OSError as e:
            raise _explain(e, self._label) from None
        self._tmp = tmp
        try:
            self._container = av.open(tmp, mode="w", format="mp4",
                                      options={"movflags": "+faststart"} if faststart else {})
            rate = Fraction(fps).limit_denominator(1001)
            st = self._container.add_stream("libx264", rate=rate)
            st.width, st.height = self.width, self.height
            st.pix_fmt = "yuv420p"
            st.time_base = 1 / rate
            rc = {"crf": str(int(crf))} if crf is not None else {"qp": str(int(qp))}
            st.options = {"preset": preset, **rc}
            st.thread_count = int(threads)
            cc = st.codec_context
            cc.color_primaries = 1  # BT.709
            cc.color_trc = 1
            cc.colorspace = 1
            cc.color_range = 1  # limited (MPEG) range
            if title:
                self._container.metadata["title"] = title
            if comment:
                self._container.metadata["comment"] = comment
            self._container.metadata["encoder"] = "previs"
            self._stream = st
        except Exception:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._free: queue.Queue = queue.Queue()
        for _ in range(max(1, int(pool))):
            self._free.put(Slot(av, self.width, self.height))
        self._work: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="previs-h264", daemon=True)
        self._thread.start()

    # -- producer side ----------------------------------------------------------------------

    def acquire(self, timeout: float | None = None) -> Slot:
        """A free :class:`Slot` to fill (blocks while all are in flight)."""
        self._check()
        while True:
            try:
                return self._free.get(timeout=0.5 if timeout is None else timeout)
            except queue.Empty:
                self._check()
                if not self._thread.is_alive():
                    raise PrevisError(f"{self._label}: the video encoder stopped unexpectedly.")
                if timeout is not None:
                    raise

    def submit(self, slot: Slot) -> None:
        """Queue a filled slot (from :meth:`acquire`) as the next frame."""
        self._check()
        self._work.put(slot)

    def write(self, rgb: np.ndarray) -> None:
        """Copy an (height, width, 3) RGB frame into a slot and queue it (convenience for
        callers that own their arrays)."""
        slot = self.acquire()
        np.copyto(slot.rgb, rgb)
        self.submit(slot)

    def drain(self) -> None:
        """Block until every submitted frame is encoded and muxed (benchmarks time the
        producer's steps with nothing running on the encoder thread)."""
        self._work.join()

    def _check(self) -> None:
        if self._error is not None:
            err = self._error
            if isinstance(err, PrevisError):
                raise err
            if isinstance(err, OSError):
                raise _explain(err, self._label) from err
            raise PrevisError(f"{self._label}: encoding failed ({err}).") from err

    # -- encoder thread ---------------------------------------------------------------------

    def _run(self) -> None:
        import av

        st, mux = self._stream, self._container.mux
        cpu, tt = self.cpu, time.thread_time
        try:
            while True:
                slot = self._work.get()
                try:
                    if slot is _STOP:
                        break
                    if self._error is None:
                        a = tt()
                        if self._prepare is not None:
                            self._prepare(slot.rgba, self.frames_written)
                        b = tt()
                        # One swscale thread: its slice threads cost more in wake-ups than
                        # they save on a 2-core machine (2.8 -> 2.1 ms CPU a frame at 720p).
                        frame = slot.frame.reformat(format="yuv420p", dst_colorspace="itu709",
                                                    interpolation="POINT", threads=1)
                        c = tt()
                        frame.pts = self.frames_written
                        self.frames_written += 1
                        self._free.put(slot)  # swscale made a new frame: the slot may be refilled
                        for pkt in st.encode(frame):
                            mux(pkt)
                        d = tt()
                        cpu["burnin"] += b - a
                        cpu["convert"] += c - b
                        cpu["encode"] += d - c
                    else:
                        self._free.put(slot)
                finally:
                    self._work.task_done()
            if self._error is None:
                a = tt()
                for pkt in st.encode(None):
                    mux(pkt)
                cpu["encode"] += tt() - a
        except BaseException as e:  # noqa: BLE001 - handed to the producer thread
            self._error = e
            # Keep draining so the producer never blocks forever on a full pool.
            while True:
                slot = self._work.get()
                self._work.task_done()
                if slot is _STOP:
                    break
                self._free.put(slot)

    # -- finish -----------------------------------------------------------------------------

    def close(self) -> None:
        """Finish the stream and move the file into place."""
        if self._closed:
            return
        self._closed = True
        self._work.put(_STOP)
        self._thread.join()
        try:
            self._check()
            self._container.close()
            if self._durable:
                with open(self._tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
            os.replace(self._tmp, self.path)
        except OSError as e:
            self._discard()
            raise _explain(e, self._label) from None
        except BaseException:
            self._discard()
            raise

    def abort(self) -> None:
        """Stop encoding and delete the temporary file; the target is left as it was."""
        if self._closed:
            self._discard()
            return
        self._closed = True
        self._error = self._error or PrevisError("aborted")
        self._work.put(_STOP)
        self._thread.join()
        with contextlib.suppress(Exception):
            self._container.close()
        self._discard()

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
