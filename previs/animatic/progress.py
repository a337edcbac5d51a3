"""A one-line progress bar with ETA for long offscreen work (animatic, report stills).

Shown only when the stream is a terminal (``stream.isatty()``); when stderr is piped or
redirected (CI, ``previs render ... 2> log``) it prints nothing at all, as the output
contract asks ("long work shows progress on a terminal and stays quiet when piped").

Redraws at most :data:`MIN_INTERVAL` seconds apart so that a fast loop is not slowed by
terminal writes. The wall clock is read only here, never to decide what is rendered.
"""

from __future__ import annotations

import sys
import time

MIN_INTERVAL = 0.1
BAR_WIDTH = 28


def _fmt_secs(s: float) -> str:
    s = max(0, int(round(s)))
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


class Progress:
    """``Progress(total, label)``; call :meth:`update` with the count done, :meth:`close`
    at the end (or use it as a context manager). ``enabled`` defaults to ``stream.isatty()``.

    ``rate_unit`` names what is counted, for the rate shown (``"fps"`` for frames)."""

    def __init__(self, total: int, label: str = "", *, stream=None, enabled: bool | None = None,
                 rate_unit: str = "fps", realtime_fps: float | None = None):
        self.total = max(1, int(total))
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            try:
                enabled = bool(self.stream.isatty())
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled
        self.rate_unit = rate_unit
        self.realtime_fps = realtime_fps
        self.done = 0
        self._t0 = time.perf_counter()
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, force: bool = False) -> None:
        self.done = int(done)
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < MIN_INTERVAL and self.done < self.total:
            return
        self._last = now
        self._draw(now)

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n)

    def line(self, now: float | None = None) -> str:
        """The text of the bar (also used by tests)."""
        now = time.perf_counter() if now is None else now
        frac = min(1.0, self.done / self.total)
        fill = int(round(frac * BAR_WIDTH))
        bar = "#" * fill + "-" * (BAR_WIDTH - fill)
        el = now - self._t0
        rate = self.done / el if el > 0 else 0.0
        parts = [f"{self.label} [{bar}] {self.done}/{self.total}"]
        if rate > 0:
            parts.append(f"{rate:.1f} {self.rate_unit}")
            if self.realtime_fps:
                parts.append(f"{rate / self.realtime_fps:.2f}x real time")
            if self.done < self.total:
                parts.append(f"ETA {_fmt_secs((self.total - self.done) / rate)}")
            else:
                parts.append(f"in {_fmt_secs(el)}")
        return "  ".join(parts).strip()

    def _draw(self, now: float) -> None:
        try:
            redraw = getattr(self.stream, "redraw_line", None)  # previs.terminal: escapes the text
            if redraw is not None:
                redraw(self.line(now))
            else:
                self.stream.write("\r\x1b[2K" + self.line(now))
            self.stream.flush()
            self._drawn = True
        except (OSError, ValueError):
            self.enabled = False

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def make_progress(progress, total: int, label: str, realtime_fps: float | None = None) -> Progress:
    """A :class:`Progress` from a ``progress=`` argument: None = a bar on a terminal only,
    False = silent, True = always, or a callable ``(done, total)`` called on each update."""
    if callable(progress) and not isinstance(progress, bool):
        cb = progress

        class _Callback(Progress):
            def update(self, done: int, force: bool = False) -> None:  # noqa: ARG002
                self.done = int(done)
                cb(self.done, self.total)

        return _Callback(total, label, enabled=False)
    return Progress(total, label, enabled=None if progress is None else bool(progress),
                    realtime_fps=realtime_fps)
