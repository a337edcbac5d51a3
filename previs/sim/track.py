"""The POV camera track: one row per frame, numpy arrays, lossless ``track.csv``.

Axes and units are the level contract's: metres, x = east, y = up, z = south; degrees,
yaw about +Y (0 = north, +90 = west, unwrapped: never jumps by 360), pitch about X
(positive looks up), roll about Z, applied Z, X, Y. ``hfov`` is the horizontal field of
view in degrees. Frame ``i`` is at time ``i / fps`` seconds; frames cover ``[0, len)``.

``track.csv`` is written with Python's shortest round-trip float repr, so
``CameraTrack.read_csv(write_csv(t)) == t`` bit for bit, and the same track always gives
the same bytes.

Lines starting with ``#`` before the header are comments (``previs replay`` states rate,
timecode, axes, units and lens there: :mod:`previs.export.track_csv`); the reader skips
them, as ``pandas.read_csv(comment="#")`` does, except ``# rate: N/D``, which gives the
exact rate (otherwise it is read off the time column). Columns other than the ones read
(``focal_mm``) are ignored.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass

import numpy as np

from ..errors import PrevisError
from ..level.limits import MAX_COORD_M, MAX_DURATION, MAX_FPS, MAX_TIME
from ..timebase import TimeBase

CSV_HEADER = ("frame", "time", "x", "y", "z", "yaw", "pitch", "roll", "hfov")
MAX_CSV_BYTES = 256 * 1024 * 1024
"""A track.csv read back (golden tracks, ``previs plan``): the longest replay, one hour at
240 fps, is 864 000 rows of at most ~200 bytes (~170 MB)."""

MAX_FRAMES = int(MAX_DURATION * MAX_FPS)
"""Most rows a track file may hold: 864 000, one hour at 240 fps, as a take or a level
replay (``docs/limits.md``); a longer track is refused before its values are read."""
MAX_ANGLE = 1e7
MAX_FIELD_CHARS = 64
"""Characters in one CSV field: ``repr`` of a float is at most 24; a 5000-digit field is
refused before ``float()`` spends time on it and before it is echoed in a message."""

"""Largest |yaw|, |pitch| or |roll| read, degrees: 27 778 turns, an hour spinning at 7.7
turns per second, yet far enough inside float range that yaw speeds (differences x fps)
and 6-decimal text stay finite and short."""
HFOV_RANGE = (0.0, 180.0)
"""hfov must lie strictly inside, degrees (the level contract's ``hfov``): 0 gives an
infinite focal length, 180 and more no perspective camera at all."""


def _shown(field: str) -> str:
    """A field as a message shows it: quoted, at most 40 characters."""
    return repr(field) if len(field) <= 40 else repr(field[:40]) + f"... ({len(field)} characters)"


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
    def time_base(self) -> TimeBase:
        """The track's :class:`~previs.timebase.TimeBase` (its fps; timecode from zero)."""
        return TimeBase(self.fps)

    @property
    def time(self) -> np.ndarray:
        """Seconds of each frame, ``frame / fps``."""
        return self.time_base.times(len(self))

    @property
    def duration(self) -> float:
        """Seconds covered by the track: ``len / fps`` (the last frame lasts 1/fps)."""
        return self.time_base.time_of(len(self))

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

    def to_csv_text(self, comments=(), extra: dict | None = None) -> str:
        """The ``track.csv`` text: ``comments`` (lines written after ``# ``), the header,
        then one row per frame, shortest exact floats; ``extra`` adds columns after
        ``hfov`` (name -> (N,) floats)."""
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
        extra = extra or {}
        cols.extend(np.asarray(v, dtype=np.float64).tolist() for v in extra.values())
        out = [f"# {c}" for c in comments]
        out.append(",".join(CSV_HEADER + tuple(extra)))
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
        lines = text.splitlines()
        lead = 0
        while lead < len(lines) and (lines[lead].lstrip().startswith("#") or not lines[lead].strip()):
            lead += 1
        stated = _stated_rate(lines[:lead])  # '# rate: 24000/1001 fps': the exact rate, not the time column's
        if fps is None and stated is not None:
            fps = float(stated)
        # '#' lines are comments wherever they are; rows in messages are the file's lines.
        kept = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
        try:
            rows = list(csv.reader(io.StringIO("\n".join(ln for _, ln in kept))))
        except csv.Error as e:  # e.g. a field over csv's 128 KB field limit, a NUL byte
            raise PrevisError(f"{name}: not a track CSV ({e}); a track is a CSV with header "
                              f"{','.join(CSV_HEADER)}, one number per field.") from None
        line_of = [k for k, _ in kept]
        if len(rows) != len(kept):  # a quoted field over several lines: count rows after the comments
            line_of = [lead + 1 + k for k in range(len(rows))]
        line_of = [n for n, r in zip(line_of, rows) if r and any(c.strip() for c in r)]
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
        if len(body) > MAX_FRAMES:
            raise PrevisError(f"{name}: {len(body)} rows, more than the {MAX_FRAMES} frames a track may hold "
                              f"({MAX_DURATION:g} s at {MAX_FPS} fps); split it into shorter tracks.")
        data = {}
        problems = []
        for col in ("time", "x", "y", "z", "yaw", "pitch", "roll", "hfov"):
            if col not in idx:
                continue
            vals = np.empty(len(body))
            for r, row in enumerate(body):
                try:
                    field = row[idx[col]]
                    if len(field) > MAX_FIELD_CHARS:  # float() of 100 000 digits is slow; no camera needs them
                        raise ValueError
                    v = float(field)
                except (IndexError, ValueError):
                    shown = _shown(row[idx[col]]) if idx[col] < len(row) else "(missing)"
                    problems.append(f"{name}: row {line_of[r + 1]}, column '{col}': {shown} is not a number"
                                    f" (at most {MAX_FIELD_CHARS} characters).")
                    v = math.nan
                    if len(problems) > 20:
                        break
                if not math.isfinite(v) and len(problems) <= 20:
                    if not problems or not problems[-1].startswith(f"{name}: row {line_of[r + 1]}, column '{col}'"):
                        problems.append(f"{name}: row {line_of[r + 1]}, column '{col}': {_shown(row[idx[col]])} is not finite; "
                                        "write a finite number (inf and nan are not values a camera can have).")
                vals[r] = v
            data[col] = vals
        if problems:
            raise PrevisError(problems[:20])
        n = len(body)
        late = np.abs(data["time"]) > MAX_TIME
        if late.any():  # checked before steps are taken: 1e300 - (-1e300) overflows, 1e300 + 1/24 == 1e300
            raise PrevisError(_out_of_range(name, "time", data["time"], late, f"s is beyond ±{MAX_TIME:g} s",
                                            "times are seconds from the start of the track", lines=line_of))
        if fps is None:
            if n < 2:
                raise PrevisError(f"{name}: one frame only; cannot tell the frame rate from the time column.")
            dt = np.diff(data["time"])
            step = float(np.median(dt))
            if not 1.0 / MAX_FPS - 1e-9 <= step <= 1.0 + 1e-9:
                raise PrevisError(
                    f"{name}: the time column steps {step:.6g} s a row, i.e. "
                    f"{(1.0 / step if step > 0 else math.inf):.6g} fps; a track runs at 1 to {MAX_FPS} fps: "
                    f"write the time of each frame in seconds.")
            if step <= 0 or np.any(np.abs(dt - step) > 1e-3 * step + 1e-9):
                raise PrevisError(
                    f"{name}: the time column must rise by the same step every row "
                    f"(one row per frame); found steps from {dt.min():.6g} to {dt.max():.6g} s."
                )
            fps = 1.0 / step
            if abs(fps - round(fps)) < 1e-6:
                fps = float(round(fps))
        problems = _meaning_problems(name, data, fps, lines=line_of)
        if problems:
            raise PrevisError(problems)
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


_TC_LINE = re.compile(r"#\s*timecode:\s*frame 0 = (\d\d:\d\d:\d\d[:;]\d\d)\b")
_LENS_LINE = re.compile(r"#\s*lens:\s*([a-z]+)\s*$")


def stated_facts(path: str | os.PathLike) -> dict:
    """What a track file's comment header states besides the rate: ``start_tc`` (from
    ``# timecode: frame 0 = 01:00:00:00 ...``) and ``lens`` (``# lens: actioncam``); {} for
    a file without them (or one that cannot be read: :meth:`CameraTrack.read_csv` says why)."""
    out: dict = {}
    from ..safe_paths import Unreadable, open_regular

    try:
        with open_regular(path) as raw:  # a regular file only: a FIFO would hang here
            fh = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
            for _ in range(64):  # the header is a few lines; never read a whole big file here
                line = fh.readline()
                if not line.startswith("#"):
                    break
                if m := _TC_LINE.match(line):
                    out["start_tc"] = m[1]
                elif m := _LENS_LINE.match(line.rstrip("\n")):
                    out["lens"] = m[1]
    except (Unreadable, OSError, ValueError):
        return {}
    return out


def _stated_rate(comments: list[str]):
    """The exact rate a comment header states (``# rate: 24000/1001 fps ...``), or None."""
    from fractions import Fraction

    for line in comments:
        m = re.match(r"#\s*rate:\s*(\d+)(?:/(\d+))?\b", line)
        if m and int(m[1]) > 0 and (m[2] is None or int(m[2]) > 0):
            return Fraction(int(m[1]), int(m[2] or 1))
    return None


def _out_of_range(name: str, col: str, values: np.ndarray, bad: np.ndarray, what: str, fix: str,
                  lines=None) -> str | None:
    """One line for every row of ``col`` flagged in ``bad``: the first row (file rows
    count the header as row 1; ``lines``: the file line of each row, header first, when
    comment lines sit among them), how many more, and the fix."""
    rows = np.flatnonzero(bad)
    if rows.size == 0:
        return None
    more = f" (and {rows.size - 1} more row{'s' * (rows.size != 2)})" if rows.size > 1 else ""
    row = lines[int(rows[0]) + 1] if lines is not None else int(rows[0]) + 2
    return f"{name}: row {row}, column '{col}': {float(values[rows[0]]):g} {what}{more}; {fix}."


def _meaning_problems(name: str, data: dict, fps: float, lines=None) -> list[str]:
    """What a syntactically good track may still get wrong, one line per column: the
    frame rate in [1, MAX_FPS], positions within MAX_COORD_M metres, angles within
    MAX_ANGLE degrees, hfov strictly inside HFOV_RANGE."""
    problems = []
    if not 1 <= fps <= MAX_FPS:
        problems.append(f"{name}: the time column steps {1.0 / fps:.6g} s a row, i.e. {fps:.6g} fps; a track runs "
                        f"at 1 to {MAX_FPS} fps: write the time of each frame in seconds.")
    for col in ("x", "y", "z"):
        v = data[col]
        problems.append(_out_of_range(name, col, v, np.abs(v) > MAX_COORD_M, f"m is beyond ±{MAX_COORD_M:g} m",
                                      "positions are metres from the level's origin", lines=lines))
    for col in ("yaw", "pitch", "roll"):
        if col in data:
            v = data[col]
            problems.append(_out_of_range(name, col, v, np.abs(v) > MAX_ANGLE, f"degrees is beyond ±{MAX_ANGLE:g} degrees",
                                          "angles are degrees", lines=lines))
    if "hfov" in data:
        v = data["hfov"]
        lo, hi = HFOV_RANGE
        problems.append(_out_of_range(name, "hfov", v, (v <= lo) | (v >= hi), f"degrees is not strictly between {lo:g} and {hi:g}",
                                      "hfov is the horizontal field of view in degrees, e.g. 90", lines=lines))
    return [p for p in problems if p]
