"""Clocks for the window loop. The *app* reads a clock to decide how many simulation ticks
to run; the simulation itself never reads one (it advances in whole ticks).

A clock has ``now()`` (seconds, monotonic) and ``idle()`` (called once per rendered frame:
the real clock caps the loop rate, the fake one advances time by a fixed step, so a test
drives the real loop deterministically and as fast as the machine renders).
"""

from __future__ import annotations

import time


class RealClock:
    """Wall time; ``idle`` sleeps so the loop renders at most ``max_fps`` frames a second
    (vsync, when the driver gives it, already paces the swap)."""

    def __init__(self, max_fps: float = 240.0):
        self.min_dt = 1.0 / max_fps if max_fps else 0.0
        self._last = time.perf_counter()

    def now(self) -> float:
        return time.perf_counter()

    def idle(self) -> None:
        if self.min_dt:
            wait = self._last + self.min_dt - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
        self._last = time.perf_counter()


class FakeClock:
    """Time that moves ``step`` seconds per rendered frame (default one tick at 24 fps)."""

    def __init__(self, step: float = 1.0 / 24.0, start: float = 0.0):
        self.step = float(step)
        self.t = float(start)

    def now(self) -> float:
        return self.t

    def idle(self) -> None:
        self.t += self.step

    def advance(self, seconds: float) -> None:
        self.t += float(seconds)
