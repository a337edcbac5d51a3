"""The POV camera track: one row per frame, numpy arrays, lossless ``track.csv``.

Axes and units are the level contract's: metres, x = east, y = up, z = south; degrees,
yaw about +Y (0 = north, +90 = west, unwrapped: never jumps by 360), pitch about X
(positive looks up), roll about Z, applied Z, X, Y. ``hfov`` is the horizontal field of
view in degrees. Frame ``i`` is at time ``i / fps`` seconds; frames cover ``[0, len)``.

``track.csv`` is written with Python's shortest round-trip float repr, so
``CameraTrack.read_csv(write_csv(t)) == t`` bit for bit, and the same track always gives
the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass

import numpy as np

from ..errors import PrevisError

CSV_HEADER = ("frame", "time", "x", "y", "z", "yaw", "pitch", "roll", "hfov")
MAX_CSV_BYTES = 256 * 1024 * 1024
"""A track.csv read back (golden tracks, ``previs plan``): the longest replay, one hour at
240 fps, is 864 000 rows of at most ~200 bytes (~170 MB)."""


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class CameraTrack:
    """Per-frame camera: ``pos`` (N, 3) metres as (x, y, z); ``yaw``, ``pitch``, ``roll``,
    ``hfov`` (N,) degrees. ``fps`` frames per second (float, to admit rehearsal logs at
    e.g. 29.97; levels give ints)."""

    fps: float
    pos: np.ndarray
    yaw: np.ndarray
    pitch: np.ndarray
    roll: np.ndarray
    hfov: np.ndarray

    def __post_init__(self):
        n = len(self.yaw)
        for name in ("pos", "yaw", "pitch", "roll", "hfov"):
            a = np.asarray(getattr(self, name), dtype=np.float64)
            want = (n, 3) if name == "pos" else (n,)
            if a.shape != want:
                raise ValueError(f"CameraTrack.{name} has shape {a.shape}, expected {want}")
            object.__setattr__(self, name, _ro(a))
        if n == 0:
            raise ValueError("CameraTrack needs at least one frame")

    def __len__(self) -> int:
        return len(self.yaw)

    @property
    def frames(self) -> np.ndarray:
        """Frame numbers ``0 .. len-1`` (int64)."""
        return np.arange(len(self), dtype=np.int64)

    @property
    def time(self) -> np.ndarray:
        """Seconds of each frame, ``frame / fps``."""
        return self.frames / float(self.fps)

    @property
    def duration(self) -> float:
        """Seconds covered by the track: ``len / fps`` (the last frame lasts 1/fps)."""
        return len(self) / float(self.fps)

    def __eq__(self, other) -> bool:
        if not isinstance(other, CameraTrack):
            return NotImplemented
        return (
            self.fps == other.fps
            and len(self) == len(other)
            and all(
                np.array_equal(getattr(self, n), getattr(other, n))
                for n in ("pos", "yaw", "pitch", "roll", "hfov")
            )
        )

    # -- track.csv -----------------------------------------------------------------------

    def to_csv_text(self) -> str:
        """The ``track.csv`` text: header, then one row per frame, shortest exact floats."""
        t = self.time
        cols = [
            self.frames.tolist(),
            t.tolist(),
            self.pos[:, 0].tolist(),
            self.pos[:, 1].tolist(),
            self.pos[:, 2].tolist(),
            self.yaw.tolist(),
            self.pitch.tolist(),
            self.roll.tolist(),
            self.hfov.tolist(),
        ]
        out = [",".join(CSV_HEADER)]
        # repr() of a Python float is the shortest string that reads back to the same bits.
        rows = zip(*cols)
        out.extend(",".join(map(repr, row)) for row in rows)
        out.append("")
        return "\n".join(out)

    @classmethod
    def read_csv(cls, path: str | os.PathLike, fps: float | None = None) -> "CameraTrack":
        """Read a ``track.csv``-shaped file. ``fps`` is taken from the time column unless
        given. Raises :class:`PrevisError` naming the file, row and column on bad input."""
        from ..safe_paths import Unreadable, read_bounded

        name = os.fspath(path)
        try:  # a regular file only (a FIFO would hang, /dev/zero never end), at most MAX_CSV_BYTES
            text = read_bounded(name, MAX_CSV_BYTES).decode("utf-8")
        except Unreadable as e:
            raise PrevisError(f"{name}: cannot read the track: it {e.reason}.") from None
        except UnicodeDecodeError:
            raise PrevisError(f"{name}: not a text file; a track is a CSV with header "
                              f"{','.join(CSV_HEADER)}.") from None
        return cls.from_csv_text(text, name, fps)

    @classmethod
    def from_csv_text(cls, text: str, name: str = "<track>", fps: float | None = None) -> "CameraTrack":
        rows = list(csv.reader(io.StringIO(text)))
        rows = [r for r in rows if r and any(c.strip() for c in r)]
        if not rows:
            raise PrevisError(f"{name}: empty; a track is a CSV with header {','.join(CSV_HEADER)}.")
        header = [h.strip().lower() for h in rows[0]]
        required = ("time", "x", "y", "z", "yaw")
        missing = [c for c in required if c not in header]
        if missing:
            raise PrevisError(
                f"{name}: header lacks column(s) {', '.join(missing)}; expected "
                f"{','.join(CSV_HEADER)} (pitch, roll, hfov optional)."
            )
        idx = {h: i for i, h in enumerate(header)}
        body = rows[1:]
        if not body:
            raise PrevisError(f"{name}: has a header but no frames.")
        data = {}
        problems = []
        for col in ("time", "x", "y", "z", "yaw", "pitch", "roll", "hfov"):
            if col not in idx:
                continue
            vals = np.empty(len(body))
            for r, row in enumerate(body):
                try:
                    v = float(row[idx[col]])
                except (IndexError, ValueError):
                    problems.append(f"{name}: row {r + 2}, column '{col}': "
                                    f"{(row[idx[col]] if idx[col] < len(row) else '(missing)')!r} is not a number.")
                    v = math.nan
                    if len(problems) > 20:
                        break
                if not math.isfinite(v) and len(problems) <= 20:
                    if not problems or not problems[-1].startswith(f"{name}: row {r + 2}, column '{col}'"):
                        problems.append(f"{name}: row {r + 2}, column '{col}': value is not finite.")
                vals[r] = v
            data[col] = vals
        if problems:
            raise PrevisError(problems[:20])
        n = len(body)
        if fps is None:
            if n < 2:
                raise PrevisError(f"{name}: one frame only; cannot tell the frame rate from the time column.")
            dt = np.diff(data["time"])
            step = float(np.median(dt))
            if step <= 0 or np.any(np.abs(dt - step) > 1e-3 * step + 1e-9):
                raise PrevisError(
                    f"{name}: the time column must rise by the same step every row "
                    f"(one row per frame); found steps from {dt.min():.6g} to {dt.max():.6g} s."
                )
            fps = 1.0 / step
            if abs(fps - round(fps)) < 1e-6:
                fps = float(round(fps))
        pos = np.stack([data["x"], data["y"], data["z"]], axis=1)
        zeros = np.zeros(n)
        return cls(
            fps=fps if isinstance(fps, float) else float(fps),
            pos=pos,
            yaw=data["yaw"],
            pitch=data.get("pitch", zeros),
            roll=data.get("roll", zeros),
            hfov=data.get("hfov", np.full(n, 90.0)),
        )
