"""``shotplan.edl``: CMX 3600, one event per shot, written by OTIO's ``cmx_3600`` adapter.

The timeline is :func:`previs.export.otio.build_timeline` with three EDL adjustments:

- **Rate**: the nominal integer rate (``round(fps)``); EDL timecode is a frame count, and
  the plan's timecodes are non-drop at that rate.
- **Record timecode** starts at ``start_tc``: the adapter measures record time from the
  start of the track and ignores ``global_start_time``, so a leading gap of ``start_tc``
  frames is put on the track (a gap writes no event). Source timecode equals record
  timecode (the clips cut the one nominal animatic at its own timecode).
- **ASCII**: marker names lose the degree sign and accents; the adapter upper-cases them
  into ``* LOC: <tc> <COLOR> <NAME>`` comment lines under their event.

**Rates**: CMX 3600 timecode exists only at the SMPTE rates, so an EDL is written only for
a plan at 24, 25, 30, 48, 50 or 60 fps (:data:`TIMECODE_RATES`); at any other rate
:func:`supported` is False and ``previs replay``/``plan`` skip the EDL with a warning (the
OTIO timeline, which carries any rate, still goes to the editor).

Every event is a video cut (``C``) on reel ``PREVIS`` with ``* FROM CLIP NAME:  Shot 001``
and ``* FROM CLIP: animatic.mp4`` comments (Avid style). A ``FCM: NON-DROP FRAME`` line is
added under the title, as CMX 3600 readers expect.
"""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text
from .otio import build_timeline

TIMECODE_RATES = (24, 25, 30, 48, 50, 60)


def supported(plan) -> bool:
    """True if the plan's frame rate is one an EDL can carry (see the module doc)."""
    tb = plan.time_base
    return tb.fps.denominator == 1 and tb.nominal_rate in TIMECODE_RATES


def skipped_reason(plan) -> str:
    return (f"shotplan.edl not written: CMX 3600 EDLs carry only {', '.join(map(str, TIMECODE_RATES))} fps "
            f"timecode, and this plan runs at {plan.fps:g} fps; use shotplan.otio, or set the level's fps "
            "to one of those rates.")


def to_text(plan) -> str:
    import opentimelineio as otio

    rate = plan.nominal_fps
    tl = build_timeline(plan, rate=rate, record_offset=True, ascii_names=True, metadata=False)
    text = otio.adapters.write_to_string(tl, adapter_name="cmx_3600", rate=rate, style="avid")
    lines = text.split("\n")
    if lines and lines[0].startswith("TITLE:"):
        lines.insert(1, "FCM: NON-DROP FRAME")
    else:
        lines.insert(0, "FCM: NON-DROP FRAME")
    return "\n".join(lines)


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
