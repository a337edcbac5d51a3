"""SMPTE non-drop timecode: ``HH:MM:SS:FF`` at an integer nominal frame rate.

Every timecode previs writes counts frames at the *nominal* rate ``round(fps)`` with no
dropped frame numbers (24 -> 24, 25 -> 25, 29.97 -> 30), starting from the level's
``start_tc`` at frame 0. Hours wrap at 24 as on a timecode clock. Drop-frame (``;``)
timecodes are refused: previs levels are shot at integer rates.
"""

from __future__ import annotations

import re

from ..errors import PrevisError

_TC_RE = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2}):(\d{2})\s*$")
_DAY_HOURS = 24


def nominal_fps(fps: float) -> int:
    """The integer frame rate timecode counts at (``round(fps)``, at least 1)."""
    return max(1, int(round(float(fps))))


def parse_timecode(tc: str, fps: float) -> int:
    """Frame count of timecode ``tc`` (``HH:MM:SS:FF``) at nominal ``fps``.

    Raises :class:`PrevisError` with the reason for a malformed value."""
    rate = nominal_fps(fps)
    m = _TC_RE.match(str(tc))
    if not m:
        why = " (drop-frame ';' timecode is not supported)" if ";" in str(tc) else ""
        raise PrevisError(f"timecode {tc!r} is not HH:MM:SS:FF{why}.")
    hh, mm, ss, ff = (int(g) for g in m.groups())
    if hh >= _DAY_HOURS or mm >= 60 or ss >= 60 or ff >= rate:
        raise PrevisError(
            f"timecode {tc!r} is out of range: hours < 24, minutes and seconds < 60, "
            f"frames < {rate} at {rate} fps."
        )
    return ((hh * 60 + mm) * 60 + ss) * rate + ff


def frames_to_timecode(frames: int, fps: float) -> str:
    """``HH:MM:SS:FF`` for an absolute frame count at nominal ``fps`` (wraps at 24 h)."""
    rate = nominal_fps(fps)
    n = int(frames) % (_DAY_HOURS * 3600 * rate)
    ff = n % rate
    s = n // rate
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}"


def timecode(frame: int, fps: float, start_tc: str = "00:00:00:00") -> str:
    """Timecode of track ``frame`` when frame 0 is at ``start_tc``."""
    return frames_to_timecode(parse_timecode(start_tc, fps) + int(frame), fps)
