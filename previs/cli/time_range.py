"""``--start T`` / ``--end T`` of ``previs render``: a stretch of the fight, in seconds or timecode.

``T`` is seconds from frame 0 (``12.5``) or a timecode (``01:00:12:12``, ``01:00:12;12``
for drop-frame) on the plan's clock (the level's ``start_tc``, or ``--start-tc``). The
stretch is the half-open frame range ``[first, stop)``, like an EDL's in and out points:

- ``--start`` in seconds is the frame on screen at that time
  (:meth:`~previs.timebase.TimeBase.frame_containing`, as ``previs still --time``); as
  timecode, the frame with that label;
- ``--end`` in seconds is the first frame sampled at or after it
  (:meth:`~previs.timebase.TimeBase.frame_at`): ``--start 1 --end 2`` at 24 fps is frames
  24-47, one second; as timecode, the first frame *not* rendered (the out point).

Both are checked against the fight: a stretch outside ``[0, frames]`` or an empty one is
refused naming the fight's first and last frame in both forms. Every conversion goes
through the plan's :class:`~previs.timebase.TimeBase` (exact rational rate, drop-frame).
"""

from __future__ import annotations

import argparse
import math

from ..errors import PrevisError
from ..timebase import split_timecode


def time_or_timecode(flag: str):
    """An argparse type for ``flag``: a timecode (kept as text, checked for shape; its
    frames are checked against the rate later) or a finite number of seconds >= 0."""

    def parse(text: str):
        if ":" in text or ";" in text:
            try:
                split_timecode(text)
            except PrevisError as e:
                raise argparse.ArgumentTypeError(f"{flag}: {e.problems[0]}") from None
            return text
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be seconds (e.g. 12.5) or a timecode "
                                             f"(e.g. 01:00:12:12), not {text!r}") from None
        if not math.isfinite(v) or v < 0:
            raise argparse.ArgumentTypeError(f"{flag} must be seconds from 0 on, or a timecode, not {text!r}")
        return v

    return parse


def _frame(flag: str, value, tb, frames: int, *, end: bool) -> int:
    if isinstance(value, str):
        try:
            count = tb.parse_timecode(value)
        except PrevisError as e:
            raise PrevisError(f"{flag} {value}: {e.problems[0]}") from None
        return (count - tb.start_frame) % tb.day_frames()  # a fight may run past midnight
    return tb.frame_at(value) if end else tb.frame_containing(value)


def _show(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def frame_range(start, end, tb, frames: int) -> tuple[int, int]:
    """``(first, stop)``: the half-open frames of ``--start``/``--end`` (None: the fight's
    first frame / its end) in a fight of ``frames`` frames on time base ``tb``. Raises
    :class:`PrevisError` for a stretch outside the fight or an empty one."""
    first = 0 if start is None else _frame("--start", start, tb, frames, end=False)
    stop = frames if end is None else _frame("--end", end, tb, frames, end=True)
    last = frames - 1
    span = (f"the fight runs from 0 to {tb.time_of(frames):.3f} s, timecode {tb.timecode(0)} to "
            f"{tb.timecode(last)} (frames 0-{last}; --end may be {tb.timecode(frames)}, its out point)")
    if not 0 <= first < frames:
        raise PrevisError(f"--start {_show(start)}: frame {first} is outside the fight; {span}.")
    if stop > frames:
        raise PrevisError(f"--end {_show(end)}: frame {stop} is past the fight's end; {span}.")
    if stop <= first:
        raise PrevisError(f"--end {_show(end)} is not after --start {_show(0 if start is None else start)} "
                          f"(frames {first} to {stop}): nothing to render; {span}.")
    return first, stop
