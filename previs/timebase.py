"""The one time base: seconds <-> frames <-> SMPTE timecode, for every part of previs.

A :class:`TimeBase` holds the frame rate as an exact rational (``fractions.Fraction``:
24, 25, 30, or 24000/1001, 30000/1001, 60000/1001), the timecode of frame 0
(``start_tc``) and whether timecode counts drop-frame. Everything that turns a time into a
frame, a frame into a time, or a frame into timecode goes through it, so the simulation,
the shot plan, the exports, the HUD and the report agree on every frame.

**Frames are half-open.** Frame ``f`` covers the seconds ``[f / fps, (f + 1) / fps)`` and
is *sampled* at its start, ``time_of(f) = f / fps``: frame 0 is at 0 s, frame 24 at 1 s
(24 fps). A replay of ``n`` frames covers ``[0, n / fps)``.

**The one rounding rule** (:meth:`TimeBase.frame_at`): an event at ``t`` seconds (a beat,
a look, a fall's end, ``previs still --time``) takes effect on the first frame sampled at
or after ``t``::

    frame_at(t) = ceil(t * fps - FRAME_TOLERANCE)        FRAME_TOLERANCE = 1e-9 frames

so at 24 fps ``t = 3.3`` (79.2 frames) takes effect on frame 80, ``t = 1.0`` on frame 24,
and ``t = 0.1 * 3`` (0.30000000000000004 s: 3.0000000000000004 frames at 10 fps) on
frame 3, not 4. The tolerance only absorbs float noise in times meant to land on a frame
(1e-9 frames is 4e-11 s at 24 fps); it never moves a time authored to the millisecond.
The simulation has fired beats this way since the start; markers now use it too.

Derived, never a second rule: :meth:`TimeBase.span` (the frames of ``[t, t + d)``: from
``frame_at(t)`` up to, not including, ``frame_at(t + d)``) and :meth:`TimeBase.frames_within`
(frames sampled inside the closed ``[t0, t1]``, for contact windows and expectations).
What is *on screen* at ``t`` is the frame whose half-open interval holds it,
:meth:`TimeBase.frame_containing` (``floor(t * fps + FRAME_TOLERANCE)``): an event at ``t``
inside frame ``f`` first shows on frame ``f + 1``, the first sample after it.
:meth:`TimeBase.frames_in` turns a *duration* into a frame count (``round(d * fps)``: the
replay's length), which is a length, not an instant.

**Timecode** is ``HH:MM:SS:FF`` (non-drop) or ``HH:MM:SS;FF`` (drop-frame): every field
exactly two digits, nothing around it (``1:00:00:00`` and `` 01:00:00:00`` are refused; the
level contract, ``--start-tc`` and ``shotplan.json`` all write two-digit hours). Hours are
below 24, minutes and seconds below 60, frames below the nominal rate. Frames count at the
**nominal rate** ``round(fps)`` (23.976 -> 24, 29.97 -> 30). Timecode of frame ``f`` is the
timecode ``f`` frames after ``start_tc``, wrapping at 24 hours like a timecode clock.

**Drop-frame**: at 30000/1001 and 60000/1001 timecode skips frame *numbers* 00-01 (00-03
at 59.94) at the start of every minute not divisible by 10, so the timecode tracks the wall
clock: frame 1800 at 29.97 DF is ``00:01:00;02`` and frame 17982 is ``00:10:00;00``. No
frame is dropped, only labels. A TimeBase counts drop-frame exactly when its ``start_tc``
is written with ``;`` (``01:00:00;00``), unless ``drop_frame`` is given: the level's
``start_tc`` is the one switch (docs/level-format.md).

**Level rates** (:data:`LEVEL_RATES`, :func:`level_rate_problem`): a level runs at one of the
production rates 23.976 (24000/1001), 24, 25, 29.97 (30000/1001), 30, 48, 50, 59.94
(60000/1001) or 60; a track (``previs plan``) or a take may run at any rate.

Pure: no I/O, no wall clock; numpy only for the vectorised variants.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .errors import PrevisError

FRAME_TOLERANCE = 1e-9
"""Frames: float noise absorbed when a time is meant to land exactly on a frame."""

ZERO_TC = "00:00:00:00"
"""The default ``start_tc``: frame 0 is at timecode zero."""

DAY_HOURS = 24
"""Timecode wraps at 24 hours, like a timecode clock."""

MAX_DENOMINATOR = 1001
"""A float rate is read as the nearest fraction with a denominator up to 1001
(29.97002997 -> 30000/1001, 25.0 -> 25)."""

LEVEL_RATES: tuple[Fraction, ...] = (
    Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
    Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60))
"""The frame rates a level may run at (exact), slowest first."""

DECIMAL_SLACK = 0.001
"""frames/s: a decimal rate within this of a level rate is that rate, so ``23.976``,
``29.97`` and ``59.94`` (2.4e-5, 3e-5 and 6e-5 away from 24000/1001, 30000/1001 and
60000/1001) name the NTSC rates, while ``23.98`` (0.004 away) is refused with a "did you
mean"."""

_RATE_TEXT_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+)\s*)?")


def rate_text(rate: Fraction) -> str:
    """An exact rate as a file writes it: ``24`` or ``24000/1001``."""
    rate = Fraction(rate)
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def rate_label(rate) -> str:
    """A rate as people say it: ``24``, ``23.976``, ``29.97``, ``59.94``."""
    rate = as_rate(rate)
    if rate.denominator == 1:
        return str(rate.numerator)
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def level_rate_problem(value) -> tuple[Fraction | None, tuple[str, str] | None]:
    """``(rate, None)`` for the exact level rate ``value`` names, a number (``24``,
    ``23.976``) or text (``"29.97"``, ``"30000/1001"``); ``(None, (what, fix))`` otherwise,
    the fix listing the accepted rates and the nearest one ("did you mean")."""
    accepted = ", ".join(rate_label(r) + (f" ({rate_text(r)})" if r.denominator != 1 else "")
                         for r in LEVEL_RATES)
    rate = None
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        rate = Fraction(value)
    elif isinstance(value, float) and math.isfinite(value):
        rate = value
    elif isinstance(value, str):
        m = _RATE_TEXT_RE.fullmatch(value)
        if m and m[2] is None:
            rate = float(m[1]) if "." in m[1] else Fraction(int(m[1]))
        elif m and "." not in m[1] and int(m[2]) > 0:
            rate = Fraction(int(m[1]), int(m[2]))
    shown = repr(value) if isinstance(value, str) else f"{value}"
    if rate is None:
        return None, (f"fps = {shown} is not a frame rate", f"a level runs at {accepted} fps")
    for r in LEVEL_RATES:
        if rate == r or (isinstance(rate, float) and abs(rate - float(r)) <= DECIMAL_SLACK):
            return r, None
    near = min(LEVEL_RATES, key=lambda r: abs(float(rate) - float(r)))
    return None, (f"fps = {shown} is not a production frame rate",
                  f"did you mean {rate_label(near)}? A level runs at {accepted} fps")


_TC_RE = re.compile(r"(\d{2}):(\d{2}):(\d{2})([:;])(\d{2})")


def as_rate(fps) -> Fraction:
    """``fps`` (int, float, Fraction or a string like ``"30000/1001"``) as an exact positive
    Fraction. Raises :class:`PrevisError` if it is not a positive finite rate."""
    try:
        if isinstance(fps, float):
            if not math.isfinite(fps):
                raise ValueError
            rate = Fraction(fps).limit_denominator(MAX_DENOMINATOR)
        else:
            rate = Fraction(fps)
    except (TypeError, ValueError, ZeroDivisionError):
        raise PrevisError(f"frame rate {fps!r} is not a number of frames per second.") from None
    if rate <= 0:
        raise PrevisError(f"frame rate {fps!r} must be above 0 frames per second.")
    return rate


def split_timecode(text: str) -> tuple[int, int, int, int, bool]:
    """``(hours, minutes, seconds, frames, drop_frame)`` of ``HH:MM:SS:FF`` or ``HH:MM:SS;FF``.

    Checks the shape and hours < 24, minutes and seconds < 60 (not frames: they depend on
    the rate). Raises :class:`PrevisError` with the reason."""
    m = _TC_RE.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise PrevisError(f"timecode {text!r} is not HH:MM:SS:FF (two digits each, e.g. 01:00:00:00).")
    hh, mm, ss, ff = int(m[1]), int(m[2]), int(m[3]), int(m[5])
    if hh >= DAY_HOURS or mm >= 60 or ss >= 60:
        raise PrevisError(f"timecode {text!r} is out of range: hours < 24, minutes and seconds < 60.")
    return hh, mm, ss, ff, m[4] == ";"


@dataclass(frozen=True)
class TimeBase:
    """Frame rate, start timecode and timecode counting of one replay (see the module doc).

    ``fps`` is converted to an exact :class:`~fractions.Fraction`; ``start_tc`` is checked
    at this rate (frames below the nominal rate; drop-frame rules) on construction, so a
    TimeBase always formats. ``drop_frame`` None (the default): drop-frame exactly when
    ``start_tc`` is written with ``;``. Raises :class:`PrevisError` on a bad rate or
    timecode (drop-frame at a rate that has none included)."""

    fps: Fraction
    start_tc: str = ZERO_TC
    drop_frame: bool | None = None
    start_frame: int = field(init=False, repr=False, compare=False)
    nominal_rate: int = field(init=False, repr=False, compare=False)
    """The whole frame rate timecode counts at: ``round(fps)``, at least 1 (29.97 -> 30).
    Set once: the finale's plan formats ~1,300 timecodes, and ``round(Fraction)`` twice a
    call was 4 us of each."""
    _day: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        rate = as_rate(self.fps)
        object.__setattr__(self, "fps", rate)
        if self.drop_frame is None:
            object.__setattr__(self, "drop_frame", split_timecode(self.start_tc)[4])
        object.__setattr__(self, "drop_frame", bool(self.drop_frame))
        object.__setattr__(self, "nominal_rate", max(1, round(rate)))
        object.__setattr__(self, "_day", self._day_frames())
        if self.drop_frame and self._dropped_per_minute() == 0:
            raise PrevisError(f"drop-frame timecode exists only at 30000/1001 (29.97) and 60000/1001 "
                              f"(59.94) fps, not at {self.label} fps; use non-drop timecode.")
        object.__setattr__(self, "start_frame", self.parse_timecode(self.start_tc))

    # -- the rate ---------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The rate as people write it: ``24``, ``29.97``, ``23.976``."""
        return rate_label(self.fps)

    @property
    def rate_text(self) -> str:
        """The exact rate as files write it: ``24``, ``24000/1001``."""
        return rate_text(self.fps)

    @property
    def counting(self) -> str:
        """``"drop-frame"`` or ``"non-drop"``: how timecode counts."""
        return "drop-frame" if self.drop_frame else "non-drop"

    def _num_den(self) -> tuple[int, int]:
        return self.fps.numerator, self.fps.denominator

    # -- seconds <-> frames -----------------------------------------------------------

    def frame_at(self, t: float) -> int:
        """The frame on which an event at ``t`` seconds takes effect: the first frame
        sampled at or after ``t``, ``ceil(t * fps - FRAME_TOLERANCE)``."""
        num, den = self._num_den()
        return int(math.ceil(float(t) * num / den - FRAME_TOLERANCE))

    def frame_containing(self, t: float) -> int:
        """The frame on screen at ``t`` seconds: the one whose half-open
        ``[f / fps, (f + 1) / fps)`` holds ``t``, i.e. the last frame sampled at or before
        ``t``, ``floor(t * fps + FRAME_TOLERANCE)``. For asking what *is* at a time (an
        expectation's ``time``); an *event* at ``t`` shows from :meth:`frame_at` on."""
        num, den = self._num_den()
        return int(math.floor(float(t) * num / den + FRAME_TOLERANCE))

    def frames_at(self, t) -> np.ndarray:
        """:meth:`frame_at` of every time in array ``t`` (int64, same shape)."""
        num, den = self._num_den()
        x = np.asarray(t, dtype=np.float64) * num / den
        return np.ceil(x - FRAME_TOLERANCE).astype(np.int64)

    def time_of(self, frame) -> float:
        """Seconds at which ``frame`` is sampled (its start): ``frame / fps``. Also turns a
        whole number of frames into the seconds they last."""
        num, den = self._num_den()
        return int(frame) * den / num

    def times(self, frames: int) -> np.ndarray:
        """:meth:`time_of` of frames ``[0, frames)`` (float64)."""
        num, den = self._num_den()
        return np.arange(int(frames), dtype=np.float64) * den / num

    def seconds(self, frames) -> np.ndarray | float:
        """Seconds lasted by ``frames`` frames (scalar or array, may be fractional)."""
        num, den = self._num_den()
        if np.ndim(frames):
            return np.asarray(frames, dtype=np.float64) * den / num
        return float(frames) * den / num

    def frames_in(self, duration: float) -> int:
        """Whole frames in ``duration`` seconds, to the nearest frame: ``round(d * fps)``."""
        num, den = self._num_den()
        return int(round(float(duration) * num / den))

    def span(self, t: float, duration: float) -> range:
        """The frames of the half-open ``[t, t + duration)``: from ``frame_at(t)`` up to, not
        including, ``frame_at(t + duration)`` (empty for a zero duration)."""
        first = self.frame_at(t)
        return range(first, max(first, self.frame_at(float(t) + float(duration))))

    def frames_within(self, t0: float, t1: float) -> range:
        """The frames sampled inside the closed ``[t0, t1]`` seconds (a contact window, an
        expectation's "from"-"to"): ``frame_at(t0)`` through the last frame at or before
        ``t1`` (``floor(t1 * fps + FRAME_TOLERANCE)``)."""
        last = self.frame_containing(t1)
        first = self.frame_at(t0)
        return range(first, max(first, last + 1))

    # -- timecode ---------------------------------------------------------------------

    def _dropped_per_minute(self) -> int:
        """Frame numbers drop-frame skips each minute (2 at 29.97, 4 at 59.94; 0 if the
        rate has no drop-frame timecode)."""
        r = self.nominal_rate
        if r % 30 == 0 and self.fps == Fraction(r * 1000, 1001):
            return r // 15
        return 0

    @property
    def has_drop_frame(self) -> bool:
        """True if this rate has drop-frame timecode (29.97 and 59.94)."""
        return self._dropped_per_minute() > 0

    def day_frames(self) -> int:
        """Frames in 24 h of timecode (the count at which timecode wraps)."""
        return self._day

    def _day_frames(self) -> int:
        r = self.nominal_rate
        if self.drop_frame:
            d = self._dropped_per_minute()
            return DAY_HOURS * 6 * (600 * r - 9 * d)
        return DAY_HOURS * 3600 * r

    def _labelled(self, n):
        """The frame number a timecode shows for frame count ``n`` (an int, or an int64
        array: the same arithmetic), counts within one day: drop-frame skips ``d`` numbers
        at the start of every minute not divisible by 10; non-drop shows ``n`` itself."""
        if not self.drop_frame:
            return n
        r = self.nominal_rate
        d = self._dropped_per_minute()
        tens, rem = divmod(n, 600 * r - 9 * d)
        skipped = d * ((rem - d) // (60 * r - d))
        skipped = np.where(rem >= d, skipped, 0) if isinstance(n, np.ndarray) else (skipped if rem >= d else 0)
        return n + 9 * d * tens + skipped

    def format_count(self, count: int) -> str:
        """Timecode of an absolute frame count (frames since 00:00:00:00), wrapping at 24 h."""
        s, ff = divmod(self._labelled(int(count) % self.day_frames()), self.nominal_rate)
        sep = ";" if self.drop_frame else ":"
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{sep}{ff:02d}"

    def parse_timecode(self, text: str) -> int:
        """Absolute frame count (frames since 00:00:00:00) of timecode ``text`` at this rate.

        Raises :class:`PrevisError` naming the problem: not ``HH:MM:SS:FF``, out of range,
        frames at or above the nominal rate, ``;`` on a non-drop base (or ``:`` on a
        drop-frame one), or a frame number drop-frame skips."""
        hh, mm, ss, ff, drop = split_timecode(text)
        r = self.nominal_rate
        if drop and not self.drop_frame:
            raise PrevisError(f"timecode {text!r} is drop-frame (';') but {self.label} fps counts "
                              f"non-drop: write HH:MM:SS:FF with colons.")
        if self.drop_frame and not drop:
            raise PrevisError(f"timecode {text!r} is non-drop (':') but this {self.label} fps time base "
                              f"counts drop-frame: write HH:MM:SS;FF.")
        if ff >= r:
            raise PrevisError(f"timecode {text!r} is out of range: frames < {r} at {r} fps.")
        count = ((hh * 60 + mm) * 60 + ss) * r + ff
        if not self.drop_frame:
            return count
        d = self._dropped_per_minute()
        if ss == 0 and mm % 10 != 0 and ff < d:
            raise PrevisError(f"timecode {text!r} does not exist in drop-frame: frames 00-{d - 1:02d} "
                              f"are skipped at the start of every minute not divisible by 10.")
        minutes = hh * 60 + mm
        return count - d * (minutes - minutes // 10)

    def format_counts(self, counts) -> list[str]:
        """:meth:`format_count` of every absolute frame count in ``counts`` (integers, any
        shape, read flat), in one vectorised pass of the same arithmetic: a melee's
        shot list labels 1.3 million safety findings, 4 s one call at a time, ~0.1 s so.
        At a nominal rate above 100 (frames take three digits) each is formatted by
        :meth:`format_count` itself."""
        counts = np.asarray(counts, dtype=np.int64).ravel()
        r = self.nominal_rate
        if r > 100:
            return [self.format_count(c) for c in counts.tolist()]
        n = self._labelled(counts % self.day_frames())
        sep = ";" if self.drop_frame else ":"
        s, ff = np.divmod(n, r)
        # HH:MM:SS:FF as 11 ASCII bytes a row, every field two digits (hours < 24, frames < 100).
        text = np.empty((n.size, 11), dtype=np.uint8)
        for col, v in ((0, s // 3600), (3, s // 60 % 60), (6, s % 60), (9, ff)):
            text[:, col] = 48 + v // 10
            text[:, col + 1] = 48 + v % 10
        text[:, 2] = text[:, 5] = ord(":")
        text[:, 8] = ord(sep)
        return text.view("S11").ravel().astype("U11").tolist()

    def timecode(self, frame: int) -> str:
        """Timecode of track ``frame`` (frame 0 is ``start_tc``)."""
        return self.format_count(self.start_frame + int(frame))

    def timecodes(self, frames) -> list[str]:
        """:meth:`timecode` of every track frame in ``frames`` (integers), vectorised
        (:meth:`format_counts`)."""
        return self.format_counts(self.start_frame + np.asarray(frames, dtype=np.int64))


def time_base_of(settings) -> TimeBase:
    """The :class:`TimeBase` of a level's :class:`~previs.level.model.Settings` (or anything
    with ``fps`` and ``start_tc``): drop-frame when ``start_tc`` is written with ``;``."""
    return TimeBase(settings.fps, settings.start_tc)
