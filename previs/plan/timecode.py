"""SMPTE timecode for the plan: a thin façade over :mod:`previs.timebase`.

The rules (two-digit ``HH:MM:SS:FF``, nominal rate ``round(fps)``, wrap at 24 h, drop-frame
readiness) live in :class:`previs.timebase.TimeBase`; these functions only build one for
callers that hold a bare ``fps`` and ``start_tc``.
"""

from __future__ import annotations

from ..timebase import ZERO_TC, TimeBase, split_timecode

__all__ = ["TimeBase", "frames_to_timecode", "nominal_fps", "parse_timecode", "split_timecode", "timecode"]


def nominal_fps(fps) -> int:
    """The whole frame rate timecode counts at (``round(fps)``, at least 1)."""
    return TimeBase(fps).nominal_rate


def parse_timecode(tc: str, fps) -> int:
    """Absolute frame count of timecode ``tc`` at ``fps``, drop-frame when written with
    ``;`` (raises PrevisError, e.g. for drop-frame at a rate that has none)."""
    return TimeBase(fps, tc).start_frame


def frames_to_timecode(frames: int, fps) -> str:
    """Non-drop timecode of an absolute frame count at ``fps`` (wraps at 24 h)."""
    return TimeBase(fps).format_count(frames)


def timecode(frame: int, fps, start_tc: str = ZERO_TC) -> str:
    """Timecode of track ``frame`` when frame 0 is at ``start_tc``."""
    return TimeBase(fps, start_tc).timecode(frame)
