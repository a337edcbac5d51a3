"""``shotplan.edl``: CMX 3600, one event per shot, written by OTIO's ``cmx_3600`` adapter.

The timeline is :func:`previs.export.otio.build_timeline` with three EDL adjustments:

- **Rate**: EDL timecode is a frame count labelled at the nominal rate (``round(fps)``).
  Non-drop plans (24, 25, 30, 48, 50, 60, and 23.976, 29.97 or 59.94 counted non-drop) are
  written at that nominal integer rate, whose labels are the plan's; drop-frame plans
  (``start_tc`` written with ``;``, 29.97 and 59.94 only) at the exact 30000/1001 or
  60000/1001, where OTIO's timecode infers drop-frame, so every timecode is
  ``HH:MM:SS;FF`` and labels the same frame as :class:`~previs.timebase.TimeBase`. The line
  under the title says which: ``FCM: DROP FRAME`` or ``FCM: NON-DROP FRAME``.
- **Record timecode** starts at ``start_tc``: the adapter measures record time from the
  start of the track and ignores ``global_start_time``, so a leading gap of ``start_tc``
  frames is put on the track (a gap writes no event). Source timecode equals record
  timecode (the clips cut the one nominal animatic at its own timecode).
- **Locators**: every marker (cut, beat, safety finding) is a ``* LOC: <tc> <COLOR> <TEXT>``
  comment line under its event; the text is the marker's name and, after `` - ``, its
  comment (a beat's note, a safety finding's sentence), upper-case ASCII, cut to fit the
  80-column line (:func:`.marker_text.locator_text`).

**Rates**: CMX 3600 timecode exists only at the SMPTE rates, so an EDL is written only for
a plan at 24, 25, 30, 48, 50 or 60 fps (:data:`TIMECODE_RATES`) or the NTSC 23.976, 29.97
and 59.94 (every level rate); at any other rate
:func:`supported` is False and ``previs replay``/``plan`` skip the EDL with a warning (the
OTIO timeline, which carries any rate, still goes to the editor).

**24 hours**: EDL timecode is a 24-hour clock and an event whose record out wraps past
24:00:00:00 to 00:00:00:00 reads as negative. An EDL is written only when the last record
out (``start_tc`` + frames) is at most 23:59:59:FF; otherwise it is skipped the same way,
the warning naming the latest ``start_tc`` that fits. Nothing is wrapped silently.

**Text**: the title and marker names go through :func:`.otio.one_line_ascii`: control
characters become spaces, so a newline in a level's title or a performer's name cannot
end a ``TITLE:`` or ``* LOC:`` line and inject an edit event.

Every event is a video cut (``C``) on the plan's reel (:mod:`previs.plan.reel`: the level
file's name, e.g. ``CORRIDOR``; the animatic's MP4 carries the same reel name and a timecode
track from ``start_tc``, so an editor relinks each event at its source timecode) with
``* FROM CLIP NAME:  Shot 001`` and ``* FROM CLIP: animatic.mp4`` comments (Avid style). An
``FCM:`` line is added under the title, as CMX 3600 readers expect.
"""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text
from ..timebase import LEVEL_RATES, rate_label
from .marker_text import locator_text
from .otio import build_timeline

TIMECODE_RATES = LEVEL_RATES
"""The rates CMX 3600 timecode exists at are exactly the level rates (one list, in
:mod:`previs.timebase`): 24, 25, 30, 48, 50, 60 and the NTSC 23.976, 29.97, 59.94."""


def _fps_ok(plan) -> bool:
    return plan.time_base.fps in TIMECODE_RATES


def _within_a_day(plan) -> bool:
    """True if the last record out (``start_tc`` + frames, exclusive) is at most
    23:59:59:FF: no record timecode, in or out, wraps past 24:00:00:00."""
    return plan.start_frame + plan.frames < plan.time_base.day_frames()


def supported(plan) -> bool:
    """True if an EDL can carry the plan: a SMPTE rate and no record timecode past 24 h
    (see the module doc)."""
    return _fps_ok(plan) and _within_a_day(plan)


def skipped_reason(plan) -> str:
    """The warning for a plan :func:`supported` refuses: what, why, the fix."""
    if not _fps_ok(plan):
        return (f"shotplan.edl not written: CMX 3600 EDLs carry only {', '.join(map(rate_label, TIMECODE_RATES))} "
                f"fps timecode, and this plan runs at {float(plan.fps):g} fps; use shotplan.otio, or set the level's fps "
                "to one of those rates.")
    ff = f"23:59:59:{plan.nominal_fps - 1:02d}"
    latest = plan.time_base.day_frames() - 1 - plan.frames
    fix = (f"start at {plan.time_base.format_count(latest)} or earlier (--start-tc, or the level's start_tc)"
           if latest >= 0 else "split the track into parts shorter than 24 hours")
    return (f"shotplan.edl not written: starting at {plan.settings.start_tc}, the plan's {plan.frames} frames "
            f"end after {ff}, where EDL timecode wraps to 00:00:00:00 and editors would read negative "
            f"events; use shotplan.otio, or {fix}.")


def to_text(plan) -> str:
    import opentimelineio as otio

    tb = plan.time_base
    rate = float(tb.fps) if tb.drop_frame else tb.nominal_rate  # see the module doc: the labels
    tl = build_timeline(plan, rate=rate, record_offset=True, ascii_names=True, metadata=False)
    for clip in tl.find_clips():  # the adapter writes only a marker's name: put the note in it
        for m in clip.markers:
            m.name = locator_text(m.name, m.comment)
    text = otio.adapters.write_to_string(tl, adapter_name="cmx_3600", rate=rate, style="avid")
    lines = text.split("\n")
    fcm = "FCM: DROP FRAME" if tb.drop_frame else "FCM: NON-DROP FRAME"
    lines.insert(1 if lines and lines[0].startswith("TITLE:") else 0, fcm)
    return "\n".join(lines)


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
