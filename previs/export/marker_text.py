"""What the editors' markers say: names, comments and EDL locator text, in one place.

The words come from the plan's one truth (:mod:`previs.plan.frame_truth`: a beat's
:func:`~previs.plan.frame_truth.caption`, a safety finding's
:func:`~previs.plan.frame_truth.finding_text`); this module only fits them to each format:

- **OTIO / FCP 7 XML** (:func:`beat_comment`, :func:`safety_name`, :func:`safety_comment`):
  a marker has a short ``name`` (what an editor sees on the marker) and a free ``comment``
  (Resolve's and Premiere's marker *Comment* field; FCP 7 XML ``<marker><comment>``). A beat's
  comment is its note (``"hook"``), a safety marker's the finding's full sentence.
- **CMX 3600 EDL** (:func:`locator_text`): a ``* LOC: 01:00:04:00 ORANGE  TEXT`` comment
  line per marker. CMX 3600 is an 80-column format (the punched card it was designed
  for): Avid's EDL Manager and most readers keep only the first 80 characters of a line,
  so the text after ``* LOC: HH:MM:SS:FF COLOUR  `` (27 characters) is cut to
  :data:`LOC_TEXT_MAX` = 53, ending in ``...`` when cut. Plain upper-case ASCII on one line
  (:func:`previs.export.otio.one_line_ascii`): ``NAME - NOTE``.
"""

from __future__ import annotations

from ..plan.frame_truth import finding_text

EDL_LINE_MAX = 80
"""Characters per EDL line (CMX 3600's 80 columns)."""
LOC_PREFIX = len("* LOC: 00:00:00:00 MAGENTA ")
"""27: the locator line's fixed part (timecode, colour padded to 7, spaces)."""
LOC_TEXT_MAX = EDL_LINE_MAX - LOC_PREFIX
"""53 characters of locator text."""
SAFETY_COLOR = "MAGENTA"
"""Safety markers' colour (red is the cuts', orange contact, purple falls, green looks)."""


def beat_comment(beat) -> str:
    """A beat marker's comment: its note (``""`` when it has none)."""
    return beat.note or ""


def safety_name(finding) -> str:
    """A safety marker's name: ``Safety clearance`` (its kind; who is in the comment)."""
    return f"Safety {finding.kind}"


def safety_comment(finding) -> str:
    """A safety marker's comment: the finding's sentence, as the HUD and the animatic show it
    (``too close: Goon 2 ↔ Goon 5 0.21 m``)."""
    return finding_text(finding)


def locator_text(name: str, comment: str = "") -> str:
    """The EDL locator text of a marker: ``NAME - COMMENT`` (just ``NAME`` without a
    comment), plain upper-case ASCII on one line, at most :data:`LOC_TEXT_MAX` characters
    (cut with ``...``)."""
    from .otio import one_line_ascii

    text = name if not comment else f"{name} - {comment}"
    text = " ".join(one_line_ascii(text).split()).upper()
    if len(text) > LOC_TEXT_MAX:
        text = text[: LOC_TEXT_MAX - 3].rstrip() + "..."
    return text
