"""Recording takes from the window: ``takes/<level-stem>-<YYYYmmdd-HHMMSS>.take``.

A take always starts at frame 0 with Henry at his start (see :mod:`previs.sim.take`);
the window restarts the fight before it opens a :class:`Recorder`. Every tick's command
is written and flushed as it happens (TakeWriter), so a crash loses at most one tick.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import PrevisError
from ..sim.take import TakeWriter


def take_path(level_source: str, takes_dir: str | os.PathLike = "takes", when: float | None = None) -> Path:
    """A fresh take file name for ``level_source`` (``-2``, ``-3``... if the second is taken)."""
    stem = Path(level_source).stem or "level"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    d = Path(takes_dir)
    p = d / f"{stem}-{stamp}.take"
    n = 2
    while p.exists():
        p = d / f"{stem}-{stamp}-{n}.take"
        n += 1
    return p


class Recorder:
    """An open take: ``write(cmd)`` once per tick, ``close()`` when done."""

    def __init__(self, level, takes_dir: str | os.PathLike = "takes"):
        self.path = take_path(level.source, takes_dir)
        try:
            self._w = TakeWriter(self.path, level, {"recorded_with": "previs walk"})
        except FileExistsError:  # another window took the same second: next free name
            self.path = take_path(level.source, takes_dir)
            self._w = TakeWriter(self.path, level, {"recorded_with": "previs walk"})
        except OSError as e:
            raise PrevisError(f"{self.path}: cannot record a take there ({e.strerror}); "
                              "choose a writable folder with --takes.") from None
        self.fps = int(level.settings.fps)

    @property
    def ticks(self) -> int:
        return self._w.ticks

    def write(self, cmd) -> None:
        self._w.write(cmd)

    def close(self) -> None:
        self._w.close()

    def label(self) -> str:
        """``"REC 00:12"`` (minutes:seconds recorded)."""
        s = self._w.ticks // max(1, self.fps)
        return f"REC {s // 60:02d}:{s % 60:02d}"
