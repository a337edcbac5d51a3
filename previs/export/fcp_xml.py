"""``shotplan.xml``: the shot plan as Final Cut Pro 7 XML (``xmeml`` version 4), what Premiere
Pro, DaVinci Resolve and Avid Media Composer import as "FCP XML".

Written by OpenTimelineIO's ``fcp_xml`` adapter (the ``otio-fcp-adapter`` package) from the
same timeline as ``shotplan.otio`` (:func:`previs.export.otio.build_timeline`): one sequence
named after the title, one video track, a clip item per shot on the nominal animatic
(``animatic.mp4``, whose ``<timecode>`` is ``start_tc``), markers on their clips.

**The start-timecode work-around.** FCP 7 XML counts a clip item's ``<in>``/``<out>`` *and*
its markers' ``<in>``/``<out>`` in frames of the media from its first frame (0), whatever
the media's timecode. OTIO keeps a clip's markers in the clip's media time, which for
previs is the absolute timecode frame (``start_tc`` + track frame, as in ``shotplan.otio``).
The adapter subtracts the media's start (its ``available_range``, written as the file's
``<timecode>``) from the clip's in-point but writes markers unchanged, so with
``start_tc = 01:00:00:00`` at 24 fps a beat on track frame 48 of a clip ``<in>0</in>
<out>195</out>`` lands at ``<in>86448</in>``, far outside its clip. Before the adapter
writes, this module moves every clip marker back by the media's start (86 400 frames
there), so the file says ``<in>48</in>``: inside the clip, on the planned frame. The
adapter's reader reads marker frames as written and adds the media's start to the clip's
in-point only, so a script reading the file back through OTIO (the test does) compares a
marker's frame with ``clip.source_range.start_time - media available_range.start_time``.

**Text.** A marker's ``<name>`` is its OTIO name (``Henry look Goon 1``, ``Cut 1 L 142°``,
``Safety landing``) and ``<comment>`` its comment (a beat's note, a safety finding's
sentence; :mod:`.marker_text`). The XML writer escapes markup; characters XML cannot hold
at all (control characters) become spaces (:func:`xml_text`). FCP 7 XML has no
marker colours: the kind is in the name.

**Rates**: at a frame rate without SMPTE timecode (20 fps, say) :func:`supported` is False
and ``previs replay``/``plan`` skip the file with a warning, as they skip the EDL.

Pure: ``opentimelineio`` is imported only when this writer runs.
"""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text
from .otio import build_timeline


def supported(plan) -> bool:
    """True if FCP 7 XML can carry the plan's rate: the media's ``<timecode>`` is SMPTE
    timecode, which OTIO writes only at the rates it has timecode for
    (``RationalTime.is_valid_timecode_rate``: 24, 25, 30, 48, 50, 60 and the NTSC rates)."""
    import opentimelineio as otio

    return bool(otio.opentime.RationalTime.is_valid_timecode_rate(float(plan.fps)))


def skipped_reason(plan) -> str:
    """The warning for a plan :func:`supported` refuses: what, why, the fix."""
    return (f"shotplan.xml not written: Final Cut Pro 7 XML needs SMPTE timecode for the animatic, which has "
            f"none at {float(plan.fps):g} fps; use shotplan.otio, or set the level's fps to 24, 25, 30, 48, 50, 60, "
            "23.976, 29.97 or 59.94.")


def build(plan):
    """The OTIO timeline the adapter writes: :func:`build_timeline` with each clip marker
    moved into media frames from 0 (the work-around above) and its comment in the
    adapter's ``fcp_xml`` metadata (written as ``<comment>``)."""
    tl = build_timeline(plan, metadata=False)
    tl.name = xml_text(tl.name)
    for clip in tl.find_clips():
        media_start = clip.media_reference.available_range.start_time
        for m in clip.markers:
            r = m.marked_range
            m.marked_range = type(r)(r.start_time - media_start, r.duration)
            m.name = xml_text(m.name)
            if m.comment:
                m.metadata["fcp_xml"] = {"comment": xml_text(m.comment)}
    return tl


def xml_text(s: str) -> str:
    """``s`` with every character XML 1.0 cannot hold (the C0 controls but tab, newline and
    carriage return; U+FFFE, U+FFFF; lone surrogates) and newline, tab and carriage
    return (a marker name is one line) made a space: an escape or NUL in a level's title
    would otherwise make the file unreadable (the XML writer escapes ``<``, ``&`` and
    quotes, but cannot write these at all)."""
    if s.isprintable():  # no control character: nothing to do (most names and notes)
        return s
    return "".join(" " if (ord(ch) < 0x20 or ch in "\ufffe\uffff" or 0xD800 <= ord(ch) <= 0xDFFF) else ch for ch in s)


def to_text(plan) -> str:
    import opentimelineio as otio

    text = otio.adapters.write_to_string(build(plan), adapter_name="fcp_xml")
    return text if text.endswith("\n") else text + "\n"


def warm_up() -> None:
    """Import OpenTimelineIO and load its fcp_xml adapter plugin now, e.g. in
    :mod:`.prefork`'s child while the level simulates."""
    import opentimelineio as otio

    otio.adapters.from_name("fcp_xml")


def write(plan, path: str | os.PathLike) -> None:
    """Write ``shotplan.xml`` for the plan."""
    atomic_write_text(path, to_text(plan))
